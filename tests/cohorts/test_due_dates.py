"""A due date is a calendar day in Asunción: stored as a date, shown as that day everywhere, overdue from the
next."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, MetaData, Table, text
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.cohorts import service
from app.cohorts.models import Cohort, MemberSource
from app.db import make_engine
from app.learning.completion import is_overdue
from app.learning.models import Enrollment
from app.migrate import upgrade
from app.timeutil import local, utcnow
from tests.factories import log_in, make_user, post

COHORT = {
    "name": "Taller Boquerón 2027",
    "kind": "officer_course",
    "department": "boqueron",
    "starts_on": "2027-01-04",
    "ends_on": "2027-01-08",
    "course": "mini",
    "due_mini": "2027-01-15",
}


pytestmark = pytest.mark.usefixtures("courses")


def _cohort_with(client: TestClient, session: Session, lead: User, officer: User, **changes: str) -> Cohort:
    log_in(client, lead)
    assert post(client, "/cohorts/new", {**COHORT, **changes}).status_code == 303
    session.rollback()
    cohort = session.exec(select(Cohort)).one()
    service.add_member(session, cohort, officer, MemberSource.manual)
    session.commit()
    return cohort


@pytest.mark.parametrize(
    ("due", "shown", "next_day"),
    [("2027-01-15", "15/01/2027", "16/01/2027"), ("2027-01-31", "31/01/2027", "01/02/2027")],
)
def test_the_due_day_reads_the_same_on_the_officers_home_the_cohort_page_and_the_dashboard(
    client: TestClient, session: Session, app: FastAPI, due: str, shown: str, next_day: str
) -> None:
    lead, officer = make_user(session, app, role=Role.instructor), make_user(session, app)
    cohort = _cohort_with(client, session, lead, officer, due_mini=due)

    cohort_page = client.get(f"/cohorts/{cohort.id}").text
    dashboard = client.get(f"/cohorts/{cohort.id}/dashboard").text
    log_in(client, officer)
    home = client.get("/").text

    assert f"vence el {shown}" in home.lower()
    assert shown in cohort_page and shown in dashboard
    assert next_day not in home + cohort_page + dashboard
    assert "00:00" not in home


def test_the_due_date_is_stored_as_the_calendar_day(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    lead, officer = make_user(session, app, role=Role.instructor), make_user(session, app)

    _cohort_with(client, session, lead, officer)

    assert session.exec(select(Enrollment.due_on).where(Enrollment.user_id == officer.id)).one() == date(
        2027, 1, 15
    )


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        (datetime(2027, 1, 15, 12, 0, tzinfo=UTC), False),  # the due day itself
        (datetime(2027, 1, 16, 2, 59, tzinfo=UTC), False),  # 23:59 on the 15th in Asunción (UTC-3)
        (datetime(2027, 1, 16, 3, 0, tzinfo=UTC), True),  # 00:00 on the 16th in Asunción
    ],
)
def test_a_course_is_overdue_from_the_day_after_the_due_day_in_asuncion(
    moment: datetime, overdue: bool
) -> None:
    assert is_overdue(date(2027, 1, 15), local(moment).date()) is overdue


@pytest.mark.parametrize("days", [0, -1])
def test_the_dashboard_and_the_home_mark_overdue_only_after_the_due_day(
    client: TestClient, session: Session, app: FastAPI, days: int
) -> None:
    lead, officer = make_user(session, app, role=Role.instructor), make_user(session, app)
    cohort = _cohort_with(client, session, lead, officer)
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == officer.id)).one()
    enrollment.due_on = local(utcnow()).date() + timedelta(days=days)
    session.add(enrollment)
    session.commit()

    dashboard = client.get(f"/cohorts/{cohort.id}/dashboard?course=mini").text
    log_in(client, officer)
    home = client.get("/").text

    assert ('<span class="status-overdue">' in dashboard) is (days < 0)
    assert ("venció el" in home.lower()) is (days < 0)


@pytest.fixture
def old_database(tmp_path: Path, database_url: str) -> Iterator[str]:
    """A scratch database at revision 0005, when a due date was stored as the end of the day."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        server, name = database_url.rsplit("/", 1)
        url = f"{server}/{name}_due_dates"
        _recreate(f"{server}/postgres", f"{name}_due_dates")
    upgrade(url, "0005")
    yield url


def _recreate(server_url: str, name: str) -> None:
    admin = make_engine(server_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _insert(connection: Connection, table: str, **values: object) -> None:
    connection.execute(Table(table, MetaData(), autoload_with=connection).insert().values(**values))


def test_the_migration_turns_each_stored_end_of_day_into_its_due_day_and_keeps_every_row(
    old_database: str,
) -> None:
    engine = make_engine(old_database)
    then = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        _insert(
            connection,
            "user",
            id=1,
            username="oscar",
            full_name="Óscar  Núñez",
            rank="",
            role="officer",
            language="es",
            active=True,
            password_hash="x",
            created_at=then,
        )
        _insert(
            connection,
            "courseversion",
            id=1,
            slug="mini",
            number=1,
            content_hash="h",
            document="{}",
            loaded_at=then,
            published=True,
        )
        for number, due_at in (
            (1, datetime(2027, 1, 16, 3, 0, tzinfo=UTC)),  # end of 15/01 in Asunción
            (2, datetime(2027, 3, 24, 0, 0, tzinfo=UTC)),  # an old demo row: 23/03 21:00 there
            (3, None),
        ):
            _insert(
                connection,
                "enrollment",
                id=number,
                user_id=1,
                course_slug=f"c{number}",
                version_id=1,
                enrolled_at=then,
                due_at=due_at,
            )
        _insert(connection, "itemprogress", id=1, enrollment_id=1, item_id="leccion", completed_at=then)

    upgrade(old_database)

    with engine.connect() as connection:
        due = connection.execute(text("SELECT id, due_on FROM enrollment ORDER BY id")).all()
        read = connection.execute(text("SELECT count(*) FROM itemprogress")).scalar_one()
        key = connection.execute(text('SELECT name_key FROM "user"')).scalar_one()
    engine.dispose()
    assert (read, key) == (1, "oscar nunez")  # nothing read is lost; names get their search key
    assert [(number, str(day) if day else None) for number, day in due] == [
        (1, "2027-01-15"),
        (2, "2027-03-23"),
        (3, None),
    ]
