"""The public verification page: its three states, what it never shows, and its enumeration throttle."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.certificates import service
from app.certificates.models import Certificate
from app.timeutil import utcnow
from tests.certificates.helpers import complete, issue, officer_cohort
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def admin(session: Session, app: FastAPI) -> User:
    return make_user(session, app, role=Role.admin, full_name="Admin Emisora")


@pytest.fixture
def certificate(session: Session, app: FastAPI, admin: User) -> Certificate:
    cohort, (officer,) = officer_cohort(
        session,
        app,
        full_name="Juana Peña Güemes",
        national_id="4567890",
        username="jpena",
        rank="Suboficial",
        department="itapua",
    )
    complete(session, officer)
    return issue(session, officer, admin, cohort=cohort)


def test_a_valid_certificate_shows_the_facts_needed_to_trust_it(
    client: TestClient, certificate: Certificate
) -> None:
    response = client.get(f"/verify/{certificate.public_id}")

    assert response.status_code == 200
    page = response.text
    assert "VÁLIDO" in page
    for fact in ("Juana Peña Güemes", "Curso mínimo", "1 horas", certificate.serial, "ISEPOL"):
        assert fact in page


def test_the_page_reveals_nothing_else_about_the_holder(
    client: TestClient, session: Session, certificate: Certificate
) -> None:
    page = client.get(f"/verify/{certificate.public_id}").text

    for secret in ("4567890", "jpena", "Suboficial", "Itapúa", "Cohorte", "Admin Emisora"):
        assert secret not in page


def test_revocation_shows_on_the_next_request_with_the_reason_only_if_public(
    client: TestClient, session: Session, admin: User, certificate: Certificate
) -> None:
    assert "VÁLIDO" in client.get(f"/verify/{certificate.public_id}").text

    service.revoke(session, certificate.id or 0, "Datos falsos", public_reason=False, actor=admin)
    session.commit()
    hidden = client.get(f"/verify/{certificate.public_id}").text
    certificate.reason_public = True
    session.add(certificate)
    session.commit()
    shown = client.get(f"/verify/{certificate.public_id}").text

    assert "REVOCADO" in hidden and "fue revocado el" in hidden and "Datos falsos" not in hidden
    assert "Motivo: Datos falsos" in shown


def test_an_expired_certificate_says_so(
    client: TestClient, session: Session, certificate: Certificate
) -> None:
    certificate.expires_at = utcnow() - timedelta(days=1)
    session.add(certificate)
    session.commit()

    page = client.get(f"/verify/{certificate.public_id}").text

    assert "VENCIDO" in page and "VÁLIDO" not in page


def test_an_unknown_id_says_so_without_revealing_anything(
    client: TestClient, certificate: Certificate
) -> None:
    almost = certificate.public_id[:-1] + ("A" if certificate.public_id[-1] != "A" else "B")

    responses = [client.get(f"/verify/{public_id}") for public_id in (almost, "x", certificate.serial)]

    for response in responses:
        assert response.status_code == 404
        assert "No existe ningún certificado con este enlace" in response.text
        assert "Juana" not in response.text and certificate.serial not in response.text.replace(
            f"/verify/{certificate.serial}", ""
        )


def test_the_page_is_available_in_english(client: TestClient, certificate: Certificate) -> None:
    page = client.get(f"/verify/{certificate.public_id}", headers={"Accept-Language": "en"}).text

    assert "VALID" in page and "Certificate verification" in page


def test_too_many_unknown_ids_from_one_client_get_429(
    client: TestClient, app: FastAPI, certificate: Certificate
) -> None:
    app.state.settings.verify_max_misses = 3
    for number in range(3):
        assert client.get(f"/verify/unknown-id-number-{number:04d}xxxxxxxx").status_code == 404

    blocked = client.get(f"/verify/{certificate.public_id}")

    assert blocked.status_code == 429
    assert "Demasiadas consultas" in blocked.text and "Juana" not in blocked.text


def test_known_ids_do_not_count_towards_the_limit(
    client: TestClient, app: FastAPI, certificate: Certificate
) -> None:
    app.state.settings.verify_max_misses = 3

    statuses = {client.get(f"/verify/{certificate.public_id}").status_code for _ in range(6)}

    assert statuses == {200}


def test_the_verdict_is_announced_as_a_status_in_a_large_box_of_its_state(
    client: TestClient, session: Session, admin: User, certificate: Certificate
) -> None:
    valid = client.get(f"/verify/{certificate.public_id}").text
    service.revoke(session, certificate.id or 0, "Error", public_reason=False, actor=admin)
    session.commit()
    revoked = client.get(f"/verify/{certificate.public_id}").text

    assert '<p class="verdict verdict-valid" role="status"><strong class="ok">VÁLIDO</strong></p>' in valid
    assert (
        '<p class="verdict verdict-revoked" role="status"><strong class="error">REVOCADO</strong></p>'
        in revoked
    )
