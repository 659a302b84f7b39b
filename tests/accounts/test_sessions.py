"""Sessions: 30 minutes idle by default; __Host- cookies and HSTS over HTTPS; proxies trusted if named."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import UserSession
from app.cli import proxy_options
from app.config import Settings
from app.main import create_app
from app.timeutil import utcnow
from tests.conftest import make_settings
from tests.factories import PASSWORD, csrf_from, log_in, make_user


def test_the_idle_limit_is_thirty_minutes_by_default() -> None:
    assert Settings(_env_file=None).session_idle_minutes == 30  # type: ignore[call-arg]


def test_a_session_idle_for_thirty_one_minutes_has_ended(tmp_path: Path, database_url: str) -> None:
    app = create_app(
        make_settings(
            tmp_path, database_url, session_idle_minutes=Settings.model_fields["session_idle_minutes"].default
        )
    )
    with TestClient(app, follow_redirects=False) as client, Session(app.state.engine) as session:
        log_in(client, make_user(session, app))
        session.rollback()
        stored = session.exec(select(UserSession)).one()
        stored.last_seen_at = utcnow() - timedelta(minutes=31)
        session.add(stored)
        session.commit()

        assert client.get("/").status_code == 303
    app.state.engine.dispose()


def test_activity_such_as_an_autosave_keeps_the_session_alive(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app))
    stored = session.exec(select(UserSession)).one()
    stored.last_seen_at = utcnow() - timedelta(minutes=29)
    session.add(stored)
    session.commit()

    assert client.get("/").status_code == 200

    session.refresh(stored)
    assert utcnow() - stored.last_seen_at < timedelta(minutes=1)


@pytest.fixture
def https_app(tmp_path: Path, database_url: str) -> Iterator[FastAPI]:
    app = create_app(make_settings(tmp_path, database_url, https=True))
    yield app
    app.state.engine.dispose()


def test_over_https_cookies_are_host_prefixed_secure_and_work(https_app: FastAPI) -> None:
    with (
        TestClient(https_app, base_url="https://testserver", follow_redirects=False) as client,
        Session(https_app.state.engine) as session,
    ):
        user = make_user(session, https_app)
        first = client.get("/login")
        response = client.post(
            "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(client)}
        )

        cookies = response.headers.get_list("set-cookie") + first.headers.get_list("set-cookie")
        assert any(
            c.startswith("__Host-cascada_session=") and "Secure" in c and "Path=/" in c for c in cookies
        )
        assert any(c.startswith("__Host-cascada_csrf=") for c in cookies)
        assert not any(c.startswith("cascada_session=") for c in cookies)
        assert client.get("/").status_code == 200


def test_hsts_for_a_year_with_subdomains_only_over_https(https_app: FastAPI, client: TestClient) -> None:
    with TestClient(https_app, base_url="https://testserver") as secure:
        assert (
            secure.get("/login").headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        )
    assert "strict-transport-security" not in client.get("/login").headers


def test_no_proxy_is_trusted_unless_configured(settings: Settings) -> None:
    assert proxy_options(settings) == {"proxy_headers": False}
    configured = settings.model_copy(update={"trusted_proxies": "10.0.0.5,10.0.1.0/24"})
    assert proxy_options(configured) == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5,10.0.1.0/24"}


def test_a_malformed_cookie_beside_the_session_cookie_does_not_log_the_officer_out(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    # Another site's script on the same host can leave a cookie the standard library refuses to parse.
    user = make_user(session, app)
    log_in(client, user)
    token = client.cookies["cascada_session"]
    client.cookies.clear()

    page = client.get("/profile", headers={"Cookie": f'tracker="a b; {{json:1}}; cascada_session={token}'})

    assert page.status_code == 200 and user.username in page.text
