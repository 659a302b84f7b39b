"""An answer must name one of its own question's choices: anything else is refused whole (422)."""

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.courses import catalog
from app.learning import service as learning
from app.quizzes import player
from tests.factories import log_in, make_user
from tests.quizzes.flow import (
    answer_rows,
    copy_mini,
    load_courses,
    questions_of,
    right_form,
    save,
    slots,
    start,
)

CHOICES = ("single", "multiple")


def _choice_positions(session: Session, mini: catalog.Course, attempt_id: int) -> list[int]:
    questions = questions_of(mini, "control-basico")
    return [s.position for s in slots(session, attempt_id) if questions[s.question_id].type in CHOICES]


def test_a_made_up_option_token_is_refused_with_422_and_nothing_is_stored(
    client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    position = _choice_positions(session, mini, attempt_id)[0]

    refused = save(client, attempt_id, position, "0123456789ab")

    assert refused.status_code == 422
    assert "no pertenece a esta pregunta" in refused.text
    assert answer_rows(session, attempt_id) == {}


def test_another_questions_option_token_is_refused_and_the_saved_answer_stays(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    here = _choice_positions(session, mini, attempt_id)[0]
    there = next(s.position for s in slots(session, attempt_id) if s.position != here)
    secret = app.state.secret_key
    assert save(client, attempt_id, here, player.token(secret, attempt_id, here, 0)).status_code == 200

    refused = save(client, attempt_id, here, player.token(secret, attempt_id, there, 0))

    assert refused.status_code == 422
    assert answer_rows(session, attempt_id)[here].response == "0"


def test_an_unknown_true_false_value_is_refused(
    client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    questions = questions_of(mini, "control-basico")
    position = next(
        s.position for s in slots(session, attempt_id) if questions[s.question_id].type == "true_false"
    )

    assert save(client, attempt_id, position, "verdadero").status_code == 422
    assert answer_rows(session, attempt_id) == {}


def test_without_javascript_a_made_up_token_is_refused_too_not_stored_as_no_answer(
    client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    """The plain form post (no htmx) answered 303 and stored "no answer" before; it is refused the same."""
    log_in(client, officer)
    attempt_id = start(client)
    position = _choice_positions(session, mini, attempt_id)[0]

    refused = save(client, attempt_id, position, "0123456789ab", htmx=False)

    assert refused.status_code == 422 and "no pertenece a esta pregunta" in refused.text
    assert answer_rows(session, attempt_id) == {}


@pytest.fixture
def every_kind(app: FastAPI, session: Session, tmp_path: Path) -> tuple[User, catalog.Course]:
    """An officer of a `mini` whose final quiz draws every question of its general bank (matching,
    multiple response…)."""
    root = copy_mini(tmp_path)
    quiz_file = root / "mini" / "practica" / "final.quiz.yaml"
    quiz_file.write_text(
        quiz_file.read_text().replace("{bank: general, count: 3}", "{bank: general, count: 4}")
    )
    course = load_courses(session, root)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    return officer, course


@pytest.mark.parametrize("kind", ["matching", "multiple"])
def test_a_foreign_token_among_good_ones_is_refused_whole(
    app: FastAPI, client: TestClient, session: Session, every_kind: tuple[User, catalog.Course], kind: str
) -> None:
    officer, course = every_kind
    log_in(client, officer)
    attempt_id = start(client, "final")
    questions = questions_of(course, "final")
    slot = next(s for s in slots(session, attempt_id) if questions[s.question_id].type == kind)
    form = right_form(questions[slot.question_id], slot, app.state.secret_key)
    field = "match-1" if kind == "matching" else "response"
    form[field] = (
        player.token(app.state.secret_key, attempt_id, slot.position + 1, 0)
        if kind == "matching"
        else [*form[field], "0123456789ab"]
    )

    refused = save(client, attempt_id, slot.position, form)

    assert refused.status_code == 422
    assert slot.position not in answer_rows(session, attempt_id)
