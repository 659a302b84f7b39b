"""After every change the next page says what happened (a flash message), with and without htmx."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.flash import FLASH_COOKIE
from tests.certificates.helpers import complete, officer_cohort
from tests.factories import log_in, make_cohort, make_user, post

NOTICE = '<p class="notice" role="status">'


pytestmark = pytest.mark.usefixtures("courses")


def test_a_change_is_confirmed_once_on_the_next_page(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    cohort = make_cohort(session, instructor)
    log_in(client, instructor)

    response = post(
        client, f"/cohorts/{cohort.id}/sessions", {"day": "2026-03-02", "start": "08:30", "hours": "3"}
    )
    shown = client.get(response.headers["location"])
    again = client.get(response.headers["location"])

    assert response.status_code == 303
    assert f"{NOTICE}Sesión programada.</p>" in shown.text
    assert NOTICE not in again.text  # shown once, then cleared


def test_with_htmx_the_confirmation_follows_the_hx_redirect(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    cohort = make_cohort(session, instructor)
    log_in(client, instructor)

    response = post(
        client,
        f"/cohorts/{cohort.id}/edit",
        {
            "name": "Cohorte renombrada",
            "department": "boqueron",
            "starts_on": "2026-03-02",
            "ends_on": "2026-06-30",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith(f"/cohorts/{cohort.id}")
    assert f"{NOTICE}Cambios guardados.</p>" in client.get(f"/cohorts/{cohort.id}").text


def test_an_htmx_fragment_carries_its_confirmation_out_of_band(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    log_in(client, admin)

    response = post(
        client,
        "/admin/certificates/issue",
        {"user_id": officer.id, "course_slug": "mini", "cohort_id": cohort.id},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert '<div id="alerts" aria-live="polite" hx-swap-oob="innerHTML">' in response.text
    assert f"emitido para {officer.full_name}." in response.text


def test_a_forged_message_cookie_shows_nothing(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app))
    client.cookies.set(FLASH_COOKIE, "SGFja2Vk.0000000000000000")  # "Hacked" with a made-up signature

    assert NOTICE not in client.get("/").text
