"""The audit log: who did what to which object, from where, chained so that an edit shows.

Each entry carries the SHA-256 of the entry before it (`prev_hash`) and of itself (`entry_hash`), so
changing, inserting or removing a row breaks the chain at that point (`cascada audit verify`). On
PostgreSQL a trigger also refuses UPDATE and DELETE on the table, whatever role the app connects as.
"""

import hashlib
import json
from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DDL, event, text
from sqlmodel import Field, Session, SQLModel, col, func, select
from starlette.types import Scope

from app.timeutil import utcnow

GENESIS = "0" * 64
CHAIN_LOCK = 7_411_017  # pg_advisory_xact_lock key: one writer extends the chain at a time


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=64)
    target_type: str = Field(max_length=32)
    target_id: str = Field(max_length=64)
    details: str = Field(default="", max_length=4000)
    client_address: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    prev_hash: str = Field(default=GENESIS, max_length=64)
    entry_hash: str = Field(default="", max_length=64)


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION auditentry_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER auditentry_append_only BEFORE UPDATE OR DELETE ON auditentry
  FOR EACH ROW EXECUTE FUNCTION auditentry_append_only();
"""
# DDL() formats its text with %, so the RAISE's own % placeholder is doubled here.
event.listen(
    AuditEntry.__table__,  # type: ignore[attr-defined]
    "after_create",
    DDL(APPEND_ONLY.replace("%", "%%")).execute_if(dialect="postgresql"),
)


@dataclass(frozen=True)
class Origin:
    """Where the current request comes from, as the audit log records it."""

    client_address: str = ""
    user_agent: str = ""


_NOWHERE = Origin()  # commands and background sweeps: no client
_origin: ContextVar[Origin] = ContextVar("audit_origin", default=_NOWHERE)  # noqa: B039 (frozen)


def enter_origin(scope: Scope) -> Token[Origin]:
    """Make this request's client address and user agent available to `record` (undo with `leave_origin`)."""
    client = scope.get("client")
    agent = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"user-agent"), "")
    return _origin.set(Origin(_printable(client[0] if client else "")[:64], _printable(agent)[:300]))


def leave_origin(token: Token[Origin]) -> None:
    _origin.reset(token)


def _printable(value: str) -> str:
    return "".join(c for c in value if c.isprintable())


def record(
    session: Session, actor_id: int | None, action: str, target: SQLModel | None, **details: Any
) -> None:
    """Log an action; it commits or rolls back with the change it describes, and extends the chain."""
    session.flush()  # the target needs its id
    origin = _origin.get()
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        # the table name, not the class name: it is stored, and a class may be renamed
        target_type=str(type(target).__tablename__) if target is not None else "",
        target_id=str(getattr(target, "id", "") or "")[:64],
        details=json.dumps(details, ensure_ascii=False, default=str)[:4000],
        client_address=origin.client_address,
        user_agent=origin.user_agent,
    )
    entry.prev_hash = _last_hash(session)
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    session.flush()


def _last_hash(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = session.exec(select(AuditEntry.entry_hash).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    return last or GENESIS


def entry_hash(entry: AuditEntry) -> str:
    """The SHA-256 of an entry's content and of the hash before it."""
    at = entry.at if entry.at.tzinfo is None else entry.at.astimezone(UTC).replace(tzinfo=None)
    moment = at.isoformat(timespec="microseconds")
    content = [
        moment,
        entry.actor_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.details,
        entry.client_address,
        entry.user_agent,
        entry.prev_hash,
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    broken_at: int | None = None  # the id of the first entry that does not follow from the one before
    reason: str = ""


def verify_chain(entries: Iterable[AuditEntry]) -> ChainCheck:
    """Walk the entries in id order; name the first one whose content or link was changed."""
    previous, count = GENESIS, 0
    for entry in entries:
        count += 1
        if entry.prev_hash != previous:
            return ChainCheck(
                count,
                entry.id,
                "its link does not match the entry before it (an entry was removed or inserted)",
            )
        if entry_hash(entry) != entry.entry_hash:
            return ChainCheck(count, entry.id, "its content was changed after it was written")
        previous = entry.entry_hash
    return ChainCheck(count)


def older_than(session: Session, age: timedelta) -> int:
    """How many entries have passed the retention period (archived by the database owner, not the app)."""
    cutoff = utcnow() - age
    return session.exec(select(func.count()).where(col(AuditEntry.at) < cutoff)).one()


def verify(session: Session) -> ChainCheck:
    return verify_chain(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).yield_per(1000))
