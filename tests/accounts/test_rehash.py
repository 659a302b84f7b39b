"""Stored hashes follow the configured Argon2id parameters: upgraded at the next successful login."""

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import passwords
from app.accounts.models import User
from app.accounts.passwords import make_hasher
from app.config import Settings
from tests.factories import PASSWORD, csrf_from, log_in, make_user


def _stored(session: Session, user: User) -> str:
    session.rollback()
    found = session.get(User, user.id)
    assert found is not None
    session.refresh(found)
    return found.password_hash


def test_a_login_with_an_old_parameter_hash_succeeds_and_upgrades_the_stored_hash(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    old = PasswordHasher(time_cost=3, memory_cost=128, parallelism=4)  # the parameters before issue 10
    user = make_user(session, app)
    old_hash = user.password_hash = old.hash(PASSWORD)
    session.add(user)
    session.commit()

    log_in(client, user)

    upgraded = _stored(session, user)
    assert upgraded != old_hash
    assert not app.state.hasher.check_needs_rehash(upgraded)
    assert app.state.hasher.verify(upgraded, PASSWORD)
    with TestClient(app, follow_redirects=False) as again:
        log_in(again, user)  # the new hash works
    assert _stored(session, user) == upgraded  # and is not rehashed again


def test_a_failed_login_leaves_an_old_hash_alone(app: FastAPI, client: TestClient, session: Session) -> None:
    old_hash = PasswordHasher(time_cost=3, memory_cost=128, parallelism=4).hash(PASSWORD)
    user = make_user(session, app)
    user.password_hash = old_hash
    session.add(user)
    session.commit()

    refused = client.post(
        "/login",
        data={"username": user.username, "password": "otra cosa distinta", "csrf_token": csrf_from(client)},
    )

    assert refused.status_code == 422
    assert _stored(session, user) == old_hash


def test_the_default_cost_is_owasps_minimum_for_interactive_logins() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    hasher = make_hasher(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)

    parameters = hasher.hash("una frase de paso").split("$")[3]

    assert parameters == "m=19456,t=2,p=1"


def test_a_login_past_the_hashing_queue_is_told_to_retry_with_503(
    app: FastAPI, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session, app)
    monkeypatch.setattr(passwords, "HASHES_WAITING", 0)  # the queue bound, as if 16 logins were waiting

    busy = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )

    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "2"
    assert "Intente de nuevo" in busy.text
