"""Error answers: a full page has one <h1> naming the error; an htmx request gets the message in #alerts."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.accounts.models import Role
from tests.factories import csrf_from, log_in, make_user

HTMX = {"HX-Request": "true"}
TO_ALERTS = {"hx-retarget": "#alerts", "hx-reswap": "innerHTML", "hx-push-url": "false"}


def headings(response: Response) -> list[str]:
    return [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)]


def alert_headers(response: Response) -> dict[str, str]:
    return {name: response.headers[name] for name in TO_ALERTS if name in response.headers}


# --- full error pages ----------------------------------------------------------------------------


def test_a_missing_page_has_one_h1_saying_the_page_was_not_found(client: TestClient) -> None:
    response = client.get("/no-existe")

    assert response.status_code == 404
    assert headings(response) == ["Página no encontrada"]
    assert "No encontramos esta página." in response.text


def test_the_error_heading_is_in_the_visitors_language(client: TestClient) -> None:
    response = client.get("/no-existe", headers={"Accept-Language": "en"})

    assert headings(response) == ["Page not found"]


def test_a_refused_page_has_an_h1_saying_access_is_not_allowed(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.officer))

    response = client.get("/admin/users")

    assert response.status_code == 403
    assert headings(response) == ["Acceso no permitido"]


def test_invalid_query_data_gives_a_full_page_with_an_h1_and_no_htmx_headers(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get("/grading", params={"cohort_id": "a"})

    assert response.status_code == 422
    assert headings(response) == ["Datos no válidos"]
    assert alert_headers(response) == {}


def test_a_domain_error_page_has_an_h1(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get("/admin/users/99999")

    assert response.status_code == 404
    assert headings(response) == ["Página no encontrada"]
    assert alert_headers(response) == {}


# --- htmx requests ---------------------------------------------------------------------------------


def test_invalid_query_data_in_an_htmx_request_goes_to_the_alerts_not_the_page(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get("/grading", params={"cohort_id": "a"}, headers=HTMX)

    assert response.status_code == 422
    assert alert_headers(response) == TO_ALERTS
    assert 'role="alert"' in response.text
    assert 'id="results"' not in response.text and "<h1" not in response.text and "<html" not in response.text


@pytest.mark.parametrize("path", ["/admin/users/99999", "/admin/no-existe"])
def test_a_404_to_an_htmx_request_goes_to_the_alerts(
    client: TestClient, session: Session, app: FastAPI, path: str
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get(path, headers=HTMX)

    assert response.status_code == 404
    assert alert_headers(response) == TO_ALERTS
    assert "No encontramos esta página." in response.text and "<h1" not in response.text


def test_a_refused_htmx_action_goes_to_the_alerts(client: TestClient, session: Session, app: FastAPI) -> None:
    admin = make_user(session, app, role=Role.admin)
    log_in(client, admin)

    response = client.post(
        f"/admin/users/{admin.id}/active",
        data={"active": "false"},
        headers={**HTMX, "X-CSRF-Token": csrf_from(client, "/admin/users")},
    )

    assert response.status_code == 400
    assert alert_headers(response) == TO_ALERTS


def test_an_expired_session_on_an_htmx_post_says_so_in_the_alerts(client: TestClient) -> None:
    response = client.post("/profile/password", headers={**HTMX, "X-CSRF-Token": csrf_from(client)})

    assert response.status_code == 401
    assert alert_headers(response) == TO_ALERTS
    assert "Iniciar sesión" in response.text


def test_a_form_that_answers_its_own_422_keeps_its_target(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    # A form re-rendered with its field error is the route's answer, not an error page: it stays put.
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.post(
        "/admin/users/new",
        data={"username": "", "full_name": "", "password": "x"},
        headers={**HTMX, "X-CSRF-Token": csrf_from(client, "/admin/users/new")},
    )

    assert response.status_code == 422
    assert alert_headers(response) == {}
