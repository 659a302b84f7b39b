"""Logging in and out: throttling, session rotation, server-side session end, timeouts."""

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import LoginThrottle, Role, UserSession
from app.timeutil import utcnow
from tests.factories import PASSWORD, csrf_from, log_in, make_user, post


def _try_login(client: TestClient, username: str, password: str) -> tuple[int, str]:
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_from(client)}
    )
    return response.status_code, response.text


def test_login_with_right_password_opens_home_with_httponly_lax_cookie(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app, full_name="Ana Giménez")

    response = log_in(client, user)

    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cascada_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    home = client.get("/")
    assert home.status_code == 200 and "Ana Giménez" in home.text


def test_session_token_is_stored_hashed(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app))

    token = client.cookies["cascada_session"]
    stored = session.exec(select(UserSession)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64


def test_unknown_and_known_usernames_fail_identically(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    make_user(session, app, username="known")

    known = _try_login(client, "known", "wrong password here")
    unknown = _try_login(client, "nobody", "wrong password here")

    assert known[0] == unknown[0] == 422
    assert known[1].replace("known", "X") == unknown[1].replace("nobody", "X")


def test_five_failures_from_one_client_delay_that_username_there_for_a_minute_even_with_right_password(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app, username="target")
    for _ in range(5):
        _try_login(client, "target", "wrong password")

    status, text = _try_login(client, "target", PASSWORD)

    assert status == 422 and "Espere unos minutos" in text and "Hola" not in text
    throttle = session.exec(select(LoginThrottle).where(LoginThrottle.shown_username == "target")).one()
    assert throttle.locked_until is not None and throttle.client_address == "testclient"
    assert timedelta(seconds=50) < throttle.locked_until - utcnow() <= timedelta(minutes=1)
    assert user.id is not None


def test_four_failures_do_not_lock(client: TestClient, session: Session, app: FastAPI) -> None:
    make_user(session, app, username="target")
    for _ in range(4):
        _try_login(client, "target", "wrong password")

    assert _try_login(client, "target", PASSWORD)[0] == 303


def test_unknown_username_is_locked_after_five_failures_just_like_a_known_one(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    make_user(session, app, username="known")
    for _ in range(5):
        _try_login(client, "known", "wrong password")
        _try_login(client, "ghost", "wrong password")

    assert _try_login(client, "known", "x")[1].replace("known", "X") == _try_login(client, "ghost", "x")[
        1
    ].replace("ghost", "X")


def test_lock_expires_when_its_delay_is_over(client: TestClient, session: Session, app: FastAPI) -> None:
    make_user(session, app, username="target")
    for _ in range(5):
        _try_login(client, "target", "wrong password")
    throttle = session.exec(select(LoginThrottle).where(LoginThrottle.shown_username == "target")).one()
    throttle.locked_until = utcnow() - timedelta(seconds=1)
    session.add(throttle)
    session.commit()

    assert _try_login(client, "target", PASSWORD)[0] == 303


def test_login_rotates_the_session_token(client: TestClient, session: Session, app: FastAPI) -> None:
    user = make_user(session, app)
    log_in(client, user)
    first = client.cookies["cascada_session"]

    log_in(client, user)

    assert client.cookies["cascada_session"] != first
    assert len(session.exec(select(UserSession)).all()) == 1  # the old one was ended, not left behind


def test_logout_ends_the_session_server_side(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app))
    old_cookie = client.cookies["cascada_session"]

    assert post(client, "/logout").status_code == 303

    client.cookies.set("cascada_session", old_cookie)
    response = client.get("/")
    assert response.status_code == 303 and response.headers["location"].startswith("http://testserver/login")


def test_deactivation_ends_the_users_sessions(client: TestClient, session: Session, app: FastAPI) -> None:
    officer = make_user(session, app)
    log_in(client, officer)
    officer_cookie = client.cookies["cascada_session"]
    admin = make_user(session, app, role=Role.admin)
    with TestClient(app, follow_redirects=False) as admin_client:
        log_in(admin_client, admin)
        assert post(admin_client, f"/admin/users/{officer.id}/active", {"active": "false"}).status_code == 303

    client.cookies.set("cascada_session", officer_cookie)
    assert client.get("/").status_code == 303
    assert _try_login(client, officer.username, PASSWORD)[0] == 422


def test_password_change_ends_other_sessions_and_keeps_this_one(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app)
    with TestClient(app, follow_redirects=False) as other_device:
        log_in(other_device, user)
        log_in(client, user)

        response = post(
            client,
            "/profile/password",
            {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        )

        assert response.status_code == 200
        assert client.get("/").status_code == 200
        assert other_device.get("/").status_code == 303
    assert _try_login(client, user.username, "a brand new passphrase")[0] == 303


def test_idle_session_expires(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app))
    stored = session.exec(select(UserSession)).one()
    stored.last_seen_at = utcnow() - timedelta(minutes=121)
    session.add(stored)
    session.commit()

    assert client.get("/").status_code == 303
    assert session.exec(select(UserSession)).first() is None


def test_session_expires_after_absolute_timeout_even_when_active(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app))
    stored = session.exec(select(UserSession)).one()
    stored.created_at = utcnow() - timedelta(hours=12, minutes=1)
    session.add(stored)
    session.commit()

    assert client.get("/").status_code == 303


def test_login_redirects_only_to_local_paths(client: TestClient, session: Session, app: FastAPI) -> None:
    user = make_user(session, app)
    token = csrf_from(client)

    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
    )

    assert response.headers["location"] == "http://testserver/"


def test_anonymous_visitor_is_sent_to_login_with_next(client: TestClient) -> None:
    response = client.get("/profile")

    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver/login?next=%2Fprofile"


def test_password_change_through_htmx_answers_with_the_password_section_only(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app)
    log_in(client, user)

    response = post(
        client,
        "/profile/password",
        {"current_password": PASSWORD, "new_password": "another brand new passphrase"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'id="password-section"' in response.text and "<html" not in response.text
    assert 'name="csrf_token"' in response.text
