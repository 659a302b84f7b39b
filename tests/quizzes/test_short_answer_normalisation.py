"""Short answers score like the key however the officer writes the number sign, the spacing or the letters.

The rule is `grading.normalize` (documented there); these tests use the answers of the real course banks.
"""

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.courses import drawing, schema
from app.courses.catalog import Course
from app.courses.files.folders import load_all
from app.learning import service as learning
from app.quizzes import grading
from tests.factories import log_in, make_user
from tests.quizzes.flow import answer_rows, copy_mini, finish, load_courses, save, start

COURSES = Path(__file__).parent.parent.parent / "courses"


@pytest.fixture(scope="module")
def courses() -> dict[str, Course]:
    loaded, problems = load_all(COURSES)
    assert problems == []
    return {course.slug: course for course in loaded}


def _question(course: Course, question_id: str) -> Any:
    """A question of the course by id, whether written in a quiz or drawn from one of its banks."""
    for item in course.items():
        found = drawing.question_index(item.quiz, course.banks) if item.quiz else {}
        if question_id in found:
            return found[question_id]
    raise AssertionError(question_id)


@pytest.mark.parametrize(
    "typed",
    [
        "Decreto Nº 4951/2005",  # the ordinal indicator º, the usual Spanish spelling
        "Decreto N° 4951/2005",  # the degree sign
        "Decreto Nro. 4951/2005",
        "Decreto Nro 4951/2005",
        "Decreto No. 4951/2005",
        "decreto n.º 4951/2005",
        "DECRETO Nº4951/2005",
        "4951 / 2005",
        "Decreto 4951 /2005.",
        "４９５１／２００５",  # full-width digits from a phone keyboard (compatibility form)
    ],
)
def test_the_decree_number_scores_like_the_key_however_the_number_sign_is_written(
    courses: dict[str, Course], typed: str
) -> None:
    decree = _question(courses["trabajo-infantil"], "m3-decreto-lista-peligroso")

    assert grading.score(decree, typed) == 1.0


@pytest.mark.parametrize("typed", ["4952/2005", "Decreto 1657/2001", "Ley 4951/2005", "no"])
def test_a_different_number_still_scores_nothing(courses: dict[str, Course], typed: str) -> None:
    decree = _question(courses["trabajo-infantil"], "m3-decreto-lista-peligroso")

    assert grading.score(decree, typed) == 0.0


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Decreto Nº 4951/2005", "decreto 4951/2005"),
        ("1ª sesión", "1a sesion"),
        ("art. 5", "Art.5"),
        ("CODENI", " codeni. "),
        ("trabajo  forzoso", "Trabajo forzoso"),
    ],
)
def test_normalize_treats_these_spellings_as_one(left: str, right: str) -> None:
    assert grading.normalize(left) == grading.normalize(right)


def test_no_as_a_word_is_kept() -> None:
    assert grading.normalize("No lo sé") == "no lo se"


def _short_questions() -> list[tuple[str, str]]:
    """(course, question id) of every short-answer question in the real courses, banks included."""
    found = []
    for course in load_all(COURSES)[0]:
        for item in course.items():
            for question in drawing.question_index(item.quiz, course.banks).values() if item.quiz else []:
                if isinstance(question, schema.ShortAnswer) and (course.slug, question.id) not in found:
                    found.append((course.slug, question.id))
    return found


@pytest.mark.parametrize(("slug", "question_id"), _short_questions())
def test_every_accepted_answer_of_the_banks_scores_its_weight(
    courses: dict[str, Course], slug: str, question_id: str
) -> None:
    question = _question(courses[slug], question_id)
    scores = [grading.score(question, answer.text) for answer in question.answers]

    assert scores == [answer.weight / 100 for answer in question.answers]


def test_the_real_courses_have_short_answer_questions_to_test() -> None:
    assert ("trabajo-infantil", "m3-decreto-lista-peligroso") in _short_questions()


@pytest.mark.parametrize("typed", ["Decreto Nº 4951/2005", "Decreto Nro. 4951/2005", "4951 / 2005"])
def test_a_saved_short_answer_is_scored_by_the_rule_when_the_attempt_is_finished(
    app: FastAPI, client: TestClient, session: Session, tmp_path: Path, typed: str
) -> None:
    """Through the player and the database: the answer typed on the page, stored, then graded (the key
    holds two of the bank's accepted answers, as written there)."""
    root = copy_mini(tmp_path)
    quiz_file = root / "mini" / "basico" / "control-basico.quiz.yaml"
    key = '["4951/2005", "Decreto N° 4951/2005"]'
    quiz_file.write_text(quiz_file.read_text().replace('["redes sociales", "social media"]', key))
    load_courses(session, root)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)
    attempt_id = start(client)

    assert save(client, attempt_id, 2, typed).status_code == 200
    finish(client, attempt_id)

    assert answer_rows(session, attempt_id)[2].fraction == 1.0
