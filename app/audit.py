"""The audit log: who did what to which object, written in the same transaction as the change."""

import json
from datetime import datetime
from typing import Any

from sqlmodel import Field, Session, SQLModel

from app.timeutil import utcnow


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=64)
    target_type: str = Field(max_length=32)
    target_id: str = Field(max_length=64)
    details: str = Field(default="", max_length=4000)


def record(session: Session, actor_id: int | None, action: str, target: SQLModel, **details: Any) -> None:
    """Log an admin action; it commits or rolls back with the change it describes."""
    session.flush()  # the target needs its id
    session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            target_type=type(target).__name__.lower(),
            target_id=str(getattr(target, "id", "")),
            details=json.dumps(details, ensure_ascii=False, default=str)[:4000],
        )
    )
