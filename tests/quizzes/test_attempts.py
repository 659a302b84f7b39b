"""Attempts on the real app and database: limits under concurrency, finishing once, deadlines, ownership."""

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from app.accounts.models import User
from app.courses import catalog
from app.courses import service as course_service
from app.db import transaction
from app.learning import service as learning
from app.quizzes import service, sweep
from app.quizzes.models import Answer, AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.factories import csrf_from, log_in, make_user
from tests.quizzes.flow import (
    answer_all_right,
    answer_rows,
    attempt_row,
    finish,
    questions_of,
    right_form,
    save,
    slots,
    start,
    tokens,
)


def _attempts(session: Session, user: User, quiz: str) -> list[QuizAttempt]:
    session.rollback()
    return list(
        session.exec(select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz))
    )


def _expire(session: Session, attempt_id: int, ago: timedelta) -> QuizAttempt:
    attempt = attempt_row(session, attempt_id)
    attempt.deadline_at = utcnow() - ago
    session.add(attempt)
    session.commit()
    return attempt


def _all_at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run `call(i)` for i < count on as many threads, released together."""
    barrier = threading.Barrier(count, timeout=60)

    def run(i: int) -> Any:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _clones(app: FastAPI, client: TestClient, count: int) -> list[TestClient]:
    """Separate clients (browser tabs) sharing `client`'s login."""
    return [TestClient(app, follow_redirects=False, cookies=client.cookies) for _ in range(count)]


def _first_auto_graded(session: Session, course: catalog.Course, attempt_id: int, quiz: str) -> Any:
    questions = questions_of(course, quiz)
    return next(s for s in slots(session, attempt_id) if questions[s.question_id].type != "open")


def test_starting_twice_continues_the_same_attempt(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)

    first, second = start(client), start(client)

    assert first == second and len(_attempts(session, officer, "control-basico")) == 1


