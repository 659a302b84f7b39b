"""The teach-back practicum: scoring against the course's rubric, and certifying a graduate as a trainer."""

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.cohorts.models import Attendance, Cohort, Meeting, PracticumScore, TrainerCertification
from app.courses import service as course_service
from app.learning import service as learning
from app.learning.models import ItemProgress
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.factories import log_in, make_cohort, make_user, post, reload

pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def trainee(session: Session, app: FastAPI) -> User:
    return make_user(session, app, full_name="Lidia Ñandutí")


@pytest.fixture
def tot(session: Session, instructor: User, trainee: User) -> Cohort:
    return make_cohort(session, instructor, courses=("mini-formadores", "mini"), members=[trainee])


def _complete_online_part_and_attend(session: Session, tot: Cohort, trainee: User, instructor: User) -> None:
    """Everything but the practicum: lessons read, quizzes passed, six hours attended."""
    found = learning.enrolled(session, trainee, "mini-formadores")
    course = course_service.course_of(session, found.version_id)
    for item in course.items():
        if item.kind == "quiz":
            session.add(
                QuizAttempt(
                    user_id=trainee.id or 0,
                    course_slug="mini-formadores",
                    quiz_id=item.id,
                    version_id=found.version_id,
                    number=1,
                    max_attempts=0,
                    state=AttemptState.finished,
                    finished_at=utcnow(),
                    percent=100,
                    passed=True,
                )
            )
        else:
            session.add(ItemProgress(enrollment_id=found.id or 0, item_id=item.id))
    meeting = Meeting(cohort_id=tot.id or 0, starts_at=utcnow(), hours=6)
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


def _score(client: TestClient, tot: Cohort, trainee: User, objetivos: str, fuentes: str) -> int:
    return post(
        client,
        f"/cohorts/{tot.id}/practicum/{trainee.id}",
        {"level_objetivos": objetivos, "level_fuentes": fuentes, "comment": "Buen cierre."},
    ).status_code


def test_a_practicum_is_scored_against_the_rubric_and_passes_at_the_minimum(
    client: TestClient, session: Session, instructor: User, trainee: User, tot: Cohort
) -> None:
    log_in(client, instructor)

    below, at_minimum = _score(client, tot, trainee, "1", "2"), _score(client, tot, trainee, "2", "2")

    assert below == at_minimum == 303
    session.rollback()
    scores = session.exec(select(PracticumScore).order_by(PracticumScore.id)).all()
    assert [(s.total, s.passed) for s in scores] == [(3, False), (4, True)]
    assert (
        json.loads(scores[1].levels) == {"objetivos": 2, "fuentes": 2} and scores[1].comment == "Buen cierre."
    )
    assert scores[1].grader_id == instructor.id
    assert "aprobada" in client.get(f"/cohorts/{tot.id}/practicum").text


@pytest.mark.parametrize(("objetivos", "fuentes"), [("", "2"), ("4", "2"), ("x", "1")])
def test_a_score_missing_a_criterion_or_off_the_rubric_is_refused_and_not_saved(
    client: TestClient,
    session: Session,
    instructor: User,
    trainee: User,
    tot: Cohort,
    objetivos: str,
    fuentes: str,
) -> None:
    log_in(client, instructor)

    response = post(
        client,
        f"/cohorts/{tot.id}/practicum/{trainee.id}",
        {"level_objetivos": objetivos, "level_fuentes": fuentes},
    )

    assert response.status_code == 422 and "Elija un nivel para cada criterio" in response.text
    session.rollback()
    assert session.exec(select(PracticumScore)).all() == []


