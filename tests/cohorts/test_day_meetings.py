"""Roll call like paper (present, late, excused, absent; everyone present; a running count), session changes
that calendars pick up (iCalendar with SEQUENCE), and the planning warnings on the cohort page."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.cohorts.meetings import calendar
from app.cohorts.models import Attendance, Cohort, CohortCourse, Meeting
from app.learning.cohort_facts import attendance_hours
from tests.factories import log_in, make_cohort, make_user, post, reload

ASUNCION = ZoneInfo("America/Asuncion")


pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def instructor(session: Session, app: FastAPI) -> User:
    return make_user(session, app, role=Role.instructor, full_name="Marta Instructora")


@pytest.fixture
def tot(session: Session, instructor: User, officers: list[User]) -> Cohort:
    return make_cohort(
        session, instructor, courses=("mini-formadores",), members=officers, name="Formadores Chaco"
    )


def _schedule(client: TestClient, cohort: Cohort, hours: str = "4", day: str = "2026-03-02") -> int:
    response = post(
        client,
        f"/cohorts/{cohort.id}/sessions",
        {"day": day, "start": "08:30", "hours": hours, "place": "ISEPOL", "topic": "Módulo 1"},
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _statuses(session: Session, meeting_id: int) -> dict[int, tuple[str, bool]]:
    session.rollback()
    rows = session.exec(select(Attendance).where(Attendance.session_id == meeting_id)).all()
    return {a.user_id: (a.status, a.present) for a in rows}


def test_late_counts_as_attended_and_excused_does_not(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot, hours="4")
    ana, oscar, rocio = officers

    for officer, status in ((ana, "late"), (oscar, "excused"), (rocio, "absent")):
        assert (
            post(
                client, f"/cohorts/{tot.id}/sessions/{meeting}/attendance/{officer.id}", {"status": status}
            ).status_code
            == 303
        )

    assert _statuses(session, meeting) == {
        ana.id: ("late", True),
        oscar.id: ("excused", False),
        rocio.id: ("absent", False),
    }
    assert attendance_hours(session, ana.id or 0, "mini-formadores") == 4
    assert attendance_hours(session, oscar.id or 0, "mini-formadores") == 0
    page = client.get(f"/cohorts/{tot.id}/sessions/{meeting}").text
    assert 'data-state="late"' in page and 'data-state="excused"' in page and 'data-state="absent"' in page
    assert (
        '<strong data-count="late">1</strong>' in page and '<strong data-count="pending">0</strong>' in page
    )


def test_an_unknown_state_is_refused_with_a_message_and_nothing_is_recorded(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot)

    response = post(
        client, f"/cohorts/{tot.id}/sessions/{meeting}/attendance/{officers[0].id}", {"status": "maybe"}
    )

    assert response.status_code == 422
    assert "Elija presente, tarde, justificado o ausente." in response.text
    assert _statuses(session, meeting) == {}


def test_a_tap_queued_by_the_old_two_button_page_still_counts(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot)

    response = post(
        client,
        f"/cohorts/{tot.id}/sessions/{meeting}/attendance/{officers[0].id}",
        {"present": "false"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200 and 'data-state="absent"' in response.text
    assert _statuses(session, meeting) == {officers[0].id: ("absent", False)}


def test_everyone_present_marks_only_those_not_yet_taken_and_says_how_many(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot)
    post(client, f"/cohorts/{tot.id}/sessions/{meeting}/attendance/{officers[1].id}", {"status": "excused"})

    response = post(client, f"/cohorts/{tot.id}/sessions/{meeting}/all-present")

    assert response.status_code == 303
    assert [s for s, _ in _statuses(session, meeting).values()].count("present") == 2
    assert _statuses(session, meeting)[officers[1].id] == ("excused", False)
    assert "2 personas marcadas presentes." in client.get(response.headers["location"]).text
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.target_type == "cohortsession")).all()
    assert {"session.create", "attendance.mark", "attendance.all_present"} <= set(actions)


def test_the_paper_sheet_keeps_late_and_excused(
    client: TestClient, session: Session, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot)
    ana, oscar, rocio = officers
    post(client, f"/cohorts/{tot.id}/sessions/{meeting}/attendance/{ana.id}", {"status": "late"})
    post(client, f"/cohorts/{tot.id}/sessions/{meeting}/attendance/{oscar.id}", {"status": "excused"})

    response = post(client, f"/cohorts/{tot.id}/sessions/{meeting}/attendance", {"present": [str(ana.id)]})

    assert response.status_code == 303
    assert _statuses(session, meeting) == {
        ana.id: ("late", True),
        oscar.id: ("excused", False),
        rocio.id: ("absent", False),
    }


def _feed(client: TestClient, app: FastAPI, cohort: Cohort) -> icalendar.Calendar:
    token = calendar.token(app.state.secret_key, "cohort", cohort.id or 0)
    response = client.get(f"/calendar/cohort/{cohort.id}/{token}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_cohort_feed_parses_with_utc_times_that_read_right_in_asuncion(
    client: TestClient, app: FastAPI, instructor: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    _schedule(client, tot, hours="2,5", day="2026-03-02")

    parsed = _feed(client, app, tot)

    (event,) = parsed.walk("VEVENT")
    starts, ends = event.decoded("dtstart"), event.decoded("dtend")
    assert starts.utcoffset() == timedelta(0)  # sent in UTC ...
    assert starts.astimezone(ASUNCION) == datetime(2026, 3, 2, 8, 30, tzinfo=ASUNCION)  # ... read in Paraguay
    assert ends - starts == timedelta(hours=2.5)
    assert str(parsed["x-wr-timezone"]) == "America/Asuncion"
    assert str(event["summary"]) == "Formadores Chaco: Módulo 1" and str(event["location"]) == "ISEPOL"
    assert int(event["sequence"]) == 0


def test_changing_a_session_bumps_its_sequence_and_moves_it_in_the_feed(
    client: TestClient, session: Session, app: FastAPI, instructor: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot)
    (before,) = _feed(client, app, tot).walk("VEVENT")

    response = post(
        client,
        f"/cohorts/{tot.id}/sessions/{meeting}",
        {"day": "2026-03-03", "start": "14:00", "hours": "3", "place": "Filadelfia", "topic": "Módulo 2"},
    )

    assert response.status_code == 303
    assert "Sesión actualizada." in client.get(response.headers["location"]).text
    (after,) = _feed(client, app, tot).walk("VEVENT")
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart").astimezone(ASUNCION) == datetime(2026, 3, 3, 14, 0, tzinfo=ASUNCION)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "session.update")).one()
    assert entry.actor_id == instructor.id


def test_a_bad_change_to_a_session_is_refused_and_leaves_it_as_it_was(
    client: TestClient, session: Session, instructor: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    meeting = _schedule(client, tot)

    response = post(
        client,
        f"/cohorts/{tot.id}/sessions/{meeting}",
        {"day": "2026-03-03", "start": "14:00", "hours": "ninguna"},
    )

    assert response.status_code == 422 and "Indique las horas con un número" in response.text
    found = reload(session, session.get(Meeting, meeting))
    assert (found.sequence, found.hours) == (0, 4)


def test_an_officer_sees_their_sessions_and_gets_a_personal_feed(
    client: TestClient, app: FastAPI, instructor: User, officers: list[User], tot: Cohort
) -> None:
    log_in(client, instructor)
    _schedule(client, tot, day="2026-03-02")
    log_in(client, officers[0])

    page = client.get("/calendar").text

    assert "02/03/2026 08:30" in page and "Formadores Chaco" in page
    token = calendar.token(app.state.secret_key, "user", officers[0].id or 0)
    assert f"/calendar/person/{officers[0].id}/{token}.ics" in page
    client.cookies.clear()  # a calendar app has no login
    (event,) = icalendar.Calendar.from_ical(
        client.get(f"/calendar/person/{officers[0].id}/{token}.ics").content
    ).walk("VEVENT")
    assert str(event["location"]) == "ISEPOL"


def test_a_feed_with_a_wrong_token_answers_404(client: TestClient, officers: list[User], tot: Cohort) -> None:
    assert client.get(f"/calendar/person/{officers[0].id}/{'0' * 32}.ics").status_code == 404
    assert client.get(f"/calendar/cohort/{tot.id}/{'0' * 32}.ics").status_code == 404


def test_the_cohort_page_warns_of_hours_short_and_due_dates_outside_the_cohort(
    client: TestClient, session: Session, instructor: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    _schedule(client, tot, hours="2,5")
    course = session.get(CohortCourse, (tot.id, "mini-formadores"))
    assert course is not None
    course.due_on = date(2026, 7, 31)  # the cohort ends on 30 June
    session.add(course)
    session.commit()

    page = client.get(f"/cohorts/{tot.id}").text

    assert "pide 6 horas presenciales; hay 2,5 horas programadas." in page
    assert "(31/07/2026) cae fuera de las fechas de la cohorte." in page


def test_a_sound_plan_shows_no_warning(client: TestClient, instructor: User, tot: Cohort) -> None:
    log_in(client, instructor)
    _schedule(client, tot, hours="6")

    assert "Revise la planificación" not in client.get(f"/cohorts/{tot.id}").text
