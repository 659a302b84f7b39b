"""Activating a roster-created account with a one-time code: sets the password, logs in, once, throttled."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.accounts import activation
from app.accounts.models import ActivationCode, Role, User
from tests.factories import csrf_from, log_in, make_user, reload

NEW_PASSWORD = "tres tristes tigres"
GENERIC = "El usuario o el código no son correctos, o el código venció."


@pytest.fixture
def newcomer(session: Session) -> User:
    """An officer as a roster import leaves them: no usable password yet."""
    user = User(username="maria.benitez", full_name="María Benítez", role=Role.officer, password_hash="")
    session.add(user)
    session.commit()
    return user


def issue(session: Session, user: User) -> str:
    code = activation.issue(session, user, actor=None)
    session.commit()
    return code


def activate(client: TestClient, username: str, code: str, password: str = NEW_PASSWORD) -> Response:
    return client.post(
        "/activate",
        data={
            "username": username,
            "code": code,
            "password": password,
            "csrf_token": csrf_from(client, "/activate"),
        },
    )


def test_the_right_code_sets_the_password_logs_in_and_is_spent(
    client: TestClient, session: Session, app: FastAPI, newcomer: User
) -> None:
    code = issue(session, newcomer)

    response = activate(client, "Maria.Benitez ", code.lower().replace("-", " "))

    assert response.status_code == 303 and response.headers["location"].endswith("/")
    assert "María Benítez" in client.get("/").text
    assert reload(session, newcomer).password_hash
    assert session.get(ActivationCode, newcomer.id) is None
    client.cookies.clear()
    log_in(client, newcomer, NEW_PASSWORD)


def test_a_code_works_only_once(client: TestClient, session: Session, newcomer: User) -> None:
    code = issue(session, newcomer)
    activate(client, newcomer.username, code)
    client.cookies.clear()

    again = activate(client, newcomer.username, code, "otra frase bastante larga")

    assert again.status_code == 422 and GENERIC in again.text


def test_wrong_code_unknown_user_and_expired_code_get_the_same_message(
    client: TestClient, session: Session, app: FastAPI, newcomer: User
) -> None:
    code = issue(session, newcomer)
    other = User(username="juan", full_name="Juan", password_hash="")
    session.add(other)
    session.commit()
    expired = issue(session, other)
    stored = session.get(ActivationCode, other.id)
    assert stored is not None
    stored.expires_at = stored.created_at - timedelta(seconds=1)
    session.add(stored)
    session.commit()

    wrong = activate(client, newcomer.username, "ABCD-EFGH" if code != "ABCD-EFGH" else "HGFE-DCBA")
    unknown = activate(client, "nadie", code)
    late = activate(client, "juan", expired)

    for response in (wrong, unknown, late):
        assert response.status_code == 422 and GENERIC in response.text
    assert reload(session, newcomer).password_hash == "" and reload(session, other).password_hash == ""


def test_a_weak_password_is_refused_and_the_code_stays_valid(
    client: TestClient, session: Session, newcomer: User
) -> None:
    code = issue(session, newcomer)

    weak = activate(client, newcomer.username, code, "corta")
    strong = activate(client, newcomer.username, code)

    assert weak.status_code == 422 and "al menos 8 caracteres" in weak.text
    assert strong.status_code == 303


def test_guessing_is_throttled_even_for_the_right_code_afterwards(
    client: TestClient, session: Session, app: FastAPI, newcomer: User
) -> None:
    code = issue(session, newcomer)
    for _ in range(app.state.settings.login_max_failures):
        activate(client, newcomer.username, "ZZZZ-ZZZZ")

    response = activate(client, newcomer.username, code)

    assert response.status_code == 422 and "Demasiados intentos fallidos" in response.text
    assert reload(session, newcomer).password_hash == ""


def test_activation_needs_the_csrf_token(client: TestClient, session: Session, newcomer: User) -> None:
    code = issue(session, newcomer)

    response = client.post(
        "/activate", data={"username": newcomer.username, "code": code, "password": NEW_PASSWORD}
    )

    assert response.status_code == 403 and reload(session, newcomer).password_hash == ""


def test_the_login_page_links_to_activation(client: TestClient) -> None:
    login = client.get("/login")
    form = client.get("/activate?username=maria.benitez")

    assert 'href="/activate"' in login.text and "¿Tiene un código de activación?" in login.text
    assert form.status_code == 200 and 'value="maria.benitez"' in form.text


def test_an_activated_user_cannot_be_given_a_code_by_guessing_an_old_one(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    make_user(session, app, username="activa")

    response = activate(client, "activa", "ABCD-EFGH")

    assert response.status_code == 422 and GENERIC in response.text
