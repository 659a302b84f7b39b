"""The review marks each answer right, partly right or wrong (as the review settings allow), sums the
marks up per question and leads on to the next item; the player moves between questions without
JavaScript and without losing the answer on the page."""

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.courses import catalog
from app.learning import service as learning
from app.quizzes import review
from tests.factories import csrf_from, log_in, make_user
from tests.quizzes.flow import answer_rows, copy_mini, finish, load_courses, save, start, tokens

SUMMARY = re.compile(r'<ol class="review-summary">(.*?)</ol>', re.S)


def _summary(page: str) -> list[str]:
    match = SUMMARY.search(page)
    assert match, "no summary on the review page"
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", match[1], re.S)
    ]


def _one_right_one_wrong_one_blank(client: TestClient) -> int:
    attempt_id = start(client)
    save(client, attempt_id, 0, tokens(client, attempt_id, 0)[1])  # "Dos": wrong
    save(client, attempt_id, 1, "false")  # right
    finish(client, attempt_id)
    return attempt_id


def test_the_review_marks_each_question_and_sums_the_marks_up(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _one_right_one_wrong_one_blank(client)

    page = client.get(f"/attempts/{attempt_id}/review").text

    assert _summary(page) == [
        "✗ Pregunta 1: incorrecta",
        "✓ Pregunta 2: correcta",
        "✗ Pregunta 3: sin responder",
    ]
    assert page.count('class="mark mark-wrong"') == 2 and page.count('class="mark mark-right"') == 1


def test_a_wrong_choice_is_marked_wrong_once_the_correct_answers_may_be_shown(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    first = _one_right_one_wrong_one_blank(client)
    before = client.get(f"/attempts/{first}/review").text
    finish(client, start(client))  # the last of two attempts: correct answers may now be shown

    after = client.get(f"/attempts/{first}/review").text

    assert "(incorrecta)" not in before
    assert re.search(r"Su elección:</strong> Dos <span class=\"bad\">\(incorrecta\)</span>", after)
    assert 'Tres <span class="ok">(correcta)</span>' in after


@pytest.mark.parametrize(
    ("fraction", "mark"), [(1.0, "right"), (0.5, "partial"), (0.0, "wrong"), (None, None)]
)
def test_a_fraction_of_the_points_is_a_mark(fraction: float | None, mark: str | None) -> None:
    assert review.mark(fraction) == mark


def test_without_the_score_the_review_marks_nothing(
    app: FastAPI, client: TestClient, session: Session, tmp_path: Path
) -> None:
    root = copy_mini(tmp_path)
    quiz_file = root / "mini" / "basico" / "control-basico.quiz.yaml"
    quiz_file.write_text(quiz_file.read_text() + "review: {score: never}\n")
    load_courses(session, root)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)
    attempt_id = _one_right_one_wrong_one_blank(client)

    page = client.get(f"/attempts/{attempt_id}/review").text

    assert [s for s in ("✓", "✗", "incorrecta", "review-summary") if s in page] == []


def test_the_review_leads_on_to_the_next_item_of_the_course(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _one_right_one_wrong_one_blank(client)

    page = client.get(f"/attempts/{attempt_id}/review").text

    next_item = app.url_path_for("courses:item", slug="mini", item_id="tercera")
    assert re.search(rf'<a[^>]* href="{next_item}"[^>]*>[^<]*Siguiente', page)


def test_a_case_question_names_its_case_once(
    app: FastAPI, client: TestClient, session: Session, tmp_path: Path
) -> None:
    root = copy_mini(tmp_path)
    case_file = root / "mini" / "basico" / "caso-itapua.es.md"
    case_file.write_text(case_file.read_text().replace("# Caso en Itapúa", "# Caso: una oferta en Itapúa", 1))
    load_courses(session, root)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)
    attempt_id = start(client)

    page = client.get(f"/attempts/{attempt_id}?q=2").text

    assert "Caso: una oferta en Itapúa" in page and "Caso: Caso:" not in page


def test_without_javascript_a_question_number_saves_the_answer_before_moving(
    client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    page = client.get(f"/attempts/{attempt_id}?q=1").text
    form_id = re.search(r'<form[^>]* id="([^"]+)"[^>]*data-autosave', page) or re.search(
        r'<form[^>]*data-autosave[^>]* id="([^"]+)"', page
    )
    assert form_id, "the answer form has no id for the question buttons to submit"
    nav = re.search(r'<nav class="question-nav".*?</nav>', page, re.S)
    assert nav and re.search(rf'<button[^>]* form="{form_id[1]}"[^>]* name="go" value="2"', nav[0])

    response = client.post(
        f"/attempts/{attempt_id}/answers/1",
        data={"response": "false", "go": "2", "csrf_token": csrf_from(client)},
    )

    assert response.status_code == 303 and response.headers["location"].endswith("?q=2")
    assert answer_rows(session, attempt_id)[1].response == "false"
