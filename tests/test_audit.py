"""The audit trail: complete (logins, logouts, quizzes, refusals), with origin, chained and append-only."""

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import Role
from app.audit import AuditEntry
from app.db import make_engine
from app.learning import service as learning
from app.migrate import upgrade
from tests.factories import csrf_from, log_in, make_user, post
from tests.quizzes import flow

AGENT = {"user-agent": "Mozilla/5.0 (Linux; Android 10) Cascada-test"}


def _actions(session: Session) -> list[str]:
    session.rollback()
    return [e.action for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]


def test_login_success_failure_lockout_and_logout_are_recorded_with_address_and_agent(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app, username="ana")
    client.headers.update(AGENT)
    for _ in range(5):
        client.post("/login", data={"username": "ana", "password": "wrong", "csrf_token": csrf_from(client)})
    session.execute(text("DELETE FROM loginthrottle"))
    session.commit()
    log_in(client, user)
    post(client, "/logout")

    actions = _actions(session)

    assert actions == ["login.failure"] * 4 + ["login.lockout", "login.success", "logout"]
    entries = session.exec(select(AuditEntry)).all()
    assert {(e.client_address, e.user_agent) for e in entries} == {("testclient", AGENT["user-agent"])}


def test_quiz_attempt_start_and_finish_are_recorded(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    flow.load_courses(session)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)

    attempt_id = flow.start(client)
    flow.finish(client, attempt_id)

    entries = [e for e in session.exec(select(AuditEntry)) if e.action.startswith("quiz.")]
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("quiz.start", officer.id, str(attempt_id)),
        ("quiz.finish", officer.id, str(attempt_id)),
    ]


def test_a_refused_access_is_recorded_although_the_request_rolled_back(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    officer = make_user(session, app)
    log_in(client, officer)

    assert client.get("/admin/users").status_code == 403

    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "access.refused")).one()
    assert entry.actor_id == officer.id and "/admin/users" in entry.details


def test_the_chain_verifies_and_names_the_first_entry_changed(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    if session.get_bind().dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses the edit itself (next test)")
    admin = make_user(session, app, role=Role.admin)
    log_in(client, admin)
    for name in ("Uno Dos", "Tres Cuatro", "Cinco Seis"):
        post(client, "/admin/institutions", {"name": name})
    assert audit.verify(session).broken_at is None
    victim = session.exec(select(AuditEntry).where(AuditEntry.details.contains("Tres"))).one()  # type: ignore[attr-defined]

    session.execute(text("UPDATE auditentry SET details = '{}' WHERE id = :id"), {"id": victim.id})
    session.commit()
    session.expire_all()

    result = audit.verify(session)
    assert result.broken_at == victim.id and "changed" in result.reason


def test_removing_an_entry_breaks_the_link_of_the_next_one() -> None:
    entries = []
    for n in range(3):
        entry = AuditEntry(action=f"a{n}", target_type="x", target_id=str(n), id=n + 1)
        entry.prev_hash = entries[-1].entry_hash if entries else audit.GENESIS
        entry.entry_hash = audit.entry_hash(entry)
        entries.append(entry)

    result = audit.verify_chain([entries[0], entries[2]])

    assert result.broken_at == 3 and "removed" in result.reason


def test_postgresql_refuses_update_and_delete_on_the_audit_log(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("a trigger exists on PostgreSQL only")
    log_in(client, make_user(session, app))

    for statement in ("UPDATE auditentry SET details = '{}'", "DELETE FROM auditentry"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert len(session.exec(select(AuditEntry)).all()) == 1


def test_cascada_audit_verify_names_the_broken_entry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cascada.db'}"
    env = {"CASCADA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "app.cli"]
    root = Path(__file__).parent.parent
    subprocess.run(
        [*run, "create-admin", "--username", "jefa", "--full-name", "Jefa"],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        timeout=60,
    )
    intact = subprocess.run(
        [*run, "audit", "verify"], env=env, cwd=root, capture_output=True, text=True, timeout=60
    )
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE auditentry SET actor_id = 1"))
    engine.dispose()

    broken = subprocess.run(
        [*run, "audit", "verify"], env=env, cwd=root, capture_output=True, text=True, timeout=60
    )

    assert intact.returncode == 0 and "intact: 1 entries" in intact.stdout
    assert broken.returncode == 1 and "BROKEN at entry 1" in broken.stderr


def test_the_migration_chains_entries_written_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    engine = make_engine(url)
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(
                text(
                    "INSERT INTO auditentry (at, action, target_type, target_id, details) "
                    "VALUES (:at, :action, 'x', :n, '{}')"
                ),
                {"at": f"2026-11-0{n + 1} 10:00:00.000000", "action": f"old.{n}", "n": str(n)},
            )

    upgrade(url)

    with Session(engine) as session:
        assert audit.verify(session) == audit.ChainCheck(3)
    engine.dispose()
