"""The four training-of-trainers courses in courses/: valid, bilingual, long enough, with teaching
feedback."""

from pathlib import Path

import pytest

from app.courses.catalog import Course
from app.courses.files.folders import load_all
from app.courses.schema import CourseKind

COURSES = Path(__file__).parent.parent.parent / "courses"
SLUGS = {"trabajo-infantil", "trabajo-forzoso", "trata-de-personas", "formacion-de-formadores"}


@pytest.fixture(scope="module")
def courses() -> dict[str, Course]:
    loaded, problems = load_all(COURSES)
    assert problems == [], "\n".join(map(str, problems))
    return {course.slug: course for course in loaded}


def test_the_four_courses_load(courses: dict[str, Course]) -> None:
    assert set(courses) == SLUGS


def test_together_they_hold_at_least_fifteen_hours_of_study(courses: dict[str, Course]) -> None:
    assert sum(c.manifest.hours for c in courses.values()) >= 15
    for course in courses.values():  # the stated hours match the minutes of the items
        minutes = sum(item.minutes or 0 for item in course.items())
        assert abs(minutes - course.manifest.hours * 60) <= 30, course.slug


def test_each_course_has_at_least_thirty_questions(courses: dict[str, Course]) -> None:
    assert {slug: c.question_count() >= 30 for slug, c in courses.items()} == dict.fromkeys(SLUGS, True)


def test_every_lesson_case_and_facilitator_note_has_spanish_and_english(courses: dict[str, Course]) -> None:
    missing = [
        f"{c.slug}/{item.id}"
        for c in courses.values()
        for item in c.items()
        if item.kind != "quiz" and set(item.body) != {"es", "en"}
    ]
    missing += [
        f"{c.slug}/{m.id}/facilitator"
        for c in courses.values()
        for m in c.modules
        if set(m.facilitator) != {"es", "en"}
    ]
    assert missing == []


def test_every_question_has_feedback(courses: dict[str, Course]) -> None:
    questions = [(c.slug, q) for c in courses.values() for bank in c.banks.values() for q in bank]
    questions += [
        (c.slug, q) for c in courses.values() for i in c.items() if i.quiz for q in i.quiz.questions
    ]
    assert [f"{slug}/{q.id}" for slug, q in questions if q.feedback is None] == []


def test_lessons_cite_their_sources(courses: dict[str, Course]) -> None:
    uncited = [
        f"{c.slug}/{i.id}"
        for c in courses.values()
        for i in c.items()
        if i.kind == "lesson" and "](source:" not in i.body["es"]
    ]
    assert uncited == []


def test_the_training_of_trainers_course_carries_a_practicum_and_attendance(
    courses: dict[str, Course],
) -> None:
    tot = courses["formacion-de-formadores"].manifest

    assert tot.kind == CourseKind.training_of_trainers and tot.practicum is not None
    assert tot.completion.practicum and tot.completion.attendance_hours >= 15
