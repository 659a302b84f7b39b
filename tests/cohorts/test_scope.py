"""Who sees which cohort: leads, co-trainers and admins; certified officers while certified; 404 otherwise."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.cohorts.models import Attendance, Meeting
from app.cohorts.trainers import certification as trainers
from app.learning import service as learning
from app.timeutil import utcnow
from tests.factories import certify_trainer, log_in, make_cohort, make_user, post

pytestmark = pytest.mark.usefixtures("courses")


def test_an_instructor_gets_404_on_another_instructors_cohort(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    ana, beto = make_user(session, app, role=Role.instructor), make_user(session, app, role=Role.instructor)
    cohort_b = make_cohort(session, beto)
    log_in(client, ana)

    assert client.get(f"/cohorts/{cohort_b.id}").status_code == 404
    assert client.get(f"/cohorts/{cohort_b.id + 1000}").status_code == 404


def test_a_co_trainer_and_an_admin_see_the_cohort(client: TestClient, session: Session, app: FastAPI) -> None:
    lead, co = make_user(session, app, role=Role.instructor), make_user(session, app, role=Role.instructor)
    admin = make_user(session, app, role=Role.admin)
    cohort = make_cohort(session, lead, co_trainers=[co])

    log_in(client, co)
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    log_in(client, admin)
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200


def test_an_uncertified_officer_cannot_create_a_cohort(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    officer = make_user(session, app)
    log_in(client, officer)

    assert client.get("/cohorts/new").status_code == 403
    response = post(
        client,
        "/cohorts/new",
        {
            "name": "X",
            "kind": "officer_course",
            "department": "itapua",
            "starts_on": "2026-03-01",
            "ends_on": "2026-04-01",
            "course": "mini",
        },
    )
    assert response.status_code == 403


def test_a_certified_trainer_leads_a_cohort_until_revoked(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    admin = make_user(session, app, role=Role.admin)
    trainee = make_user(session, app, username="formadora")
    tot = make_cohort(session, instructor, courses=("mini-formadores", "mini"), members=[trainee])
    certifications = certify_trainer(session, trainee, tot, instructor)
    log_in(client, trainee)

    response = post(
        client,
        "/cohorts/new",
        {
            "name": "Cohorte Itapúa",
            "kind": "officer_course",
            "department": "itapua",
            "starts_on": "2026-07-01",
            "ends_on": "2026-08-01",
            "course": "mini",
        },
    )
    assert response.status_code == 303, response.text
    own = response.headers["location"]
    assert client.get(own).status_code == 200

    for certification in certifications:
        trainers.revoke(session, certification.id or 0, "Prueba", actor=admin)
    session.commit()

    assert client.get(own).status_code == 404
    assert client.get("/cohorts/new").status_code == 403


def test_attendance_hours_and_practicum_count_towards_completion(session: Session, app: FastAPI) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    trainee = make_user(session, app)
    tot = make_cohort(session, instructor, courses=("mini-formadores",), members=[trainee])
    for hours in (4, 3):
        meeting = Meeting(cohort_id=tot.id or 0, starts_at=utcnow(), hours=hours)
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

    found = learning.enrolled(session, trainee, "mini-formadores")
    progress = learning.progress(session, found)

    assert progress.facts.attendance_hours == 7
    assert progress.outcome.hours_missing == 0
    assert progress.outcome.practicum_missing
