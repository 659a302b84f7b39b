"""Time is stored in UTC (aware datetimes; SQLModel's UTCDateTime) and shown in America/Asuncion."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Asuncion")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)
