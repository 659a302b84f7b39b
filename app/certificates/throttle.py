"""How hard `/verify` may be probed: unknown ids count against the client, shared by every worker."""

from datetime import timedelta

from sqlmodel import Session

from app.certificates.models import VerifyThrottle
from app.dbtools import insert_for
from app.timeutil import utcnow


def throttled(session: Session, client: str, *, limit: int, window: timedelta) -> bool:
    row = session.get(VerifyThrottle, client)
    return row is not None and row.misses >= limit and row.window_started_at > utcnow() - window


def record_miss(session: Session, client: str, *, window: timedelta) -> None:
    """Count an unknown id against the client (in its own short write transaction)."""
    now = utcnow()
    session.execute(
        insert_for(session, VerifyThrottle)
        .values(client=client, misses=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["client"])
    )
    row = session.get(VerifyThrottle, client, with_for_update=True, populate_existing=True)
    assert row is not None
    if row.window_started_at <= now - window:
        row.misses, row.window_started_at = 0, now
    row.misses += 1
    session.add(row)
