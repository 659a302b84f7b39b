"""An answer must name one of its own question's choices: anything else is refused whole (422)."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.courses import catalog
from app.quizzes import player
from tests.factories import log_in
from tests.quizzes.flow import answer_rows, questions_of, save, slots, start

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
