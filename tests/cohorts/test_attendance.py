"""In-person sessions: scheduling, one tap per officer (repeatable), the paper sheet, and hours counted."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.cohorts.models import Attendance, Cohort, Meeting
from app.learning import service as learning
from tests.factories import log_in, make_cohort, make_user, post

pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def tot(session: Session, instructor: User, officers: list[User]) -> Cohort:
    return make_cohort(session, instructor, courses=("mini-formadores",), members=officers)


def _schedule(client: TestClient, cohort: Cohort, hours: str = "4", **extra: str) -> int:
    response = post(
        client,
        f"/cohorts/{cohort.id}/sessions",
        {
            "day": "2026-03-02",
            "start": "08:30",
            "hours": hours,
            "place": "ISEPOL",
            "topic": "Módulo 1",
            **extra,
        },
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _present(session: Session, session_id: int) -> dict[int, bool]:
    session.rollback()
    return {
        a.user_id: a.present
        for a in session.exec(select(Attendance).where(Attendance.session_id == session_id))
    }


def test_a_tap_records_attendance_and_the_same_tap_again_changes_nothing(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    session_id = _schedule(client, tot)
    tap = f"/cohorts/{tot.id}/sessions/{session_id}/attendance/{officers[0].id}"

    first = post(client, tap, {"present": "true"}, headers={"HX-Request": "true"})
    again = post(client, tap, {"present": "true"}, headers={"HX-Request": "true"})

    assert first.status_code == again.status_code == 200
    assert "Presente" in again.text and "<html" not in again.text
    assert _present(session, session_id) == {officers[0].id: True}
    assert len(session.exec(select(Attendance)).all()) == 1


def test_the_last_tap_wins_when_an_officer_is_marked_absent_after_present(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    session_id = _schedule(client, tot)
    tap = f"/cohorts/{tot.id}/sessions/{session_id}/attendance/{officers[1].id}"

    post(client, tap, {"present": "true"})
    response = post(client, tap, {"present": "false"})

    assert response.status_code == 303
    assert _present(session, session_id) == {officers[1].id: False}


def test_the_paper_sheet_marks_ticked_officers_present_and_the_rest_absent(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    session_id = _schedule(client, tot)

    response = post(
        client,
        f"/cohorts/{tot.id}/sessions/{session_id}/attendance",
        {"present": [str(officers[0].id), str(officers[2].id)]},
    )

    assert response.status_code == 303
    assert _present(session, session_id) == {
        officers[0].id: True,
        officers[1].id: False,
        officers[2].id: True,
    }
    sheet = client.get(f"/cohorts/{tot.id}/sessions/{session_id}/sheet")
    assert sheet.status_code == 200 and "Óscar Ñamandú" in sheet.text


def test_attendance_hours_add_up_towards_the_courses_requirement(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    attended = [_schedule(client, tot, hours) for hours in ("4", "2,5")]
    missed = _schedule(client, tot, "3")
    for session_id in attended:
        post(
            client,
            f"/cohorts/{tot.id}/sessions/{session_id}/attendance/{officers[0].id}",
            {"present": "true"},
        )
    post(client, f"/cohorts/{tot.id}/sessions/{missed}/attendance/{officers[0].id}", {"present": "false"})
    session.rollback()

    progress = learning.progress(session, learning.enrolled(session, officers[0], "mini-formadores"))

    assert progress.facts.attendance_hours == 6.5
    assert progress.outcome.hours_missing == 0
    assert (
        learning.progress(
            session, learning.enrolled(session, officers[1], "mini-formadores")
        ).outcome.hours_missing
        == 6
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "tres", "Indique las horas con un número"),
        ("hours", "0", "Una sesión dura entre"),
        ("day", "02/03/2026", "Indique la fecha"),
        ("course_slug", "otro-curso", "Elija uno de los cursos de la cohorte"),
    ],
)
def test_a_bad_session_form_says_what_to_fix_and_saves_nothing(
    client: TestClient, session: Session, instructor: User, tot: Cohort, field: str, value: str, message: str
) -> None:
    log_in(client, instructor)
    data = {"day": "2026-03-02", "start": "08:30", "hours": "4", field: value}

    response = post(client, f"/cohorts/{tot.id}/sessions", data)

    assert response.status_code == 422 and message in response.text
    session.rollback()
    assert session.exec(select(Meeting)).all() == []


def test_an_officer_outside_the_cohort_cannot_be_marked(
    client: TestClient, session: Session, app: FastAPI, instructor: User, tot: Cohort
) -> None:
    stranger = make_user(session, app)
    log_in(client, instructor)
    session_id = _schedule(client, tot)

    response = post(
        client, f"/cohorts/{tot.id}/sessions/{session_id}/attendance/{stranger.id}", {"present": "true"}
    )

    assert response.status_code == 404
    assert _present(session, session_id) == {}


def test_another_instructor_gets_404_on_every_session_page_and_action(
    client: TestClient, session: Session, app: FastAPI, instructor: User, officers: list[User], tot: Cohort
) -> None:
    other = make_user(session, app, role=Role.instructor)
    log_in(client, instructor)
    session_id = _schedule(client, tot)
    log_in(client, other)
    base = f"/cohorts/{tot.id}/sessions"

    statuses = [
        client.get(base).status_code,
        client.get(f"{base}/{session_id}").status_code,
        client.get(f"{base}/{session_id}/sheet").status_code,
        post(client, base, {"day": "2026-03-03", "hours": "2"}).status_code,
        post(client, f"{base}/{session_id}/attendance/{officers[0].id}", {"present": "true"}).status_code,
        post(client, f"{base}/{session_id}/attendance", {"present": [str(officers[0].id)]}).status_code,
    ]

    assert statuses == [404] * 6
    assert _present(session, session_id) == {}


def test_a_tap_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    session_id = _schedule(client, tot)

    response = client.post(
        f"/cohorts/{tot.id}/sessions/{session_id}/attendance/{officers[0].id}", data={"present": "true"}
    )

    assert response.status_code == 403
    assert _present(session, session_id) == {}
