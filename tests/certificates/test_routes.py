"""Issuing and revoking over HTTP (admins only, CSRF, audited), officers' own certificates, and /verify."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.certificates.models import Certificate
from tests.certificates.helpers import complete, issue, officer_cohort
from tests.factories import csrf_from, log_in, make_user, post, reload

pytestmark = pytest.mark.usefixtures("courses")


def test_the_cohort_page_shows_issued_eligible_and_what_is_missing(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    cohort, (done, halfway, issued) = officer_cohort(session, app, count=3)
    complete(session, done)
    complete(session, halfway, skip={"final"})
    complete(session, issued)
    certificate = issue(session, issued, admin, cohort=cohort)
    log_in(client, admin)

    page = client.get(f"/admin/certificates/cohorts/{cohort.id}").text

    assert certificate.serial in page
    assert "Elegible" in page
    assert "1 evaluación sin aprobar" in page
    assert "Emitir 1 certificado elegible" in page


def test_an_admin_issues_a_whole_cohort_in_htmx_steps_with_progress(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    cohort, officers = officer_cohort(session, app, count=7)
    for officer in officers[:6]:
        complete(session, officer)
    log_in(client, admin)
    token = csrf_from(client, f"/admin/certificates/cohorts/{cohort.id}")
    headers = {"HX-Request": "true", "X-CSRF-Token": token}

    first = client.post(f"/admin/certificates/cohorts/{cohort.id}/issue", headers=headers)
    second = client.post(f"/admin/certificates/cohorts/{cohort.id}/issue", headers=headers)

    assert first.status_code == 200
    assert 'max="6" value="5"' in first.text and 'hx-trigger="load"' in first.text
    assert 'max="6" value="6"' in second.text and 'hx-trigger="load"' not in second.text
    assert len(session.exec(select(Certificate)).all()) == 6
    audits = session.exec(select(AuditEntry).where(AuditEntry.action == "certificate.issue")).all()
    assert {a.actor_id for a in audits} == {admin.id} and len(audits) == 6


def test_bulk_issue_without_javascript_issues_all_and_redirects(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    cohort, officers = officer_cohort(session, app, count=7)
    for officer in officers:
        complete(session, officer)
    log_in(client, admin)

    response = post(client, f"/admin/certificates/cohorts/{cohort.id}/issue")

    assert response.status_code == 303
    assert len(session.exec(select(Certificate)).all()) == 7


def test_issuing_needs_the_csrf_token(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    log_in(client, admin)

    response = client.post(f"/admin/certificates/cohorts/{cohort.id}/issue")

    assert response.status_code == 403
    assert session.exec(select(Certificate)).all() == []


@pytest.mark.parametrize("role", [Role.officer, Role.instructor])
def test_only_admins_issue_and_revoke(
    client: TestClient, session: Session, app: FastAPI, admin: User, role: Role
) -> None:
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    certificate = issue(session, officer, admin)
    log_in(client, make_user(session, app, role=role))

    assert client.get(f"/admin/certificates/cohorts/{cohort.id}").status_code == 403
    assert post(client, f"/admin/certificates/cohorts/{cohort.id}/issue").status_code == 403
    assert post(client, f"/admin/certificates/{certificate.id}/revoke", {"reason": "x"}).status_code == 403
    assert reload(session, certificate).revoked_at is None


def test_a_single_issue_form_issues_one_certificate(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    log_in(client, admin)

    response = post(
        client,
        "/admin/certificates/issue",
        {"user_id": officer.id, "course_slug": "mini", "cohort_id": cohort.id},
    )

    assert response.status_code == 303
    (certificate,) = session.exec(select(Certificate)).all()
    assert certificate.user_id == officer.id and certificate.cohort_id == cohort.id


def test_issuing_for_an_ineligible_officer_says_why(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    cohort, (officer,) = officer_cohort(session, app, full_name="Ana Ñandú")
    log_in(client, admin)

    response = post(
        client,
        "/admin/certificates/issue",
        {"user_id": officer.id, "course_slug": "mini", "cohort_id": cohort.id},
    )

    assert response.status_code == 409
    assert "Ana Ñandú todavía no cumple los requisitos" in response.text


def test_an_officer_sees_and_downloads_only_their_own_certificates(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    _, (mine, theirs) = officer_cohort(session, app, count=2)
    for officer in (mine, theirs):
        complete(session, officer)
    own, other = issue(session, mine, admin), issue(session, theirs, admin)
    log_in(client, mine)

    page = client.get("/certificates").text
    assert own.serial in page and other.serial not in page
    assert 'href="/certificates"' in client.get("/").text  # "Mis certificados" on the home page
    download = client.get(f"/certificates/{own.public_id}/certificado.pdf")
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert client.get(f"/certificates/{other.public_id}/certificado.pdf").status_code == 404
    log_in(client, admin)
    assert client.get(f"/certificates/{other.public_id}/certificado.pdf").status_code == 200


def test_revoking_needs_a_reason_and_is_audited(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    _, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    certificate = issue(session, officer, admin)
    log_in(client, admin)

    assert post(client, f"/admin/certificates/{certificate.id}/revoke", {"reason": "  "}).status_code == 400
    response = post(client, f"/admin/certificates/{certificate.id}/revoke", {"reason": "Error de datos"})

    assert response.status_code == 303
    assert reload(session, certificate).revoked_at is not None
    (entry,) = session.exec(select(AuditEntry).where(AuditEntry.action == "certificate.revoke")).all()
    assert entry.actor_id == admin.id and "Error de datos" in entry.details


def test_admins_find_a_certificate_by_serial(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    _, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    certificate = issue(session, officer, admin)
    log_in(client, admin)

    page = client.get("/admin/certificates", params={"q": certificate.serial.lower()}).text

    assert re.search(rf'href="/admin/certificates/{certificate.id}">{certificate.serial}<', page)
