"""One intro page before a quiz: an enrolled officer who opens the quiz item lands on the quiz's own page."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user


def test_an_enrolled_officer_goes_straight_to_the_quiz_page(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    officer = make_user(session, app)
    make_cohort(session, make_user(session, app, role=Role.instructor), members=[officer])
    log_in(client, officer)

    response = client.get("/courses/mini/control-basico")

    assert response.status_code == 303 and response.headers["location"].endswith(
        "/quizzes/mini/control-basico"
    )
    assert "Comenzar un intento" in client.get(response.headers["location"]).text


def test_someone_browsing_without_enrolment_still_reads_the_quiz_item(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    log_in(client, make_user(session, app, role=Role.instructor))

    response = client.get("/courses/mini/control-basico")

    assert response.status_code == 200 and "Nota para aprobar" in response.text
