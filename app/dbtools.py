"""Portable upserts: SQLite and PostgreSQL both speak INSERT ... ON CONFLICT."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_for(session: Session, table: Any) -> Any:
    """An INSERT for `table` in the session's dialect, with on_conflict_do_update/do_nothing."""
    return insert_in(session.get_bind().dialect.name, table)


def insert_in(dialect: str, table: Any) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
