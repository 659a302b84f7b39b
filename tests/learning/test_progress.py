"""An officer's place in a course: enrolment, items read, where "continue" leads, completion, new versions,
and a login session that ends mid-quiz."""

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User, UserSession
from app.courses import catalog
from app.courses import service as course_service
from app.learning.models import Enrollment, ItemProgress
from app.timeutil import utcnow
from tests.factories import csrf_from, log_in, make_cohort, make_user, post
from tests.quizzes.flow import (
    answer_all_right,
    answer_rows,
    copy_mini,
    finish,
    load_courses,
    save,
    start,
    tokens,
)

LESSONS = ["primera", "segunda", "caso-itapua", "tercera"]


@pytest.fixture
def officer(session: Session, app: FastAPI, mini: catalog.Course) -> User:
    return make_user(session, app)


@pytest.fixture
def grader(session: Session, app: FastAPI, mini: catalog.Course, officer: User) -> Iterator[TestClient]:
    """The instructor of the officer's cohort (only they may mark the officer's open answers)."""
    instructor = make_user(session, app, role=Role.instructor)
    make_cohort(session, instructor, members=[officer])
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, instructor)
        yield client


def _enrolment(session: Session, user: User) -> Enrollment:
    session.rollback()
    return session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()


def _read(session: Session, user: User) -> set[str]:
    found = _enrolment(session, user)
    return set(session.exec(select(ItemProgress.item_id).where(ItemProgress.enrollment_id == found.id)))


def _continue(client: TestClient) -> str:
    response = client.get("/learn/mini/continue")
    assert response.status_code == 303
    return response.headers["location"].removeprefix("http://testserver")


def _enrol(client: TestClient, user: User) -> None:
    log_in(client, user)
    assert post(client, "/learn/mini/enroll").status_code == 303


def _pass_control(client: TestClient, app: FastAPI, session: Session, course: catalog.Course) -> None:
    attempt_id = start(client)
    answer_all_right(client, app, session, course, attempt_id, "control-basico")
    finish(client, attempt_id)


def _take_final(client: TestClient, app: FastAPI, session: Session, course: catalog.Course) -> int:
    """The final quiz answered right and finished; its open answers wait for an instructor."""
    attempt_id = start(client, "final")
    answer_all_right(client, app, session, course, attempt_id, "final")
    finish(client, attempt_id)
    return attempt_id


def _mark_all(grader: TestClient) -> None:
    for answer_id in re.findall(r'action="/grading/(\d+)"', grader.get("/grading").text):
        assert post(grader, f"/grading/{answer_id}", {"points": "1"}).status_code == 303


def test_enrolling_twice_keeps_one_enrolment(client: TestClient, session: Session, officer: User) -> None:
    log_in(client, officer)

    responses = [post(client, "/learn/mini/enroll"), post(client, "/learn/mini/enroll")]

    assert [r.status_code for r in responses] == [303, 303]
    assert all(r.headers["location"].endswith("/learn/mini/continue") for r in responses)
    session.rollback()
    assert len(session.exec(select(Enrollment).where(Enrollment.user_id == officer.id)).all()) == 1


def test_a_course_without_self_enrolment_refuses_officers(
    app: FastAPI, client: TestClient, session: Session, tmp_path: Path
) -> None:
    root = copy_mini(tmp_path)
    manifest = root / "mini" / "course.yaml"
    manifest.write_text(manifest.read_text() + "self_enrol: false\n")
    load_courses(session, root)
    officer = make_user(session, app)
    log_in(client, officer)

    refused = post(client, "/learn/mini/enroll")

    assert refused.status_code == 403 and "no admite inscripción libre" in refused.text
    session.rollback()
    assert session.exec(select(Enrollment)).all() == []
    assert client.get("/learn/mini/continue").status_code == 404


def test_marking_a_lesson_read_twice_records_it_once_and_continue_moves_to_the_next(
    client: TestClient, session: Session, officer: User
) -> None:
    _enrol(client, officer)
    first_stop = _continue(client)

    responses = [post(client, "/learn/mini/primera/done"), post(client, "/learn/mini/primera/done")]

    assert first_stop == "/courses/mini/primera"
    assert all(
        r.status_code == 303 and r.headers["location"].endswith("/learn/mini/continue") for r in responses
    )
    assert _read(session, officer) == {"primera"} and _continue(client) == "/courses/mini/segunda"
    assert "Leída · seguir" in client.get("/courses/mini/primera").text


def test_only_lessons_and_cases_of_the_course_can_be_marked_read(
    client: TestClient, session: Session, officer: User
) -> None:
    _enrol(client, officer)

    statuses = [post(client, f"/learn/mini/{item}/done").status_code for item in ("control-basico", "nope")]

    assert statuses == [404, 404] and _read(session, officer) == set()


