"""The quiz rules that races and clocks would break, held by the database: limits, exactly-once, deadlines."""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.courses import catalog
from app.courses import service as course_service
from app.db import transaction
from app.quizzes import service, sweep
from app.quizzes.models import Answer, AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.conftest import FIXTURES
from tests.factories import csrf_from, log_in, make_user


@pytest.fixture
def mini(session: Session) -> catalog.Course:
    course_service.load_directory(session, FIXTURES / "courses")
    session.commit()
    return course_service.published(session, "mini")[1]


def _start(client: TestClient, quiz: str = "control-basico") -> int:
    response = client.post(f"/quizzes/mini/{quiz}/start", data={"csrf_token": csrf_from(client)})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _tokens(client: TestClient, attempt_id: int, position: int) -> list[str]:
    return re.findall(
        r'name="response" value="([^"]+)"', client.get(f"/attempts/{attempt_id}?q={position}").text
    )


def _save(client: TestClient, attempt_id: int, position: int, value: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/attempts/{attempt_id}/answers/{position}",
        data={"response": value},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_from(client)},
    )


def test_fifty_concurrent_starts_make_one_attempt_in_progress(
    app: FastAPI, session: Session, officer: User, mini: catalog.Course
) -> None:
    version, _ = course_service.published(session, "mini")

    def start(_: int) -> int:
        with transaction(app.state.engine, write=True) as own:
            return service.start(own, officer, mini, version.id or 0, "final").id or 0

    with ThreadPoolExecutor(10) as pool:
        ids = set(pool.map(start, range(50)))

    session.rollback()
    attempts = session.exec(select(QuizAttempt).where(QuizAttempt.user_id == officer.id)).all()
    assert len(ids) == 1 and len(attempts) == 1  # `final` allows one attempt: never more


def test_twenty_concurrent_finishes_grade_once(
    app: FastAPI, session: Session, officer: User, mini: catalog.Course
) -> None:
    version, _ = course_service.published(session, "mini")
    with transaction(app.state.engine, write=True) as own:
        attempt_id = service.start(own, officer, mini, version.id or 0, "control-basico").id

    def finish(_: int) -> bool:
        with transaction(app.state.engine, write=True) as own:
            attempt = service.owned_attempt_and_course(own, attempt_id or 0, officer, lock=True)[0]
            return service.finish(own, attempt, mini)

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(finish, range(20)))

    assert results.count(True) == 1
    session.rollback()
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt is not None
    assert attempt.state == AttemptState.finished and attempt.percent == 0.0


def test_saving_the_same_answer_twice_keeps_one_answer_and_changes_update_it(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _start(client)
    first, second = _tokens(client, attempt_id, 0)

    assert _save(client, attempt_id, 0, first).status_code == 200
    assert _save(client, attempt_id, 0, first).status_code == 200
    assert _save(client, attempt_id, 0, second).status_code == 200

    session.rollback()
    answers = session.exec(select(Answer).where(Answer.attempt_id == attempt_id)).all()
    assert len(answers) == 1 and json.loads(answers[0].response) == 1


def test_an_answer_after_finish_is_refused_and_changes_nothing(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _start(client)
    right, wrong = _tokens(client, attempt_id, 0)
    _save(client, attempt_id, 0, right)
    client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(client)})

    late = _save(client, attempt_id, 0, wrong)

    assert late.status_code == 409 and "ya terminó" in late.text
    session.rollback()
    assert json.loads(session.exec(select(Answer).where(Answer.attempt_id == attempt_id)).one().response) == 0


def _expire(session: Session, attempt_id: int, ago: timedelta) -> QuizAttempt:
    session.rollback()
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt is not None
    attempt.deadline_at = utcnow() - ago
    session.add(attempt)
    session.commit()
    return attempt


def test_an_attempt_past_its_deadline_is_finished_on_next_access_as_of_the_deadline(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _start(client, "final")
    tokens = _tokens(client, attempt_id, 0)
    _save(client, attempt_id, 0, tokens[0] if tokens else "18")
    deadline = _expire(session, attempt_id, service.GRACE + timedelta(seconds=5)).deadline_at

    page = client.get(f"/attempts/{attempt_id}")

    assert page.status_code == 303 and page.headers["location"].endswith(f"/attempts/{attempt_id}/review")
    session.rollback()
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt is not None
    assert attempt.state == AttemptState.finished and attempt.finished_at == deadline
    assert _save(client, attempt_id, 1, "18").status_code == 409


def test_a_save_within_the_grace_after_the_deadline_still_counts(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _start(client, "final")
    tokens = _tokens(client, attempt_id, 0)  # a made-up option would be refused (422) whatever the time
    _expire(session, attempt_id, timedelta(seconds=5))

    assert _save(client, attempt_id, 0, tokens[0] if tokens else "18").status_code == 200


def test_the_sweep_finishes_attempts_nobody_comes_back_to(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _start(client, "final")
    _expire(session, attempt_id, timedelta(hours=1))

    assert sweep.sweep(app.state.engine) == 1
    assert sweep.sweep(app.state.engine) == 0
    session.rollback()
    assert session.get(QuizAttempt, attempt_id).state == AttemptState.finished  # type: ignore[union-attr]


def test_another_officers_attempt_is_404_everywhere(
    client: TestClient, session: Session, app: FastAPI, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _start(client)
    with TestClient(app, follow_redirects=False) as intruder:
        other = make_user(session, app)
        log_in(intruder, other)
        token = csrf_from(intruder)

        statuses = [
            intruder.get(f"/attempts/{attempt_id}").status_code,
            intruder.get(f"/attempts/{attempt_id}/review").status_code,
            intruder.post(
                f"/attempts/{attempt_id}/answers/0", data={"response": "x", "csrf_token": token}
            ).status_code,
            intruder.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code,
        ]

    assert statuses == [404, 404, 404, 404]


def test_correct_answers_and_feedback_never_reach_the_page_before_finishing(
    client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = _start(client)
    pages = [client.get(f"/attempts/{attempt_id}?q={q}").text for q in range(3)]
    pages.append(_save(client, attempt_id, 0, "not-a-token").text)
    pages.append(client.get(f"/attempts/{attempt_id}/finish").text)
    secrets = [
        "Faltan los medios",
        "Acto, medios y fin",
        "No hace falta cruzar",
        "Por redes sociales",
        "redes sociales",
        "social media",
    ]

    leaked = [s for s in secrets for page in pages if s in page]

    assert leaked == []
    options = [v for page in pages for v in re.findall(r'name="response" value="([^"]+)"', page)]
    assert options and all(re.fullmatch(r"[0-9a-f]{12}", v) or v in ("true", "false") for v in options)
