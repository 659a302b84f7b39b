"""Every number a page shows is written as the reader's language writes it (Babel's locale data).

Spanish: "33,3 %", "4,5 horas", "1 de 1"; English: "33.3%", "4.5 hours". One module formats them
(`app/formats.py`); these tests read them on the pages where the field report found English notation.
"""

import contextvars
import re
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import formats, i18n
from app.accounts.models import Role, User
from app.cohorts.models import Attendance, Meeting
from app.courses import catalog
from app.learning import service as learning
from app.timeutil import utcnow
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user, post
from tests.quizzes.flow import finish, save, start

NBSP = "\xa0"


def _in(language: str, function, *args):  # type: ignore[no-untyped-def]
    def run():  # type: ignore[no-untyped-def]
        i18n.set_language(language)
        return function(*args)

    return contextvars.copy_context().run(run)


@pytest.mark.parametrize(
    ("function", "args", "spanish", "english"),
    [
        (formats.percent, (80.21,), f"80,2{NBSP}%", "80.2%"),
        (formats.percent, (100.0,), f"100{NBSP}%", "100%"),
        (formats.percent, (66.666, 0), f"67{NBSP}%", "67%"),
        (formats.decimal, (4.5,), "4,5", "4.5"),
        (formats.decimal, (18.0,), "18", "18"),
        (formats.decimal, (0.75, 2), "0,75", "0.75"),
        (formats.decimal, (1234.5,), "1.234,5", "1,234.5"),
        (formats.day, (date(2027, 1, 5),), "05/01/2027", "05/01/2027"),
    ],
)
def test_numbers_follow_the_language(function, args, spanish: str, english: str) -> None:  # type: ignore[no-untyped-def]
    assert (_in("es", function, *args), _in("en", function, *args)) == (spanish, english)


def _one_of_three_right(client: TestClient) -> int:
    attempt_id = start(client)
    save(client, attempt_id, 1, "false")  # right; the other two left blank
    finish(client, attempt_id)
    return attempt_id


def test_the_quiz_review_and_overview_write_scores_in_spanish(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _one_of_three_right(client)

    review = client.get(f"/attempts/{attempt_id}/review").text
    overview = client.get("/quizzes/mini/control-basico").text

    assert f"Resultado: 33,3{NBSP}%" in review
    assert "Puntaje: 1 de 1" in review and "Puntaje: 0 de 1" in review and "1.0" not in review
    assert f"33,3{NBSP}% (no aprobado)" in overview and f"50{NBSP}%" in overview


def test_the_quiz_review_writes_scores_in_english(
    client: TestClient, session: Session, officer: User
) -> None:
    log_in(client, officer)
    attempt_id = _one_of_three_right(client)
    post(client, "/language", {"language": "en", "next": "/"})

    review = client.get(f"/attempts/{attempt_id}/review").text

    assert "Result: 33.3%" in review and "Score: 1 of 1" in review


@pytest.fixture
def tot(session: Session, app: FastAPI) -> tuple[FastAPI, User, int, int, User]:
    """A ToT cohort (6 hours required) whose trainee attended a 4.5-hour session."""
    load_fixture_courses(session)
    instructor, trainee = make_user(session, app, role=Role.instructor), make_user(session, app)
    cohort = make_cohort(session, instructor, courses=("mini-formadores",), members=[trainee])
    meeting = Meeting(cohort_id=cohort.id or 0, starts_at=utcnow(), hours=4.5)
    session.add(meeting)
    session.flush()
    session.add(
        Attendance(
            session_id=meeting.id or 0,
            user_id=trainee.id or 0,
            present=True,
            recorded_by_id=instructor.id or 0,
        )
    )
    session.commit()
    return app, instructor, cohort.id or 0, meeting.id or 0, trainee


def test_hours_read_with_a_decimal_comma_on_every_cohort_page(
    client: TestClient, tot: tuple[FastAPI, User, int, int, User]
) -> None:
    _, instructor, cohort_id, meeting_id, trainee = tot
    log_in(client, instructor)

    pages = {
        path: client.get(f"/cohorts/{cohort_id}{path}").text
        for path in ("/sessions", f"/sessions/{meeting_id}", "/practicum", "/dashboard")
    }

    assert "4,5 horas" in pages["/sessions"] and "4,5 horas" in pages[f"/sessions/{meeting_id}"]
    assert "Asistencia: 4,5 de 6 horas" in pages["/practicum"]
    assert "faltan 1,5 horas de asistencia" in pages["/practicum"]
    assert re.search(r'<td class="num"[^>]*>4,5</td>', pages["/dashboard"])
    log_in(client, trainee)
    pages["/calendar"] = client.get("/calendar").text
    assert "4,5 horas" in pages["/calendar"]
    assert not [path for path, page in pages.items() if re.search(r"\b[14]\.5\b", page)]


def test_the_officers_home_writes_progress_as_a_spanish_percentage(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)

    home = client.get("/").text

    assert f"0{NBSP}%" in home
