"""The certificate itself: a revoked one says so, a ToT one states both kinds of hours, and its QR code
points at the address the platform really answers on."""

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import cli
from app.accounts.models import Role, User
from app.certificates import service
from app.certificates.models import Certificate
from app.config import ConfigError, Settings
from tests.certificates.helpers import PREFIX, attend, complete, issue, officer_cohort, pass_practicum
from tests.certificates.test_pdf import text_of
from tests.factories import certify_trainer, log_in, make_cohort, make_user, post

pytestmark = pytest.mark.usefixtures("courses")


def _pdf(client: TestClient, certificate: Certificate) -> str:
    response = client.get(f"/certificates/{certificate.public_id}/certificado.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    return " ".join(text_of(response.content).split())


def _course_certificate(session: Session, app: FastAPI, admin: User) -> tuple[User, Certificate]:
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    return officer, issue(session, officer, admin, cohort=cohort)


def test_a_revoked_certificates_pdf_is_stamped_revoked_with_the_date(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    officer, certificate = _course_certificate(session, app, admin)
    log_in(client, officer)
    before = _pdf(client, certificate)
    log_in(client, admin)
    post(client, f"/admin/certificates/{certificate.id}/revoke", {"reason": "Emitido por error"})
    session.rollback()
    session.refresh(certificate)
    log_in(client, officer)

    after = _pdf(client, certificate)

    assert "REVOCADO" not in before
    assert "REVOCADO" in after
    revoked_on = f"{certificate.revoked_at.day} de"  # type: ignore[union-attr]
    assert re.search(rf"REVOCADO el {revoked_on} \w+ de \d{{4}}", after), after


def test_a_tot_certificate_states_the_online_and_the_in_person_hours(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    graduate = make_user(session, app)
    tot = make_cohort(session, instructor, courses=("mini-formadores",), members=[graduate])
    complete(session, graduate, "mini-formadores")
    attend(session, tot, graduate, 6, instructor)
    pass_practicum(session, tot, graduate, instructor)
    (certification,) = certify_trainer(session, graduate, tot, instructor)
    certificate = service.issue_trainer(session, certification, actor=admin, prefix=PREFIX)
    session.commit()
    log_in(client, admin)

    text = _pdf(client, certificate)

    assert "1 hora en línea y 6 horas presenciales" in text


def test_without_a_configured_base_url_the_qr_code_points_at_the_address_the_server_answers_on(
    client: TestClient, session: Session, app: FastAPI, admin: User
) -> None:
    officer, certificate = _course_certificate(session, app, admin)
    log_in(client, officer)

    text = _pdf(client, certificate)

    assert f"http://testserver/verify/{certificate.public_id}" in text.replace(" ", "")
    assert "localhost:8000" not in text


def test_the_public_base_url_is_required_in_production(tmp_path: Path) -> None:
    settings = Settings(env="production", data_dir=tmp_path, secret_key="Zq8-r2Lx0v_mN4pQ7sT1uW3yA5cE9gJ6xx")

    with pytest.raises(ConfigError, match="CASCADA_BASE_URL"):
        settings.check_production()
    Settings(
        env="production",
        data_dir=tmp_path,
        secret_key="Zq8-r2Lx0v_mN4pQ7sT1uW3yA5cE9gJ6xx",
        base_url="https://cascada.isepol.edu.py",
    ).check_production()


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ("cascada.local", 80, "http://cascada.local"),
        ("0.0.0.0", 8000, None),  # every interface: each request's own address is used
    ],
)
def test_serve_takes_the_address_it_was_started_on_as_the_development_base_url(
    host: str, port: int, expected: str | None
) -> None:
    assert cli.started_base_url(host, port) == expected
