"""A lead trainer asks for their cohort's certificates; the admins see the request until they issue."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from tests.certificates.helpers import complete, issue, officer_cohort
from tests.factories import log_in, make_user, post

pytestmark = pytest.mark.usefixtures("courses")


def test_a_request_reaches_the_admins_and_closes_once_the_certificates_are_issued(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    cohort, (officer,) = officer_cohort(session, app)
    lead = session.get(User, cohort.lead_id)
    assert lead is not None
    complete(session, officer)
    log_in(client, lead)

    response = post(client, f"/cohorts/{cohort.id}/certificates/request")

    assert response.status_code == 303
    assert "Último pedido" in client.get(f"/cohorts/{cohort.id}").text
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "certificates.request")).one()
    assert (entry.actor_id, entry.target_id, entry.details) == (lead.id, str(cohort.id), '{"eligible": 1}')
    log_in(client, admin)
    assert cohort.name in client.get("/admin/certificates").text.split("Emitir por cohorte")[0]
    session.rollback()  # end the test's read snapshot before writing
    issue(session, officer, admin, cohort=cohort)
    assert cohort.name not in client.get("/admin/certificates").text.split("Emitir por cohorte")[0]


def test_only_the_cohorts_own_trainers_may_ask(client: TestClient, session: Session, app: FastAPI) -> None:
    cohort, _ = officer_cohort(session, app)
    log_in(client, make_user(session, app, role=Role.instructor))

    response = post(client, f"/cohorts/{cohort.id}/certificates/request")

    assert response.status_code == 404
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "certificates.request")).all() == []