def test_no_attempt_is_started_beyond_the_quizs_limit(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    for _ in range(2):
        finish(client, start(client))

    refused = client.post("/quizzes/mini/control-basico/start", data={"csrf_token": csrf_from(client)})

    assert refused.status_code == 409 and "Ya usó todos los intentos" in refused.text
    assert [a.number for a in _attempts(session, officer, "control-basico")] == [1, 2]
    assert "Ya usó todos los intentos" in client.get("/quizzes/mini/control-basico").text


def test_fifty_concurrent_starts_by_one_officer_make_exactly_one_attempt(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    token = csrf_from(client)
    tabs = _clones(app, client, 50)

    responses: list[Response] = _all_at_once(
        50, lambda i: tabs[i].post("/quizzes/mini/final/start", data={"csrf_token": token})
    )

    assert {r.status_code for r in responses} == {303}
    assert len({r.headers["location"] for r in responses}) == 1
    attempts = _attempts(session, officer, "final")  # `final` allows a single attempt
    assert len(attempts) == 1 and attempts[0].state == AttemptState.in_progress


def test_concurrent_starts_after_the_first_attempt_make_one_more_and_never_a_third(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    finish(client, start(client))
    token = csrf_from(client)
    tabs = _clones(app, client, 20)

    second = _all_at_once(
        20, lambda i: tabs[i].post("/quizzes/mini/control-basico/start", data={"csrf_token": token})
    )
    finish(client, start(client))
    third = _all_at_once(
        20, lambda i: tabs[i].post("/quizzes/mini/control-basico/start", data={"csrf_token": token})
    )

    assert {r.status_code for r in second} == {303} and len({r.headers["location"] for r in second}) == 1
    assert {r.status_code for r in third} == {409}
    assert sorted(a.number for a in _attempts(session, officer, "control-basico")) == [1, 2]


def test_concurrent_service_starts_in_their_own_transactions_make_one_attempt(
    app: FastAPI, session: Session, officer: User, mini: catalog.Course
) -> None:
    version, _ = course_service.published(session, "mini")

    def begin(_: int) -> int:
        with transaction(app.state.engine, write=True) as own:
            return service.start(own, officer, mini, version.id or 0, "final").id or 0

    ids = set(_all_at_once(50, begin))

    assert len(ids) == 1 and len(_attempts(session, officer, "final")) == 1


def test_twenty_concurrent_finishes_grade_the_attempt_exactly_once(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    answer_all_right(client, app, session, mini, attempt_id, "control-basico")
    graded: list[int] = []
    original = service._grade
    monkeypatch.setattr(service, "_grade", lambda *args: graded.append(1) or original(*args))

    def close(_: int) -> bool:
        with transaction(app.state.engine, write=True) as own:
            return service.finish(
                own, service.owned_attempt_and_course(own, attempt_id, officer, lock=True)[0], mini
            )

    results = _all_at_once(20, close)

    assert results.count(True) == 1 and len(graded) == 1
    attempt = attempt_row(session, attempt_id)
    assert attempt.state == AttemptState.finished and attempt.percent == 100.0 and attempt.passed is True
    assert [a.fraction for a in answer_rows(session, attempt_id).values()] == [1.0, 1.0, 1.0]


def test_twenty_concurrent_finish_requests_all_land_on_the_review_and_grade_once(
    app: FastAPI, client: TestClient, session: Session, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    right = tokens(client, attempt_id, 0)[0]
    save(client, attempt_id, 0, right)
    token = csrf_from(client)
    tabs = _clones(app, client, 20)
    graded: list[int] = []
    original = service._grade
    monkeypatch.setattr(service, "_grade", lambda *args: graded.append(1) or original(*args))

    responses = _all_at_once(
        20, lambda i: tabs[i].post(f"/attempts/{attempt_id}/finish", data={"csrf_token": token})
    )

    assert {r.status_code for r in responses} == {303} and len(graded) == 1
    assert all(r.headers["location"].endswith(f"/attempts/{attempt_id}/review") for r in responses)
    assert attempt_row(session, attempt_id).percent == pytest.approx(33.33)


def test_a_save_after_finishing_is_refused_and_the_stored_answer_stays(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    right, wrong = tokens(client, attempt_id, 0)
    save(client, attempt_id, 0, right)
    finish(client, attempt_id)
    before = answer_rows(session, attempt_id)[0]

    late = save(client, attempt_id, 0, wrong)
    late_plain = save(client, attempt_id, 1, "true", htmx=False)

    assert late.status_code == 409 and "Este intento ya terminó: la respuesta no se guardó." in late.text
    assert late_plain.status_code == 409
    after = answer_rows(session, attempt_id)
    assert (
        list(after) == [0] and after[0].response == before.response and after[0].saved_at == before.saved_at
    )
    assert after[0].fraction == 1.0


def test_saving_the_same_answer_twice_keeps_one_row_and_a_change_updates_it(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    first, second = tokens(client, attempt_id, 0)

    statuses = [
        save(client, attempt_id, 0, first).status_code,
        save(client, attempt_id, 0, first).status_code,
    ]
    once = answer_rows(session, attempt_id)
    changed = save(client, attempt_id, 0, second)

    rows = session.exec(select(Answer).where(Answer.attempt_id == attempt_id)).all()
    assert statuses == [200, 200] and changed.status_code == 200 and "Guardado" in changed.text
    assert len(rows) == 1 and rows[0].id == once[0].id
    assert json.loads(once[0].response) == 0 and json.loads(answer_rows(session, attempt_id)[0].response) == 1


def test_a_plain_form_save_redirects_to_the_chosen_question_or_the_confirmation(
    client: TestClient, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = start(client)

    onward = save(client, attempt_id, 1, {"response": "false", "go": "2"}, htmx=False)
    done = save(client, attempt_id, 2, {"response": "redes sociales", "go": "finish"}, htmx=False)

    assert onward.status_code == 303 and onward.headers["location"].endswith(f"/attempts/{attempt_id}?q=2")
    assert done.status_code == 303 and done.headers["location"].endswith(f"/attempts/{attempt_id}/finish")


def test_past_the_deadline_the_player_finishes_the_attempt_as_of_the_deadline_grading_saved_answers(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client, "final")
    slot = _first_auto_graded(session, mini, attempt_id, "final")
    question = questions_of(mini, "final")[slot.question_id]
    save(client, attempt_id, slot.position, right_form(question, slot, app.state.secret_key))
    deadline = _expire(session, attempt_id, service.GRACE + timedelta(seconds=5)).deadline_at

    page = client.get(f"/attempts/{attempt_id}?q=1")

    assert page.status_code == 303 and page.headers["location"].endswith(f"/attempts/{attempt_id}/review")
    attempt = attempt_row(session, attempt_id)
    assert attempt.state == AttemptState.finished and attempt.finished_at == deadline
    assert answer_rows(session, attempt_id)[slot.position].fraction == 1.0
    assert client.get(f"/attempts/{attempt_id}/review").status_code == 200


def test_overdue_lists_attempts_past_deadline_and_grace_and_finish_closes_them_as_of_the_deadline(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    late = start(client, "final")
    recent = start(client, "control-basico")
    deadline = _expire(session, late, timedelta(hours=1)).deadline_at
    _expire(session, recent, timedelta(seconds=5))  # within the grace: not yet overdue

    with transaction(app.state.engine, write=True) as own:
        found = service.overdue(own, utcnow())
        closed = [service.finish(own, a, mini, at=a.deadline_at) for a in found]

    assert [a.id for a in found] == [late] and closed == [True]
    assert attempt_row(session, late).finished_at == deadline
    assert attempt_row(session, recent).state == AttemptState.in_progress


def test_the_sweep_finishes_each_overdue_attempt_once(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = start(client, "final")
    deadline = _expire(session, attempt_id, timedelta(hours=1)).deadline_at

    counts = [sweep.sweep(app.state.engine), sweep.sweep(app.state.engine)]

    assert counts == [1, 0]
    attempt = attempt_row(session, attempt_id)
    assert attempt.state == AttemptState.finished and attempt.finished_at == deadline


def test_a_save_within_the_grace_after_the_deadline_is_kept_and_counts(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client, "final")
    slot = _first_auto_graded(session, mini, attempt_id, "final")
    _expire(session, attempt_id, timedelta(seconds=5))

    saved = save(
        client,
        attempt_id,
        slot.position,
        right_form(questions_of(mini, "final")[slot.question_id], slot, app.state.secret_key),
    )
    finish(client, attempt_id)

    assert saved.status_code == 200
    assert answer_rows(session, attempt_id)[slot.position].fraction == 1.0


def test_a_save_after_the_grace_is_refused_with_the_time_message(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = start(client, "final")
    _expire(session, attempt_id, service.GRACE + timedelta(seconds=5))

    late = save(client, attempt_id, 0, "18")

    assert late.status_code == 409 and "Se acabó el tiempo" in late.text
    assert answer_rows(session, attempt_id) == {}


@pytest.mark.parametrize("position", [3, 99, 1000])
def test_a_position_not_in_the_attempt_is_404(
    client: TestClient, session: Session, officer: User, position: int
) -> None:
    log_in(client, officer)
    attempt_id = start(client)

    response = save(client, attempt_id, position, "x")

    assert response.status_code == 404 and answer_rows(session, attempt_id) == {}


def test_another_officers_attempt_is_404_on_player_save_confirm_finish_and_review(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    intruder_user = make_user(session, app)
    learning.enroll(session, intruder_user, "mini")
    session.commit()

    with TestClient(app, follow_redirects=False) as intruder:
        log_in(intruder, intruder_user)
        statuses = [
            intruder.get(f"/attempts/{attempt_id}").status_code,
            save(intruder, attempt_id, 0, "x").status_code,
            intruder.get(f"/attempts/{attempt_id}/finish").status_code,
            finish(intruder, attempt_id).status_code,
            intruder.get(f"/attempts/{attempt_id}/review").status_code,
        ]

    assert statuses == [404] * 5
    assert attempt_row(session, attempt_id).state == AttemptState.in_progress
    assert answer_rows(session, attempt_id) == {}


def test_fields_the_client_makes_up_are_ignored(client: TestClient, session: Session, officer: User) -> None:
    # Unknown option tokens are refused (tests/quizzes/test_answer_tokens.py); here the choice is empty.
    log_in(client, officer)
    attempt_id = start(client)
    forged = {"score": "100", "fraction": "1", "percent": "100", "passed": "true", "points": "9"}

    statuses = [
        save(client, attempt_id, 0, {"response": "", **forged}).status_code,
        save(client, attempt_id, 1, {"response": "", **forged}).status_code,
    ]
    finish(client, attempt_id)

    answers = answer_rows(session, attempt_id)
    assert statuses == [200, 200]
    assert [json.loads(answers[p].response) for p in (0, 1)] == [None, None]
    assert [answers[p].fraction for p in (0, 1)] == [0.0, 0.0]
    attempt = attempt_row(session, attempt_id)
    assert attempt.percent == 0.0 and attempt.passed is False
