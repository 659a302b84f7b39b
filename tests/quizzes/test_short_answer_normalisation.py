"""Short answers score like the key however the officer writes the number sign, the spacing or the letters.

The rule is `grading.normalize` (documented there); these tests use the answers of the real course banks.
"""

from pathlib import Path
from typing import Any

import pytest

from app.courses.catalog import Course, load_all
from app.quizzes import grading

COURSES = Path(__file__).parent.parent.parent / "courses"


@pytest.fixture(scope="module")
def courses() -> dict[str, Course]:
    loaded, problems = load_all(COURSES)
    assert problems == []
    return {course.slug: course for course in loaded}


def _question(course: Course, question_id: str) -> Any:
    for item in course.items():
        for question in item.quiz.questions if item.quiz else []:
            if question.id == question_id:
                return question
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


@pytest.mark.parametrize(
    ("slug", "question_id"),
    [
        ("trabajo-infantil", "m3-decreto-lista-peligroso"),
    ],
)
def test_every_accepted_answer_of_the_bank_scores_its_weight(
    courses: dict[str, Course], slug: str, question_id: str
) -> None:
    question = _question(courses[slug], question_id)
    scores = [grading.score(question, answer.text) for answer in question.answers]

    assert scores == [answer.weight / 100 for answer in question.answers]
