"""CSRF on every state change, security headers, and the deny-by-default route inventory."""

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app, require_rules, route_rules
from tests.factories import PASSWORD, csrf_from, log_in, make_user


def test_every_route_declares_an_access_rule(app: FastAPI) -> None:
    rules = route_rules(app)

    assert rules, "no routes found"
    assert [route for route, found in rules.items() if not found] == []


def test_an_app_with_a_route_without_rule_refuses_to_build(app: FastAPI) -> None:
    router = APIRouter()

    @router.get("/forgotten")
    def forgotten() -> str:
        return "oops"

    app.include_router(router)

    with pytest.raises(RuntimeError, match="/forgotten"):
        require_rules(app)


def test_login_post_without_csrf_token_is_refused_with_a_friendly_page(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app)

    response = client.post("/login", data={"username": user.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "Vuelva a cargar la página" in response.text and "Traceback" not in response.text
    assert "cascada_session" not in response.cookies


def test_csrf_token_of_another_session_is_refused(client: TestClient, session: Session, app: FastAPI) -> None:
    user = make_user(session, app)
    log_in(client, user)
    with TestClient(app, follow_redirects=False) as other:
        log_in(other, make_user(session, app))
        foreign_token = csrf_from(other)

    response = client.post("/logout", data={"csrf_token": foreign_token})

    assert response.status_code == 403
    assert client.get("/").status_code == 200  # still logged in: the forged logout did nothing


def test_csrf_token_in_htmx_header_is_accepted(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app))

    response = client.post("/logout", headers={"X-CSRF-Token": csrf_from(client), "HX-Request": "true"})

    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith("/login")


def test_html_pages_carry_security_headers_and_a_strict_csp(client: TestClient) -> None:
    response = client.get("/login")

    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-request-id"]
    assert "<script>" not in response.text  # no inline script for the CSP to block


def test_authenticated_pages_are_not_cached(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app))

    assert client.get("/").headers["cache-control"] == "no-store"


def test_versioned_assets_are_cached_for_a_year(client: TestClient) -> None:
    response = client.get("/static/app.css?v=1")

    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_unknown_page_is_a_friendly_404_not_json(client: TestClient) -> None:
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"] and "No encontramos esta página" in response.text


def test_health_answers_ok_when_the_database_answers(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_production_refuses_weak_secret_demo_data_and_api_docs(settings: Settings) -> None:
    unsafe = settings.model_copy(
        update={"env": "production", "secret_key": "secret", "demo": True, "api_docs": True}
    )

    with pytest.raises(Exception) as refused:
        create_app(unsafe)

    message = str(refused.value)
    assert "CASCADA_SECRET_KEY" in message and "demo" in message and "API docs" in message


def test_production_starts_with_a_strong_secret_and_its_public_address(settings: Settings) -> None:
    safe = settings.model_copy(
        update={
            "env": "production",
            "secret_key": "Zq8-r2Lx0v_mN4pQ7sT1uW3yA5cE9gJ6",
            "base_url": "https://cascada.isepol.edu.py",
            "admin_second_factor": True,
        }
    )

    app = create_app(safe)

    assert app.docs_url is None
    app.state.engine.dispose()


def test_a_body_declared_over_one_megabyte_is_refused_before_it_is_read(client: TestClient) -> None:
    big = b"x" * (1024 * 1024 + 1)

    response = client.post(
        "/login", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert response.status_code == 413 and "demasiado grande" in response.text
