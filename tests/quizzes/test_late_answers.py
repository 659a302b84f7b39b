"""Answers the device's journal delivers after a timed quiz's deadline: kept, flagged, decided once."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.courses import catalog
from app.quizzes import service
from app.quizzes.models import AttemptState, LateAnswer, QuizAttempt
from app.timeutil import utcnow
from tests.factories import csrf_from, log_in, make_cohort, make_user
from tests.quizzes.flow import answer_rows, attempt_row, finish, questions_of, right_form, save, slots, start


@pytest.fixture
def officer_client(client: TestClient, officer: User) -> TestClient:
    log_in(client, officer)
    return client


@pytest.fixture
def grader(app: FastAPI, session: Session, officer: User, mini: catalog.Course) -> Iterator[TestClient]:
    instructor = make_user(session, app, role=Role.instructor)
    make_cohort(session, instructor, members=[officer])
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, instructor)
        yield client


def _expire(session: Session, attempt_id: int) -> None:
    session.rollback()
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt is not None
    attempt.deadline_at = utcnow() - service.GRACE - timedelta(seconds=5)
    session.add(attempt)
    session.commit()


def _send_late(
    client: TestClient,
    attempt_id: int,
    position: int,
    fields: dict[str, Any],
    *,
    seq: int,
    elapsed_ms: int = 540_000,
) -> int:
    data = {**fields, "seq": str(seq), "elapsed_ms": str(elapsed_ms)}
    return client.post(
        f"/attempts/{attempt_id}/late/{position}",
        data=data,
        headers={"X-CSRF-Token": csrf_from(client), "HX-Request": "true"},
    ).status_code


def _right(app: FastAPI, session: Session, mini: catalog.Course, attempt_id: int) -> list[dict[str, Any]]:
    questions = questions_of(mini, "final")
    return [right_form(questions[s.question_id], s, app.state.secret_key) for s in slots(session, attempt_id)]


def _late_rows(session: Session, attempt_id: int) -> list[LateAnswer]:
    session.rollback()
    return list(session.exec(select(LateAnswer).where(LateAnswer.attempt_id == attempt_id)))


def test_an_answer_past_deadline_and_grace_is_kept_flagged_late_with_the_device_time_and_not_counted(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    _expire(session, attempt_id)
    assert save(officer_client, attempt_id, 0, forms[0]).status_code == 409  # the plain save still refuses

    status = _send_late(officer_client, attempt_id, 0, forms[0], seq=7, elapsed_ms=543_210)

    assert status == 202
    [late] = _late_rows(session, attempt_id)
    assert (late.position, late.device_seq, late.elapsed_ms, late.decision) == (0, 7, 543_210, "pending")
    attempt = attempt_row(session, attempt_id)
    assert attempt.state == AttemptState.finished and attempt.percent == 0.0  # graded without it
    assert answer_rows(session, attempt_id) == {}
    review = officer_client.get(f"/attempts/{attempt_id}/review").text
    assert "llegó después del tiempo límite" in review and "decidirá" in review


def test_replaying_the_same_journal_changes_nothing(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    _expire(session, attempt_id)
    journal = [(position, form, seq) for seq, (position, form) in enumerate(enumerate(forms), start=1)]
    for position, form, seq in journal:
        assert _send_late(officer_client, attempt_id, position, form, seq=seq) == 202
    before = [(r.position, r.response, r.device_seq, r.received_at) for r in _late_rows(session, attempt_id)]

    for position, form, seq in journal:  # the device did not hear the answers and sends it all again
        assert _send_late(officer_client, attempt_id, position, form, seq=seq) == 202

    after = [(r.position, r.response, r.device_seq, r.received_at) for r in _late_rows(session, attempt_id)]
    assert after == before and len(after) == len(forms)


def test_a_late_answer_to_an_attempt_the_officer_finished_is_refused(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    finish(officer_client, attempt_id)
    _expire(session, attempt_id)

    assert _send_late(officer_client, attempt_id, 0, forms[0], seq=1) == 409
    assert _late_rows(session, attempt_id) == []


def test_late_fields_that_are_not_numbers_get_422_and_store_nothing(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    _expire(session, attempt_id)

    response = officer_client.post(
        f"/attempts/{attempt_id}/late/0",
        data={"seq": "x", "elapsed_ms": "-1"},
        headers={"X-CSRF-Token": csrf_from(officer_client)},
    )

    assert response.status_code == 422
    assert _late_rows(session, attempt_id) == []


def _decide(grader: TestClient, late_id: int, decision: str) -> int:
    return grader.post(
        f"/grading/late/{late_id}",
        data={"decision": decision, "csrf_token": csrf_from(grader, "/grading/late")},
    ).status_code


def test_the_instructor_accepts_a_late_answer_once_and_the_attempt_is_regraded_once(
    app: FastAPI, officer_client: TestClient, grader: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    questions = questions_of(mini, "final")
    scored = [s.position for s in slots(session, attempt_id) if questions[s.question_id].type != "open"]
    for position in scored[1:]:  # open responses are left out: they would keep the percent pending
        assert save(officer_client, attempt_id, position, forms[position]).status_code == 200
    _expire(session, attempt_id)
    _send_late(officer_client, attempt_id, scored[0], forms[scored[0]], seq=1)
    before = attempt_row(session, attempt_id).percent
    page = grader.get("/grading/late").text
    [late_id] = [int(i) for i in re.findall(r'action="/grading/late/(\d+)"', page)]
    assert "Tiempo contado por el teléfono: 9 min 0 s de 10 min" in page

    assert _decide(grader, late_id, "accept") == 303
    assert _decide(grader, late_id, "reject") == 303  # too late to change one's mind: nothing happens

    attempt = attempt_row(session, attempt_id)
    assert before is not None and attempt.percent is not None and attempt.percent > before
    assert answer_rows(session, attempt_id)[scored[0]].fraction == 1.0
    [late] = _late_rows(session, attempt_id)
    assert late.decision == "accepted"
    audits = session.exec(select(AuditEntry).where(AuditEntry.action.startswith("answer.late"))).all()  # type: ignore[attr-defined]
    assert [a.action for a in audits] == ["answer.late_accepted"]
    assert late_id not in [
        int(i) for i in re.findall(r'action="/grading/late/(\d+)"', grader.get("/grading/late").text)
    ]
    assert "la aceptó" in officer_client.get(f"/attempts/{attempt_id}/review").text


def test_a_rejected_late_answer_never_counts(
    app: FastAPI, officer_client: TestClient, grader: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    _expire(session, attempt_id)
    _send_late(officer_client, attempt_id, 0, forms[0], seq=1)
    [late] = _late_rows(session, attempt_id)

    assert _decide(grader, late.id or 0, "reject") == 303
    assert _decide(grader, late.id or 0, "accept") == 303

    assert attempt_row(session, attempt_id).percent == 0.0 and answer_rows(session, attempt_id) == {}
    assert [r.decision for r in _late_rows(session, attempt_id)] == ["rejected"]
    audits = session.exec(select(AuditEntry).where(AuditEntry.action.startswith("answer.late"))).all()  # type: ignore[attr-defined]
    assert len(audits) == 1


def test_an_instructor_outside_the_officers_cohorts_cannot_see_or_decide(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    _expire(session, attempt_id)
    _send_late(officer_client, attempt_id, 0, forms[0], seq=1)
    [late] = _late_rows(session, attempt_id)
    stranger = make_user(session, app, role=Role.instructor)
    with TestClient(app, follow_redirects=False) as other:
        log_in(other, stranger)

        assert f"/grading/late/{late.id}" not in other.get("/grading/late").text
        assert _decide(other, late.id or 0, "accept") == 404
    assert [r.decision for r in _late_rows(session, attempt_id)] == ["pending"]


def test_an_answer_the_server_saved_in_time_and_the_journal_sends_again_late_is_confirmed_not_kept_late(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    assert save(officer_client, attempt_id, 0, forms[0]).status_code == 200  # the reply is lost on the way
    _expire(session, attempt_id)
    before = (attempt_row(session, attempt_id).percent, answer_rows(session, attempt_id)[0].response)

    status = _send_late(officer_client, attempt_id, 0, forms[0], seq=1)

    assert status == 200  # nothing for the instructor to decide: the device may forget it
    assert _late_rows(session, attempt_id) == []
    assert (attempt_row(session, attempt_id).percent, answer_rows(session, attempt_id)[0].response) == before


def test_an_answer_the_journal_sends_again_after_the_officer_finished_online_is_confirmed(
    app: FastAPI, officer_client: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    assert save(officer_client, attempt_id, 0, forms[0]).status_code == 200  # the plain form's post
    finish(officer_client, attempt_id)  # while the journal's copy of the answer waited for a retry

    assert save(officer_client, attempt_id, 0, forms[0]).status_code == 409
    assert _send_late(officer_client, attempt_id, 0, forms[0], seq=1) == 200
    assert _late_rows(session, attempt_id) == []


def test_replaying_late_answers_after_the_instructor_decided_changes_nothing(
    app: FastAPI, officer_client: TestClient, grader: TestClient, session: Session, mini: catalog.Course
) -> None:
    attempt_id = start(officer_client, "final")
    forms = _right(app, session, mini, attempt_id)
    _expire(session, attempt_id)
    _send_late(officer_client, attempt_id, 0, forms[0], seq=1)
    [late] = _late_rows(session, attempt_id)
    assert _decide(grader, late.id or 0, "accept") == 303
    before = (attempt_row(session, attempt_id).percent, answer_rows(session, attempt_id)[0].response)

    assert _send_late(officer_client, attempt_id, 0, forms[0], seq=1) in (200, 202)
    assert _send_late(officer_client, attempt_id, 0, forms[1], seq=2) == 202  # even a newer entry

    assert (attempt_row(session, attempt_id).percent, answer_rows(session, attempt_id)[0].response) == before
    assert [r.decision for r in _late_rows(session, attempt_id)] == ["accepted"]
    audits = session.exec(select(AuditEntry).where(AuditEntry.action.startswith("answer.late"))).all()  # type: ignore[attr-defined]
    assert len(audits) == 1
