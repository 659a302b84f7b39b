"""What a ToT graduate is certified for: one rule, asked by the certify button, the admin's grid, the
trainer certificate and the cascade; and certifying again after a revocation."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.certificates import service as certificate_service
from app.certificates.models import Certificate, CertificateKind
from app.cohorts.models import Cohort, TrainerCertification
from app.cohorts.trainers import certifiable
from app.cohorts.trainers import certification as trainers
from tests.certificates.helpers import attend, complete, pass_practicum
from tests.factories import log_in, make_cohort, make_user, post

TOT, CONTENT = "mini-formadores", "mini"


pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def both(session: Session, app: FastAPI) -> User:
    return make_user(session, app, full_name="Ana Benítez")


@pytest.fixture
def tot_only(session: Session, app: FastAPI) -> User:
    return make_user(session, app, full_name="Hugo Medina")


@pytest.fixture
def tot(session: Session, instructor: User, both: User, tot_only: User) -> Cohort:
    """A ToT cohort with a content course: `both` finishes both courses, `tot_only` only the ToT course."""
    cohort = make_cohort(session, instructor, courses=(TOT, CONTENT), members=[both, tot_only])
    for graduate in (both, tot_only):
        complete(session, graduate, TOT)
        attend(session, cohort, graduate, 6, instructor)
        pass_practicum(session, cohort, graduate, instructor)
    complete(session, both, CONTENT)
    complete(session, tot_only, CONTENT, skip={"primera", "final"})
    return cohort


def _certified(session: Session, user: User) -> list[str]:
    session.rollback()
    return sorted(
        c.course_slug
        for c in session.exec(
            select(TrainerCertification).where(
                TrainerCertification.user_id == user.id, col(TrainerCertification.revoked_at).is_(None)
            )
        )
    )


def _certify(client: TestClient, cohort: Cohort, user: User) -> int:
    return post(client, f"/cohorts/{cohort.id}/practicum/{user.id}/certify").status_code


def test_a_graduate_short_of_a_content_course_is_certified_for_the_tot_course_only(
    client: TestClient, session: Session, instructor: User, both: User, tot_only: User, tot: Cohort
) -> None:
    log_in(client, instructor)

    assert _certify(client, tot, both) == _certify(client, tot, tot_only) == 303

    assert _certified(session, both) == [CONTENT, TOT]
    assert _certified(session, tot_only) == [TOT]


def test_the_rule_lists_each_course_with_what_is_missing(
    session: Session, both: User, tot_only: User, tot: Cohort
) -> None:
    standing = certifiable.standing(session, tot, [both, tot_only])

    assert standing[both.id or 0].certifiable == [TOT, CONTENT]
    short = standing[tot_only.id or 0]
    assert short.certifiable == [TOT]
    (missing,) = [c for c in short.courses if not c.completed]
    assert missing.course_slug == CONTENT and missing.outcome is not None
    assert missing.outcome.unread == ("primera",) and missing.outcome.quizzes_to_pass == ("final",)


def test_a_graduate_who_has_not_finished_the_tot_course_is_certified_for_nothing(
    session: Session, app: FastAPI, instructor: User, tot: Cohort
) -> None:
    """A content course finished elsewhere does not make a trainer without the ToT course itself."""
    late = make_user(session, app)
    from app.cohorts import service as cohort_service
    from app.cohorts.models import MemberSource

    cohort_service.add_member(session, tot, late, MemberSource.manual)
    session.commit()
    complete(session, late, CONTENT)

    assert certifiable.standing(session, tot, [late])[late.id or 0].certifiable == []


def test_the_practicum_page_names_the_course_a_graduate_is_short_of_and_why(
    client: TestClient, instructor: User, tot_only: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    _certify(client, tot, tot_only)

    page = client.get(f"/cohorts/{tot.id}/practicum").text

    section = page[page.index("Hugo Medina") :]
    assert "Curso mínimo" in section and "1 lección sin leer" in section
    assert "1 evaluación sin aprobar" in section
    assert "Formación de formadores mínima" in section


def test_the_admin_grid_shows_what_each_graduate_is_certified_for_by_course_title(
    client: TestClient,
    session: Session,
    instructor: User,
    admin: User,
    both: User,
    tot_only: User,
    tot: Cohort,
) -> None:
    log_in(client, instructor)
    _certify(client, tot, both)
    _certify(client, tot, tot_only)
    log_in(client, admin)

    page = client.get(f"/admin/certificates/cohorts/{tot.id}").text

    trainers_part = page[page.index("Certificados de formador/a") :]
    assert "Hugo Medina" in trainers_part and "Curso mínimo" in trainers_part
    hugo = trainers_part[trainers_part.index("Hugo Medina") :]
    assert "No elegible" in hugo.split("</tr>")[0]


def test_a_trainer_certificate_is_refused_for_a_course_the_rule_says_is_not_earned(
    session: Session, instructor: User, admin: User, tot_only: User, tot: Cohort
) -> None:
    """A certification recorded before the rule held (old data) gets no trainer certificate, alone or in
    bulk."""
    made = {c.course_slug: c for c in trainers.certify(session, tot_only.id or 0, tot, actor=instructor)}
    session.commit()

    with pytest.raises(certificate_service.NotEligible):
        certificate_service.issue_trainer(session, made[CONTENT], actor=admin, prefix="ISEPOL")
    session.rollback()
    certificate_service.issue_cohort(session, tot, actor=admin, prefix="ISEPOL")
    session.commit()

    trainer_certificates = session.exec(
        select(Certificate).where(Certificate.kind == CertificateKind.trainer)
    ).all()
    assert [c.course_slug for c in trainer_certificates] == [TOT]


def test_certifying_again_after_a_revocation_is_refused_and_the_page_says_why(
    client: TestClient, session: Session, app: FastAPI, instructor: User, admin: User, both: User, tot: Cohort
) -> None:
    """An admin's revocation is not undone by the lead's button: a new ToT cohort certifies again."""
    log_in(client, instructor)
    _certify(client, tot, both)
    session.rollback()
    with TestClient(app, follow_redirects=False) as admin_client:
        log_in(admin_client, admin)
        for row in session.exec(select(TrainerCertification)).all():
            post(admin_client, f"/cohorts/trainers/{row.id}/revoke", {"reason": "Error de carga"})
    assert _certified(session, both) == []

    again = post(client, f"/cohorts/{tot.id}/practicum/{both.id}/certify")

    assert again.status_code == 409 and "revocó esta certificación" in again.text
    assert "nueva cohorte de formación de formadores" in again.text
    assert _certified(session, both) == []
    page = client.get(f"/cohorts/{tot.id}/practicum").text
    section = page[page.index("Ana Benítez") :]
    assert "certificación revocada el" in section
    assert 'Certificar como formador/a<span class="visually-hidden">: Ana Benítez' not in page


def test_the_cascade_counts_trainers_per_course_as_the_rule_certified_them(
    client: TestClient, instructor: User, both: User, tot_only: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    _certify(client, tot, both)
    _certify(client, tot, tot_only)

    page = client.get(f"/cascade/cohorts/{tot.id}").text

    assert "Formación de formadores mínima: 2" in page
    assert "Curso mínimo: 1" in page


def test_the_graduate_sees_which_course_they_are_short_of_and_why(
    client: TestClient, instructor: User, tot_only: User, tot: Cohort
) -> None:
    log_in(client, instructor)
    _certify(client, tot, tot_only)
    log_in(client, tot_only)

    page = client.get("/cohorts").text

    mine = page[page.index("Mis certificaciones de formador/a") :]
    assert "Formación de formadores mínima" in mine and "mini-formadores" not in mine
    short = mine[mine.index("Curso mínimo") :]
    assert "No elegible: 1 lección sin leer; 1 evaluación sin aprobar" in " ".join(short.split())


def test_the_course_certificate_grid_says_what_is_missing_as_the_trainer_rule_does(
    client: TestClient, admin: User, tot_only: User, tot: Cohort
) -> None:
    """Both tables of the admin's page write what a graduate lacks the same way (no stray separators)."""
    log_in(client, admin)

    page = client.get(f"/admin/certificates/cohorts/{tot.id}").text

    members = page[: page.index("Certificados de formador/a")]
    hugo = members[members.index("Hugo Medina") :].split("</tr>")[0]
    cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in hugo.split("<td>")[1:]]
    assert cells[0] == "No elegible: 1 lección sin leer; 1 evaluación sin aprobar"  # Curso mínimo
