"""What the review settings let officers see on every page, and instructors marking open responses."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.courses import catalog
from app.learning import service as learning
from tests.factories import csrf_from, log_in, make_cohort, make_user, post
from tests.quizzes.flow import (
    OPEN_TEXT,
    answer_all_right,
    answer_rows,
    attempt_row,
    copy_mini,
    finish,
    load_courses,
    save,
    slots,
    start,
    tokens,
)


@pytest.fixture
def instructor(session: Session, app: FastAPI, mini: catalog.Course) -> User:
    return make_user(session, app, role=Role.instructor)


@pytest.fixture
def grader(app: FastAPI, session: Session, instructor: User, officer: User) -> Iterator[TestClient]:
    """The instructor of a cohort the officer is in: only such an instructor sees and marks their answers."""
    make_cohort(session, instructor, members=[officer])
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, instructor)
        yield client


def _pending_ids(grader: TestClient) -> list[int]:
    return [int(i) for i in re.findall(r'action="/grading/(\d+)"', grader.get("/grading").text)]


def _finish_final_right(client: TestClient, app: FastAPI, session: Session, course: catalog.Course) -> int:
    attempt_id = start(client, "final")
    answer_all_right(client, app, session, course, attempt_id, "final")
    finish(client, attempt_id)
    return attempt_id


def _open_answer_ids(session: Session, attempt_id: int) -> list[int]:
    open_positions = {
        s.position for s in slots(session, attempt_id) if s.question_id in ("plan", "reflexion")
    }
    return sorted(a.id or 0 for p, a in answer_rows(session, attempt_id).items() if p in open_positions)


def test_without_score_review_no_page_shows_the_officer_a_score(
    app: FastAPI, client: TestClient, session: Session, tmp_path: Path
) -> None:
    root = copy_mini(tmp_path)
    quiz_file = root / "mini" / "basico" / "control-basico.quiz.yaml"
    quiz_file.write_text(quiz_file.read_text() + "review: {score: never}\n")
    course = load_courses(session, root)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)
    attempt_id = start(client)
    answer_all_right(client, app, session, course, attempt_id, "control-basico")
    finish(client, attempt_id)

    overview = client.get("/quizzes/mini/control-basico").text
    review = client.get(f"/attempts/{attempt_id}/review").text

    assert attempt_row(session, attempt_id).percent == 100.0  # graded, just not shown
    assert "Terminado" in overview and "Revisar" in overview
    assert [s for s in ("100\xa0%", "aprobado", "Calificación que cuenta") if s in overview] == []
    assert "Su intento fue enviado" in review
    assert [s for s in ("Resultado", "Puntaje", "100\xa0%", "aprobado", "✓", "✗") if s in review] == []


def test_by_default_the_score_shows_after_each_attempt_on_overview_and_review(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    answer_all_right(client, app, session, mini, attempt_id, "control-basico")
    finish(client, attempt_id)

    overview = client.get("/quizzes/mini/control-basico").text
    review = client.get(f"/attempts/{attempt_id}/review").text

    assert "100\xa0% (aprobado)" in overview and "Calificación que cuenta" in overview
    assert "Resultado: 100\xa0%" in review and review.count("Puntaje: 1 de 1") == 3


def test_correct_answers_wait_for_the_last_attempt_while_feedback_shows_after_each(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    first = start(client)
    save(client, first, 0, tokens(client, first, 0)[1])  # wrong: "Dos"
    finish(client, first)
    after_first = client.get(f"/attempts/{first}/review").text
    second = start(client)
    finish(client, second)

    after_last = client.get(f"/attempts/{second}/review").text

    assert "Faltan los medios." in after_first and "Acto, medios y fin." in after_first
    assert "(correcta)" not in after_first and "Respuestas aceptadas" not in after_first
    assert 'Tres <span class="ok">(correcta)</span>' in after_last
    assert (
        "Respuestas aceptadas: redes sociales, social media" in after_last and "Correcta: Falso" in after_last
    )
    assert "Respuestas aceptadas" in client.get(f"/attempts/{first}/review").text


def test_passing_shows_the_correct_answers_even_with_attempts_left(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client)
    answer_all_right(client, app, session, mini, attempt_id, "control-basico")
    finish(client, attempt_id)

    review = client.get(f"/attempts/{attempt_id}/review").text

    assert "Respuestas aceptadas: redes sociales, social media" in review


def test_an_instructor_of_another_cohort_neither_sees_nor_marks_the_officers_answers(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    stranger = make_user(session, app, role=Role.instructor)
    make_cohort(session, stranger)  # a cohort of their own, without this officer
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)

    with TestClient(app, follow_redirects=False) as other:
        log_in(other, stranger)
        queue = other.get("/grading").text
        marked = post(other, f"/grading/{_open_answer_ids(session, attempt_id)[0]}", {"points": "1"})

    assert OPEN_TEXT not in queue and officer.full_name not in queue
    assert marked.status_code == 404
    assert sorted(_pending_ids(grader)) == _open_answer_ids(session, attempt_id)


def test_an_open_response_waits_in_the_instructors_queue_and_officers_may_not_see_it(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)

    queue = grader.get("/grading")
    officer_queue = client.get("/grading")
    officer_mark = post(client, f"/grading/{_open_answer_ids(session, attempt_id)[0]}", {"points": "1"})

    assert queue.status_code == 200 and OPEN_TEXT in queue.text and officer.full_name in queue.text
    assert sorted(_pending_ids(grader)) == _open_answer_ids(session, attempt_id)
    assert officer_queue.status_code == 403 and officer_mark.status_code == 403
    assert attempt_row(session, attempt_id).percent is None
    assert "Su intento tiene respuestas abiertas" in client.get(f"/attempts/{attempt_id}/review").text


def test_marking_the_last_pending_answer_sets_the_attempts_percent_and_passed(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)
    *first, last = _open_answer_ids(session, attempt_id)
    for answer_id in first:
        assert post(grader, f"/grading/{answer_id}", {"points": "1"}).status_code == 303
    still_pending = attempt_row(session, attempt_id)
    waiting = (still_pending.percent, still_pending.passed)

    response = post(grader, f"/grading/{last}", {"points": "1", "comment": "  Bien: menciona la fiscalía.  "})

    assert response.status_code == 303 and response.headers["location"].endswith("/grading")
    assert waiting == (None, None)
    attempt = attempt_row(session, attempt_id)
    assert attempt.percent == 100.0 and attempt.passed is True
    marked = answer_rows(session, attempt_id)
    assert {a.comment for a in marked.values() if a.id == last} == {"Bien: menciona la fiscalía."}
    assert _pending_ids(grader) == []
    assert (
        "Comentario del instructor: Bien: menciona la fiscalía."
        in client.get(f"/attempts/{attempt_id}/review").text
    )
    assert "100\xa0% (aprobado)" in client.get("/quizzes/mini/final").text


def test_partial_points_give_that_share_and_can_fail_the_attempt(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)
    open_ids = _open_answer_ids(session, attempt_id)

    for answer_id in open_ids:
        post(grader, f"/grading/{answer_id}", {"points": "0.5"})

    rows = {a.id: a for a in answer_rows(session, attempt_id).values()}
    assert [rows[i].fraction for i in open_ids] == [0.5] * len(open_ids)
    total = len(slots(session, attempt_id))
    assert attempt_row(session, attempt_id).percent == round(100 * (total - 0.5 * len(open_ids)) / total, 2)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("1.5", "El puntaje debe estar entre 0 y 1"),
        ("-1", "Faltan datos"),
        ("abc", "Faltan datos"),
        ("nan", "Faltan datos"),
    ],
)
def test_points_outside_the_slot_are_refused_with_422_and_change_nothing(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
    points: str,
    message: str,
) -> None:
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)
    answer_id = _open_answer_ids(session, attempt_id)[0]

    response = post(grader, f"/grading/{answer_id}", {"points": points})

    assert response.status_code == 422 and message in response.text
    assert {a.fraction for a in answer_rows(session, attempt_id).values() if a.id == answer_id} == {None}
    assert answer_id in _pending_ids(grader)


def test_marking_writes_an_audit_entry(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
    instructor: User,
) -> None:
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)
    answer_id = _open_answer_ids(session, attempt_id)[0]

    post(grader, f"/grading/{answer_id}", {"points": "0.75"})

    session.rollback()
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "answer.mark")).one()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (instructor.id, "answer", str(answer_id))
    assert json.loads(entry.details) == {"points": 0.75, "attempt": attempt_id}


def test_only_open_responses_of_finished_attempts_can_be_marked(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    log_in(client, officer)
    finished_id = _finish_final_right(client, app, session, mini)
    auto_graded = next(
        a
        for p, a in answer_rows(session, finished_id).items()
        if a.id not in _open_answer_ids(session, finished_id)
    )
    open_attempt = start(client)
    save(client, open_attempt, 2, "algo")
    unfinished = answer_rows(session, open_attempt)[2]

    statuses = [
        post(grader, f"/grading/{auto_graded.id}", {"points": "0"}).status_code,
        post(grader, f"/grading/{unfinished.id}", {"points": "1"}).status_code,
        post(grader, "/grading/999999", {"points": "1"}).status_code,
    ]

    assert statuses == [404, 404, 404]
    assert answer_rows(session, finished_id)[auto_graded.position].fraction == 1.0
    assert answer_rows(session, open_attempt)[2].fraction is None
    assert attempt_row(session, open_attempt).percent is None


def test_marking_needs_the_csrf_token(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)
    answer_id = _open_answer_ids(session, attempt_id)[0]
    csrf_from(grader)

    response = grader.post(f"/grading/{answer_id}", data={"points": "1"})

    assert response.status_code == 403 and answer_id in _pending_ids(grader)


def test_marking_from_a_cohorts_queue_returns_to_that_queue_with_a_confirmation(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    instructor: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    from app.cohorts.models import Cohort

    cohort_id = session.exec(select(Cohort.id).where(Cohort.lead_id == instructor.id)).one()
    log_in(client, officer)
    attempt_id = _finish_final_right(client, app, session, mini)
    queue = grader.get(f"/grading?cohort_id={cohort_id}").text
    assert f'<input type="hidden" name="cohort_id" value="{cohort_id}">' in queue

    answer_id = _open_answer_ids(session, attempt_id)[0]
    response = post(grader, f"/grading/{answer_id}", {"points": "1", "cohort_id": str(cohort_id)})

    assert response.status_code == 303 and response.headers["location"].endswith(
        f"/grading?cohort_id={cohort_id}"
    )
    assert "Calificación guardada." in grader.get(response.headers["location"]).text
