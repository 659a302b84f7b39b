"""Time is stored in UTC (aware datetimes; SQLModel's UTCDateTime) and shown in America/Asuncion."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Asuncion")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today's date in Asunción, the day due dates are compared with."""
    return local(utcnow()).date()