def test_a_trainee_is_certified_for_the_tot_course_only_when_course_hours_and_practicum_all_hold(
    client: TestClient, session: Session, instructor: User, trainee: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    _score(client, tot, trainee, "3", "3")

    too_early = post(client, f"/cohorts/{tot.id}/practicum/{trainee.id}/certify")
    _complete_online_part_and_attend(session, tot, trainee, instructor)
    certified = post(client, f"/cohorts/{tot.id}/practicum/{trainee.id}/certify")
    twice = post(client, f"/cohorts/{tot.id}/practicum/{trainee.id}/certify")

    assert too_early.status_code == 409 and certified.status_code == twice.status_code == 303
    session.rollback()
    made = session.exec(select(TrainerCertification)).all()
    assert [c.course_slug for c in made] == [
        "mini-formadores"
    ]  # `mini` is not finished: see test_trainer_rule.py
    assert {(c.user_id, c.cohort_id, c.certified_by_id) for c in made} == {
        (trainee.id, tot.id, instructor.id)
    }
    assert learning.enrolled(session, trainee, "mini-formadores").completed_at is not None


def test_the_new_trainer_leads_a_cohort_and_an_admin_revocation_ends_it_at_once(
    client: TestClient, session: Session, app: FastAPI, instructor: User, trainee: User, tot: Cohort
) -> None:
    from tests.certificates.helpers import complete

    admin = make_user(session, app, role=Role.admin)
    _complete_online_part_and_attend(session, tot, trainee, instructor)
    complete(session, trainee, "mini")
    log_in(client, instructor)
    _score(client, tot, trainee, "2", "3")
    post(client, f"/cohorts/{tot.id}/practicum/{trainee.id}/certify")
    log_in(client, trainee)
    created = post(
        client,
        "/cohorts/new",
        {
            "name": "Cohorte del Chaco",
            "kind": "officer_course",
            "department": "boqueron",
            "starts_on": "2026-08-01",
            "ends_on": "2026-09-01",
            "course": "mini",
        },
    )
    assert created.status_code == 303
    own = created.headers["location"]
    session.rollback()
    led = session.exec(select(Cohort).where(Cohort.name == "Cohorte del Chaco")).one()
    certification = session.exec(
        select(TrainerCertification).where(TrainerCertification.course_slug == "mini")
    ).one()
    assert led.lead_id == trainee.id and led.lead_certification_id == certification.id

    with TestClient(app, follow_redirects=False) as admin_client:
        log_in(admin_client, admin)
        for row in session.exec(select(TrainerCertification)).all():
            assert (
                post(admin_client, f"/cohorts/trainers/{row.id}/revoke", {"reason": "Baja"}).status_code
                == 303
            )

    assert client.get(own).status_code == 404
    assert client.get("/cohorts/new").status_code == 403
    session.rollback()
    assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "revoke_trainer")).all()) == 2


def test_only_admins_revoke_trainer_certifications(
    client: TestClient, session: Session, instructor: User, trainee: User, tot: Cohort
) -> None:
    _complete_online_part_and_attend(session, tot, trainee, instructor)
    log_in(client, instructor)
    _score(client, tot, trainee, "3", "3")
    post(client, f"/cohorts/{tot.id}/practicum/{trainee.id}/certify")
    session.rollback()
    certification = session.exec(select(TrainerCertification)).first()
    assert certification is not None

    response = post(client, f"/cohorts/trainers/{certification.id}/revoke", {"reason": "No"})

    assert response.status_code == 403 and client.get("/cohorts/trainers").status_code == 403


def test_another_instructor_gets_404_on_the_practicum_pages_and_actions(
    client: TestClient, session: Session, app: FastAPI, trainee: User, tot: Cohort
) -> None:
    other = make_user(session, app, role=Role.instructor)
    log_in(client, other)
    base = f"/cohorts/{tot.id}/practicum"

    statuses = [
        client.get(base).status_code,
        client.get(f"{base}/{trainee.id}").status_code,
        _score(client, tot, trainee, "3", "3"),
        post(client, f"{base}/{trainee.id}/certify").status_code,
        client.get(f"/cohorts/{tot.id}/grading").status_code,
    ]

    assert statuses == [404] * 5


def test_revoking_a_trainer_certification_revokes_its_trainer_certificate(
    client: TestClient, session: Session, app: FastAPI, instructor: User, trainee: User, tot: Cohort
) -> None:
    from app.certificates import service as certificate_service

    admin = make_user(session, app, role=Role.admin)
    _complete_online_part_and_attend(session, tot, trainee, instructor)
    log_in(client, instructor)
    _score(client, tot, trainee, "3", "3")
    post(client, f"/cohorts/{tot.id}/practicum/{trainee.id}/certify")
    session.rollback()
    certification = session.exec(
        select(TrainerCertification).where(TrainerCertification.course_slug == "mini-formadores")
    ).one()
    certificate = certificate_service.issue_trainer(session, certification, actor=admin, prefix="ISEPOL")
    session.commit()
    log_in(client, admin)

    post(client, f"/cohorts/trainers/{certification.id}/revoke", {"reason": "Abandonó la institución"})

    revoked = reload(session, certificate)
    assert revoked.revoked_at is not None
    assert revoked.revoke_reason == "Abandonó la institución" and not revoked.reason_public
