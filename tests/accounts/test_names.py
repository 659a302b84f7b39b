"""Names: search ignores accents and case, and lists of people follow Spanish order (Óscar with the O's)."""

import re
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.cohorts import service as cohort_service
from app.cohorts.models import Meeting, MemberSource
from app.learning import service as learning
from app.timeutil import local_today
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user, post, reload

NUNEZ = ["Óscar Núñez", "Ana Nuñez Ríos", "Carlos NUNEZ"]


def _names(page: str) -> set[str]:
    return {name for name in NUNEZ + ["Zulma Benítez"] if name in page}


def test_searching_with_or_without_accents_finds_the_same_people(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin, full_name="Admin Uno"))
    for name in NUNEZ + ["Zulma Benítez"]:
        make_user(session, app, full_name=name)

    found = {q: _names(client.get("/admin/users", params={"q": q}).text) for q in ("nunez", "Núñez", "NUÑEZ")}

    assert found == dict.fromkeys(("nunez", "Núñez", "NUÑEZ"), set(NUNEZ))


def test_a_percent_sign_in_the_search_matches_itself_not_everyone(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin, full_name="Admin Uno"))
    make_user(session, app, full_name="Zulma Benítez")

    page = client.get("/admin/users", params={"q": "%"}).text

    assert "Zulma Benítez" not in page


def test_a_cohorts_people_are_listed_in_spanish_order(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    lead = make_user(session, app, role=Role.instructor, full_name="Instructora")
    cohort = make_cohort(session, lead)
    for name in ("Zulma Benítez", "Óscar Núñez", "ángel Acosta", "Nilda Pérez"):
        cohort_service.add_member(
            session, cohort, make_user(session, app, full_name=name), MemberSource.manual
        )
    meeting = Meeting(cohort_id=cohort.id or 0, starts_at=datetime(2027, 1, 4, 12, tzinfo=UTC), hours=4)
    session.add(meeting)
    session.commit()
    log_in(client, lead)

    roll = client.get(f"/cohorts/{cohort.id}/sessions/{meeting.id}").text

    shown = re.findall(r"Zulma Benítez|Óscar Núñez|ángel Acosta|Nilda Pérez", roll)
    assert list(dict.fromkeys(shown)) == ["ángel Acosta", "Nilda Pérez", "Óscar Núñez", "Zulma Benítez"]


def test_the_name_key_follows_the_name_however_the_user_is_written(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    officer = make_user(session, app, full_name="Óscar Núñez", username="onunez")
    session.execute(insert(User), [{"username": "bulk", "full_name": "Ña  Évora", "role": Role.officer}])
    session.commit()
    log_in(client, admin)

    post(
        client,
        f"/admin/users/{officer.id}",
        {"username": "onunez", "full_name": "Óscar Núñez Ávalos", "role": "officer", "language": "es"},
    )

    assert reload(session, officer).name_key == "oscar nunez avalos"
    assert session.exec(select(User.name_key).where(User.username == "bulk")).one() == "na evora"


def test_officers_past_the_same_due_day_are_listed_in_spanish_order_on_the_instructors_home(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    lead = make_user(session, app, role=Role.instructor, full_name="Instructora")
    late = [
        make_user(session, app, full_name=name) for name in ("Zulma Benítez", "Óscar Núñez", "ángel Acosta")
    ]
    make_cohort(session, lead, members=late)
    for officer in late:
        found = learning.enrolled(session, officer, "mini")
        found.due_on = local_today() - timedelta(days=2)
        session.add(found)
    session.commit()
    log_in(client, lead)

    home = client.get("/").text

    shown = re.findall(r"Zulma Benítez|Óscar Núñez|ángel Acosta", home)
    assert shown == ["ángel Acosta", "Óscar Núñez", "Zulma Benítez"]
