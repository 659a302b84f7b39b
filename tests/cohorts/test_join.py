"""Joining a cohort with its join code: membership and enrolment, wrong codes, throttling, closed codes."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.cohorts.models import Cohort, CohortMember, MemberSource
from app.learning.models import Enrollment
from tests.factories import log_in, make_cohort, make_user, post, reload

pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def cohort(session: Session, app: FastAPI) -> Cohort:
    return make_cohort(session, make_user(session, app, role=Role.instructor), name="Cohorte Boquerón")


@pytest.fixture
def officer(session: Session, app: FastAPI, client: TestClient) -> User:
    user = make_user(session, app)
    log_in(client, user)
    return user


def join(client: TestClient, code: str) -> Response:
    return post(client, "/cohorts/join", {"code": code})


def test_the_right_code_makes_the_officer_a_member_enrolled_in_the_courses(
    client: TestClient, session: Session, cohort: Cohort, officer: User
) -> None:
    code = cohort.join_code or ""

    response = join(client, f" {code[:4].lower()} {code[4:]} ")

    assert response.status_code == 200 and "Ya participa en «Cohorte Boquerón»" in response.text
    member = session.get(CohortMember, (cohort.id, officer.id))
    assert member is not None and member.source == MemberSource.join_code
    assert (
        session.exec(select(Enrollment).where(Enrollment.user_id == officer.id)).one().course_slug == "mini"
    )


def test_joining_twice_changes_nothing(
    client: TestClient, session: Session, cohort: Cohort, officer: User
) -> None:
    join(client, cohort.join_code or "")

    again = join(client, cohort.join_code or "")

    assert again.status_code == 200
    assert len(session.exec(select(CohortMember).where(CohortMember.user_id == officer.id)).all()) == 1


def test_a_wrong_code_says_so_and_joins_nothing(
    client: TestClient, session: Session, cohort: Cohort, officer: User
) -> None:
    response = join(client, "NOPE-NOPE")

    assert response.status_code == 422 and "Ese código no corresponde a ninguna cohorte" in response.text
    assert session.get(CohortMember, (cohort.id, officer.id)) is None


def test_guessing_is_throttled_per_user(
    client: TestClient, session: Session, app: FastAPI, cohort: Cohort, officer: User
) -> None:
    for _ in range(app.state.settings.login_max_failures):
        join(client, "ZZZZZZZZ")

    response = join(client, cohort.join_code or "")

    assert response.status_code == 422 and "Demasiados intentos fallidos" in response.text
    assert session.get(CohortMember, (cohort.id, officer.id)) is None


def test_a_closed_or_replaced_code_no_longer_works(
    client: TestClient, session: Session, cohort: Cohort, officer: User
) -> None:
    old = cohort.join_code or ""
    cohort.join_code = "NEWCODE2"
    session.add(cohort)
    session.commit()

    replaced = join(client, old)
    cohort = reload(session, cohort)
    cohort.join_code = None
    session.add(cohort)
    session.commit()
    closed = join(client, "NEWCODE2")

    assert replaced.status_code == 422 and closed.status_code == 422
    assert session.get(CohortMember, (cohort.id, officer.id)) is None


def test_joining_needs_a_login_and_the_csrf_token(
    client: TestClient, session: Session, cohort: Cohort, app: FastAPI
) -> None:
    anonymous = client.get("/cohorts/join")
    log_in(client, make_user(session, app))

    no_token = client.post("/cohorts/join", data={"code": cohort.join_code})

    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    assert no_token.status_code == 403 and session.exec(select(CohortMember)).all() == []
