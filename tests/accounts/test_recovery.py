"""An officer who forgot the password gets a new one-time code from their instructor (audited), and
the login page says whom to ask."""

import csv
import io
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.cohorts.roster import parsing as roster
from tests.factories import csrf_from, log_in, make_cohort, make_user, post

CODE = re.compile(r'<dd class="code">([A-Z2-9]{4}-[A-Z2-9]{4})</dd>')


pytestmark = pytest.mark.usefixtures("courses")


def test_an_instructor_gives_a_forgetful_officer_a_code_that_sets_a_new_password(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    officer = make_user(session, app, full_name="Olvido Pérez")  # activated: has a password
    cohort = make_cohort(session, instructor, members=[officer])
    log_in(client, instructor)
    assert "Olvidó su contraseña: nuevo código" in client.get(f"/cohorts/{cohort.id}/roster").text

    response = post(client, f"/cohorts/{cohort.id}/members/{officer.id}/code")

    assert response.status_code == 200
    (code,) = CODE.findall(response.text)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "cohort.recovery_code")).one()
    assert (entry.actor_id, entry.target_id) == (instructor.id, str(officer.id))
    client.cookies.clear()
    activated = client.post(
        "/activate",
        data={
            "username": officer.username,
            "code": code,
            "password": "una frase nueva y larga",
            "csrf_token": csrf_from(client, "/activate"),
        },
    )
    assert activated.status_code == 303
    client.cookies.clear()
    log_in(client, officer, "una frase nueva y larga")


def test_staff_accounts_are_not_reset_from_a_cohort(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    colleague = make_user(session, app, role=Role.instructor)
    cohort = make_cohort(session, instructor, members=[colleague])
    log_in(client, instructor)

    response = post(client, f"/cohorts/{cohort.id}/members/{colleague.id}/code")

    assert response.status_code == 409 and "Solo los oficiales reciben códigos aquí" in response.text
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "cohort.recovery_code")).all() == []


def test_the_login_page_says_whom_to_ask(client: TestClient) -> None:
    page = client.get("/login").text

    assert "¿Olvidó su contraseña?" in page and "Pida un código nuevo a su instructor/a" in page


def test_the_roster_template_has_the_columns_the_import_reads(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.instructor))

    response = client.get("/cohorts/roster-template.csv")

    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header == ["usuario", "cedula", "nombre", "grado", "institucion", "departamento"]
    filled = response.content + "jperez;1234567;Juan Pérez;Suboficial;;boqueron\r\n".encode()
    parsed = roster.parse(filled)
    assert not parsed.problems and [r.full_name for r in parsed.rows] == ["Juan Pérez"]


def test_officers_cannot_download_the_roster_template(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app))

    assert client.get("/cohorts/roster-template.csv").status_code == 403


def test_the_activation_cards_fit_a_phone_and_offer_a_print_button(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    newcomer = User(username="nuevo.ingreso", full_name="Nuevo Ingreso", role=Role.officer, password_hash="")
    session.add(newcomer)
    session.commit()
    cohort = make_cohort(session, instructor, members=[newcomer])
    log_in(client, instructor)

    page = post(client, f"/cohorts/{cohort.id}/members/{newcomer.id}/code").text

    assert '<li class="code-card">' in page and "<table" not in page
    assert '<button type="button" data-print hidden>Imprimir las tarjetas</button>' in page
    assert "/static/print.js" in page and "Ctrl+P" not in page
