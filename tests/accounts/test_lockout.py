"""Login throttling that cannot be turned against a user: per username and address, per address, growing."""

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import LoginThrottle, Role
from app.audit import AuditEntry
from app.timeutil import utcnow
from tests.factories import PASSWORD, csrf_from, log_in, make_user, post


def _try(client: TestClient, username: str, password: str) -> int:
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_from(client)}
    ).status_code


def test_guessing_from_one_address_does_not_lock_the_owner_out_from_another(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    make_user(session, app, username="jefa", role=Role.admin)
    for _ in range(8):
        _try(client, "jefa", "wrong")

    with TestClient(app, follow_redirects=False, client=("10.1.2.3", 4000)) as owner:
        assert _try(owner, "jefa", PASSWORD) == 303
    assert _try(client, "jefa", PASSWORD) == 422


def test_one_address_trying_many_usernames_is_slowed_down_for_all_of_them(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    make_user(session, app, username="victima")
    for n in range(20):
        _try(client, f"nadie{n}", "wrong")

    assert _try(client, "victima", PASSWORD) == 422
    with TestClient(app, follow_redirects=False, client=("10.9.9.9", 1)) as elsewhere:
        assert _try(elsewhere, "victima", PASSWORD) == 303


def test_each_failure_past_the_threshold_doubles_the_wait_up_to_the_cap(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    for _ in range(5):
        _try(client, "x", "wrong")
    waits = []
    for _ in range(5):
        session.expire_all()  # the identity map would otherwise answer with the row as this session wrote it
        throttle = session.exec(select(LoginThrottle).where(LoginThrottle.shown_username == "x")).one()
        waits.append(round((throttle.locked_until - utcnow()).total_seconds() / 60))  # type: ignore[operator]
        throttle.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over: one more wrong guess
        session.add(throttle)
        session.commit()
        _try(client, "x", "wrong")

    assert waits == [1, 2, 4, 8, 15]


def test_an_admin_sees_locked_pairs_and_clears_one_audited(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    make_user(session, app, username="olvidadiza")
    with TestClient(app, follow_redirects=False, client=("10.0.0.7", 1)) as person:
        for _ in range(5):
            _try(person, "olvidadiza", "wrong")
        log_in(client, admin)

        page = client.get("/admin/lockouts")
        session.rollback()
        key = (
            session.exec(select(LoginThrottle).where(LoginThrottle.shown_username == "olvidadiza"))
            .one()
            .username
        )
        cleared = post(client, "/admin/lockouts/clear", {"key": key})

        assert page.status_code == 200 and "olvidadiza" in page.text and "10.0.0.7" in page.text
        assert cleared.status_code == 303 and _try(person, "olvidadiza", PASSWORD) == 303
    session.rollback()
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "login.unlock")).one()
    assert entry.actor_id == admin.id and "olvidadiza" in entry.details
