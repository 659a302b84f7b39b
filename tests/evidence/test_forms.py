"""Pre-test and post-test: the pairing check, parallel forms, asked before the first lesson, never counted."""

import random
import re
from collections import Counter
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.courses import evaluation
from app.courses.files import folders
from app.learning.models import Enrollment
from tests.evidence.forms_fixture import EVALUATION, mini_with_forms
from tests.factories import log_in, make_user, post
from tests.quizzes.flow import attempt_row, finish, load_courses, slots, start

COURSES = Path(__file__).parents[2] / "courses"
OBJECTIVE = {
    "elementos-de-la-trata": "delito",
    "consentimiento": "delito",
    "indicadores": "delito",
    "sigla": "delito",
    "edad-nino": "general",
    "formas": "general",
}


def _location(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 303, response.text
    return response.headers["location"].removeprefix("http://testserver")


def test_check_names_each_blueprint_problem_at_its_line(tmp_path: Path) -> None:
    broken = EVALUATION.replace("[edad-nino, formas]", "[edad-nino, no-such-question, plan, edad-nino]")
    broken = broken.replace("count: 1", "count: 5")
    root = mini_with_forms(tmp_path, broken)

    code, lines = folders.check(root / "mini")

    found = "\n".join(lines)
    assert code == 1
    assert "evaluation.yaml:14: no question `no-such-question` in this course's banks" in found
    assert "evaluation.yaml:14: question `plan` is an open response" in found
    assert "evaluation.yaml:14: question `edad-nino` is listed twice in the blueprint" in found
    assert "evaluation.yaml:13: objective `general` draws 5 items per form but lists 3" in found


def test_check_refuses_a_pre_test_without_its_post_test(tmp_path: Path) -> None:
    root = mini_with_forms(
        tmp_path, EVALUATION.replace('post:\n  title: {es: "Evaluación final", en: "Post-test"}\n', "")
    )

    code, lines = folders.check(root / "mini")

    assert code == 1 and any("evaluation.yaml" in line and "post" in line for line in lines), lines


def test_each_of_the_four_courses_has_a_valid_pre_post_pair() -> None:
    courses, problems = folders.load_all(COURSES)

    assert problems == []
    assert len(courses) == 4 and all(course.evaluation is not None for course in courses)


def test_post_test_draws_a_parallel_form_avoiding_the_pre_test_items(tmp_path: Path) -> None:
    course, _ = folders.load_course(mini_with_forms(tmp_path) / "mini")
    assert course is not None
    rng = random.Random(7)

    for _ in range(50):
        pre = {s.question_id for s in evaluation.draw_form(course, evaluation.PRE_TEST, set(), rng)}
        post = {s.question_id for s in evaluation.draw_form(course, evaluation.POST_TEST, pre, rng)}

        assert (
            Counter(OBJECTIVE[q] for q in pre)
            == Counter(OBJECTIVE[q] for q in post)
            == {"delito": 2, "general": 1}
        )
        assert not pre & post


def test_post_test_repeats_items_only_where_the_objective_has_too_few(tmp_path: Path) -> None:
    small = EVALUATION.replace(
        "[elementos-de-la-trata, consentimiento, indicadores, sigla]",
        "[elementos-de-la-trata, consentimiento, indicadores]",
    )
    course, _ = folders.load_course(mini_with_forms(tmp_path, small) / "mini")
    assert course is not None
    pre = {"elementos-de-la-trata", "consentimiento", "edad-nino"}

    post = [s.question_id for s in evaluation.draw_form(course, evaluation.POST_TEST, pre, random.Random(1))]

    assert sorted(post) == sorted(["indicadores", "formas", *(set(post) & pre)])
    assert len(set(post) & pre) == 1 and (set(post) & pre) <= {"elementos-de-la-trata", "consentimiento"}


def test_entering_the_course_asks_for_the_pre_test_first_and_its_post_test_differs(
    tmp_path: Path, app: FastAPI, client: TestClient, session: Session
) -> None:
    course = load_courses(session, mini_with_forms(tmp_path))
    officer = make_user(session, app)
    log_in(client, officer)
    post(client, "/learn/mini/enroll")

    first = _location(client, "/learn/mini/continue")
    lesson = client.get("/courses/mini/primera").status_code  # a saved lesson must open offline too
    pre_id = start(client, "pre-test")
    finish(client, pre_id)
    after = _location(client, "/learn/mini/continue")
    post_id = start(client, "post-test")

    assert first == "/quizzes/mini/pre-test" and lesson == 200
    assert after == "/courses/mini/primera"
    pre_items = {s.question_id for s in slots(session, pre_id)}
    post_items = {s.question_id for s in slots(session, post_id)}
    assert len(pre_items) == len(post_items) == 3 and not pre_items & post_items
    assert course.evaluation is not None


def test_the_pre_test_shows_no_score_or_feedback_and_does_not_count_toward_completion(
    tmp_path: Path, app: FastAPI, client: TestClient, session: Session
) -> None:
    load_courses(session, mini_with_forms(tmp_path, required_quizzes=False))
    officer = make_user(session, app)
    log_in(client, officer)
    post(client, "/learn/mini/enroll")
    pre_id = start(client, "pre-test")
    finish(client, pre_id)  # nothing answered: 0 %

    review = client.get(f"/attempts/{pre_id}/review").text
    overview = client.get("/quizzes/mini/pre-test").text
    for lesson in ("primera", "segunda", "caso-itapua", "tercera"):
        post(client, f"/learn/mini/{lesson}/done")

    assert attempt_row(session, pre_id).percent == 0
    assert not re.search(r"(?<![\d,.])0(,0)? ?%", review + overview)
    session.expire_all()
    enrolment = session.exec(select(Enrollment)).one()
    assert enrolment.completed_at is not None
