"""iCalendar feeds of in-person sessions: one per person (what they attend or teach) and one per cohort.

Calendar apps subscribe without a login, so each feed's address carries an HMAC of what it shows,
made with the app's secret: it can be shared with a phone, and guessing another feed's address fails.
Times go out in UTC with the zone named; SEQUENCE goes up each time a session changes.
"""

import hashlib
import hmac
from datetime import UTC, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlmodel import Session, col, select
from starlette.requests import Request

from app.accounts.models import User
from app.cohorts import service, worklist
from app.cohorts.models import Cohort, Meeting
from app.timeutil import LOCAL_TZ, utcnow
from app.web import public_base_url

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//Cascada//Sesiones presenciales//ES"


def token(secret: str, kind: str, object_id: int) -> str:
    return hmac.new(secret.encode(), f"calendar:{kind}:{object_id}".encode(), hashlib.sha256).hexdigest()[:32]


def token_is_valid(secret: str, kind: str, object_id: int, offered: str) -> bool:
    return hmac.compare_digest(token(secret, kind, object_id), offered)


def _absolute(request: Request, path: str) -> str:
    return public_base_url(request) + path


def person_feed_url(request: Request, user: User) -> str:
    secret = request.app.state.secret_key
    return _absolute(
        request,
        request.app.url_path_for(
            "calendar:person_feed", user_id=str(user.id), token=token(secret, "user", user.id or 0)
        ),
    )


def cohort_feed_url(request: Request, cohort: Cohort) -> str:
    secret = request.app.state.secret_key
    return _absolute(
        request,
        request.app.url_path_for(
            "calendar:cohort_feed", cohort_id=str(cohort.id), token=token(secret, "cohort", cohort.id or 0)
        ),
    )


def person_meetings(session: Session, user: User) -> list[worklist.Upcoming]:
    """Sessions of the cohorts `user` attends, and of those they lead or co-train, in time order."""
    attended = worklist.member_meetings(session, user, upcoming=False)
    taught = {c.id or 0: c for c in service.cohorts_for(session, user)} if user.role != "admin" else {}
    meetings = session.exec(select(Meeting).where(col(Meeting.cohort_id).in_(list(taught)))).all()
    found = {u.meeting.id: u for u in attended} | {
        m.id: worklist.Upcoming(taught[m.cohort_id], m) for m in meetings
    }
    return sorted(found.values(), key=lambda u: u.meeting.starts_at)


def cohort_meetings(session: Session, cohort: Cohort) -> list[worklist.Upcoming]:
    meetings = session.exec(
        select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(col(Meeting.starts_at))
    ).all()
    return [worklist.Upcoming(cohort, m) for m in meetings]


def ics(name: str, entries: list[worklist.Upcoming], *, host: str) -> bytes:
    """An RFC 5545 calendar of the sessions, UTC times, the local zone named for the calendar app."""
    from icalendar import Calendar  # 3.5 MiB that only calendar apps' fetches need

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(LOCAL_TZ))
    stamp = utcnow().replace(microsecond=0)
    for entry in entries:
        calendar.add_component(_event(entry, stamp, host))
    return calendar.to_ical()


def _event(entry: worklist.Upcoming, stamp: object, host: str) -> "Event":
    from icalendar import Event

    meeting = entry.meeting
    starts = meeting.starts_at.astimezone(UTC).replace(microsecond=0)
    event = Event()
    event.add("uid", f"cascada-session-{meeting.id}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(hours=meeting.hours))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{entry.cohort.name}: {meeting.topic}" if meeting.topic else entry.cohort.name)
    if meeting.place:
        event.add("location", meeting.place)
    return event


def host_of(request: Request) -> str:
    return urlsplit(request.app.state.settings.base_url).hostname or "cascada"