def test_continue_stops_at_a_quiz_until_it_is_passed(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    _enrol(client, officer)
    for item in LESSONS[:3]:
        post(client, f"/learn/mini/{item}/done")
    at_quiz = _continue(client)
    failed = start(client)
    finish(client, failed)
    after_failing = _continue(client)

    _pass_control(client, app, session, mini)

    assert at_quiz == after_failing == "/quizzes/mini/control-basico"
    assert _continue(client) == "/courses/mini/tercera"


def test_completion_is_recorded_once_when_the_last_required_lesson_is_read(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    _enrol(client, officer)
    for item in LESSONS[:3]:
        post(client, f"/learn/mini/{item}/done")
    _pass_control(client, app, session, mini)
    _take_final(client, app, session, mini)
    _mark_all(grader)
    before_last_lesson = _enrolment(session, officer).completed_at
    started = utcnow()

    post(client, "/learn/mini/tercera/done")

    completed = _enrolment(session, officer).completed_at
    assert before_last_lesson is None and completed is not None and started <= completed <= utcnow()
    post(client, "/learn/mini/primera/done")
    post(client, "/learn/mini/tercera/done")
    assert _enrolment(session, officer).completed_at == completed
    assert _continue(client) == "/courses/mini" and "Curso completado" in client.get("/courses/mini").text


def test_completion_is_recorded_when_the_instructor_marks_the_last_open_answer(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    _enrol(client, officer)
    for item in LESSONS:
        post(client, f"/learn/mini/{item}/done")
    _pass_control(client, app, session, mini)
    _take_final(client, app, session, mini)
    waiting = _enrolment(session, officer).completed_at
    started = utcnow()

    _mark_all(grader)

    completed = _enrolment(session, officer).completed_at
    assert waiting is None and completed is not None and started <= completed <= utcnow()
    post(client, "/learn/mini/tercera/done")
    assert _enrolment(session, officer).completed_at == completed


def test_a_failed_required_quiz_keeps_the_course_incomplete(
    app: FastAPI,
    client: TestClient,
    session: Session,
    officer: User,
    mini: catalog.Course,
    grader: TestClient,
) -> None:
    _enrol(client, officer)
    for item in LESSONS:
        post(client, f"/learn/mini/{item}/done")
    _pass_control(client, app, session, mini)
    finish(client, start(client, "final"))  # nothing answered: 0 %

    _mark_all(grader)

    assert _enrolment(session, officer).completed_at is None
    assert _continue(client) == "/quizzes/mini/final"


def _publish_new_version(session: Session, root: Path) -> int:
    lesson = root / "mini" / "basico" / "segunda.es.md"
    lesson.write_text(lesson.read_text() + "\nUn párrafo de la versión nueva.\n")
    load_courses(session, root)
    version, _ = course_service.published(session, "mini")
    return version.id or 0


def test_a_new_version_moves_an_unfinished_enrolment_and_keeps_the_items_read(
    client: TestClient, session: Session, app: FastAPI, tmp_path: Path
) -> None:
    root = copy_mini(tmp_path)
    load_courses(session, root)
    officer = make_user(session, app)
    _enrol(client, officer)
    post(client, "/learn/mini/primera/done")
    old = _enrolment(session, officer).version_id
    new = _publish_new_version(session, root)

    post(client, "/learn/mini/segunda/done")

    assert new != old and _enrolment(session, officer).version_id == new
    assert _read(session, officer) == {"primera", "segunda"}
    assert _continue(client) == "/courses/mini/caso-itapua"
    assert "Un párrafo de la versión nueva" in client.get("/courses/mini/segunda").text


def test_a_new_version_leaves_an_enrolment_with_an_open_attempt_on_its_version(
    client: TestClient, session: Session, app: FastAPI, tmp_path: Path
) -> None:
    root = copy_mini(tmp_path)
    load_courses(session, root)
    officer = make_user(session, app)
    _enrol(client, officer)
    attempt_id = start(client)
    old = _enrolment(session, officer).version_id
    _publish_new_version(session, root)

    post(client, "/learn/mini/primera/done")
    continued = start(client)

    assert continued == attempt_id and _enrolment(session, officer).version_id == old
    assert _read(session, officer) == {"primera"}


def _expire_login(session: Session, user: User) -> None:
    session.rollback()
    for login in session.exec(select(UserSession).where(UserSession.user_id == user.id)):
        login.last_seen_at = utcnow() - timedelta(days=2)
        session.add(login)
    session.commit()


def test_answers_saved_before_the_login_expired_stay_and_show_again_after_logging_in(
    client: TestClient, session: Session, officer: User
) -> None:
    _enrol(client, officer)
    attempt_id = start(client)
    chosen = tokens(client, attempt_id, 0)[1]
    save(client, attempt_id, 0, chosen)
    save(client, attempt_id, 2, "redes sociales")
    page_token = csrf_from(client)  # the token in the page the officer still has open
    _expire_login(session, officer)

    refused = client.post(
        f"/attempts/{attempt_id}/answers/1",
        data={"response": "false"},
        headers={"HX-Request": "true", "X-CSRF-Token": page_token},
    )
    kept = answer_rows(session, attempt_id)
    log_in(client, officer)

    assert refused.status_code in (401, 403) and "Guardado" not in refused.text
    assert sorted(kept) == [0, 2] and json.loads(kept[2].response) == "redes sociales"
    assert f'value="{chosen}" checked' in client.get(f"/attempts/{attempt_id}?q=0").text
    assert 'value="redes sociales"' in client.get(f"/attempts/{attempt_id}?q=2").text
    assert save(client, attempt_id, 1, "false").status_code == 200


def test_a_save_after_the_login_expired_answers_401_saying_the_session_ended(
    client: TestClient, session: Session, officer: User
) -> None:
    _enrol(client, officer)
    attempt_id = start(client)
    page_token = csrf_from(client)
    _expire_login(session, officer)

    refused = client.post(
        f"/attempts/{attempt_id}/answers/1",
        data={"response": "false"},
        headers={"HX-Request": "true", "X-CSRF-Token": page_token},
    )

    assert refused.status_code == 401 and "Su sesión terminó" in refused.text
