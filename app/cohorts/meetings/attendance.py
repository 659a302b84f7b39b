"""In-person sessions and who attended them: one tap per officer, or a paper sheet entered afterwards."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.cohorts import service
from app.cohorts.models import Attendance, AttendanceStatus, Cohort, Meeting
from app.dbtools import insert_for
from app.errors import FieldError, NotFound
from app.i18n import N_
from app.learning import service as learning
from app.learning.models import Enrollment
from app.timeutil import LOCAL_TZ, utcnow

MAX_HOURS = 12
# Each state in words and with an icon, so colour is never the only sign (WCAG 1.4.1).
STATE_LABELS = {
    "present": N_("Presente"),
    "late": N_("Tarde"),
    "excused": N_("Justificado"),
    "absent": N_("Ausente"),
}
STATE_ICONS = {"present": "✓", "late": "◷", "excused": "≈", "absent": "✗"}


class InvalidMeeting(FieldError):
    pass


@dataclass(frozen=True)
class MeetingForm:
    day: str
    start: str
    hours: str
    place: str
    topic: str
    course_slug: str = ""


@dataclass(frozen=True)
class RollEntry:
    member: User
    status: AttendanceStatus | None  # None: not taken yet

    @property
    def present(self) -> bool | None:
        return None if self.status is None else self.status.attended


def parse_status(status: str, present: str = "") -> AttendanceStatus:
    """The state a tap sends; `present=true/false` is what taps queued by an older page still send."""
    if status in AttendanceStatus.__members__:
        return AttendanceStatus(status)
    if present in ("true", "false"):
        return AttendanceStatus.present if present == "true" else AttendanceStatus.absent
    raise InvalidMeeting("status", N_("Elija presente, tarde, justificado o ausente."))


def counts(roll: list[RollEntry]) -> dict[str, int]:
    """How many of each state, and how many are still to be taken (the running count on the roll)."""
    found = {state.value: 0 for state in AttendanceStatus} | {"pending": 0}
    for entry in roll:
        found[entry.status.value if entry.status else "pending"] += 1
    return found


def meetings(session: Session, cohort: Cohort) -> list[Meeting]:
    return list(
        session.exec(select(Meeting).where(Meeting.cohort_id == cohort.id).order_by(col(Meeting.starts_at)))
    )


def cohort_meeting(session: Session, cohort: Cohort, meeting_id: int) -> Meeting:
    found = session.get(Meeting, meeting_id)
    if found is None or found.cohort_id != cohort.id:
        raise NotFound(N_("No encontramos esta sesión."))
    return found


def add_meeting(session: Session, cohort: Cohort, form: MeetingForm, *, actor: User | None = None) -> Meeting:
    """Schedule a session; hours are what attending it counts towards the course's requirement."""
    created = Meeting(cohort_id=cohort.id or 0, **_fields(session, cohort, form))
    session.add(created)
    session.flush()
    if actor is not None:
        audit.record(
            session,
            actor.id,
            "session.create",
            created,
            cohort_id=cohort.id,
            starts_at=created.starts_at,
            hours=created.hours,
        )
    return created


def update_meeting(
    session: Session, cohort: Cohort, meeting: Meeting, form: MeetingForm, *, actor: User
) -> Meeting:
    """Change a session; its SEQUENCE goes up so calendars that hold it replace their copy."""
    for name, value in _fields(session, cohort, form).items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    session.add(meeting)
    audit.record(
        session,
        actor.id,
        "session.update",
        meeting,
        cohort_id=cohort.id,
        starts_at=meeting.starts_at,
        hours=meeting.hours,
        sequence=meeting.sequence,
    )
    return meeting


def _fields(session: Session, cohort: Cohort, form: MeetingForm) -> dict[str, Any]:
    starts_at = _starts_at(form.day, form.start)
    try:
        hours = float(form.hours.replace(",", "."))
    except ValueError:
        raise InvalidMeeting("hours", N_("Indique las horas con un número, por ejemplo 3 o 2,5.")) from None
    if not 0 < hours <= MAX_HOURS:
        raise InvalidMeeting(
            "hours", N_("Una sesión dura entre unos minutos y %(max)s horas."), max=MAX_HOURS
        )
    slugs = {c.course_slug for c in service.courses(session, cohort)}
    if form.course_slug and form.course_slug not in slugs:
        raise InvalidMeeting("course_slug", N_("Elija uno de los cursos de la cohorte."))
    return {
        "starts_at": starts_at,
        "hours": round(hours, 2),
        "place": form.place.strip()[:200],
        "topic": form.topic.strip()[:200],
        "course_slug": form.course_slug or None,
    }


def _starts_at(day: str, start: str) -> datetime:
    try:
        return datetime.combine(
            date.fromisoformat(day), time.fromisoformat(start or "08:00"), tzinfo=LOCAL_TZ
        )
    except ValueError:
        raise InvalidMeeting(
            "day", N_("Indique la fecha (AAAA-MM-DD) y la hora (HH:MM) de la sesión.")
        ) from None


def roll(session: Session, meeting: Meeting) -> list[RollEntry]:
    """Every member of the cohort, with what was recorded for this session."""
    cohort = session.get(Cohort, meeting.cohort_id)
    assert cohort is not None
    taken = {
        a.user_id: AttendanceStatus(a.status)
        for a in session.exec(select(Attendance).where(Attendance.session_id == meeting.id))
    }
    return [RollEntry(member, taken.get(member.id or 0)) for member in service.members(session, cohort)]


def mark(
    session: Session, meeting: Meeting, user_id: int, status: AttendanceStatus, *, recorder: User
) -> None:
    """Record one officer's state; the same tap sent twice (a retry) changes nothing."""
    cohort = session.get(Cohort, meeting.cohort_id)
    if cohort is None or not service.is_member(session, cohort, user_id):
        raise NotFound(N_("Esta persona no participa en la cohorte."))
    _record(session, meeting, {user_id: status}, recorder)
    _record_completions(session, cohort, [user_id])
    audit.record(
        session,
        recorder.id,
        "attendance.mark",
        meeting,
        cohort_id=cohort.id,
        user_id=user_id,
        status=status.value,
    )


def mark_all_present(session: Session, meeting: Meeting, *, recorder: User) -> int:
    """ "Todos presentes": every member not yet taken is present; states already taken stay. Returns how
    many."""
    pending = {e.member.id or 0: AttendanceStatus.present for e in roll(session, meeting) if e.status is None}
    return _record_many(session, meeting, pending, recorder, "attendance.all_present")


def mark_sheet(session: Session, meeting: Meeting, present_ids: set[int], *, recorder: User) -> int:
    """Enter a paper sheet: the ticked members present, every other member absent. Returns how many attended.

    A member already taken as late (ticked) or excused (not ticked) keeps that state.
    """
    marks = {
        e.member.id or 0: _from_sheet(e.status, e.member.id in present_ids) for e in roll(session, meeting)
    }
    _record_many(session, meeting, marks, recorder, "attendance.sheet")
    return sum(1 for status in marks.values() if status.attended)


def _from_sheet(current: AttendanceStatus | None, ticked: bool) -> AttendanceStatus:
    if ticked:
        return current if current is not None and current.attended else AttendanceStatus.present
    return AttendanceStatus.excused if current == AttendanceStatus.excused else AttendanceStatus.absent


def _record_many(
    session: Session, meeting: Meeting, marks: dict[int, AttendanceStatus], recorder: User, action: str
) -> int:
    cohort = session.get(Cohort, meeting.cohort_id)
    assert cohort is not None
    if marks:
        _record(session, meeting, marks, recorder)
        _record_completions(session, cohort, list(marks))
        audit.record(session, recorder.id, action, meeting, cohort_id=cohort.id, marked=len(marks))
    return len(marks)


def _record(session: Session, meeting: Meeting, marks: dict[int, AttendanceStatus], recorder: User) -> None:
    """Upsert the marks in one statement: set, not toggled, so the last tap wins."""
    now = utcnow()
    statement = insert_for(session, Attendance).values(
        [
            {
                "session_id": meeting.id,
                "user_id": user_id,
                "present": status.attended,
                "status": status.value,
                "recorded_by_id": recorder.id,
                "recorded_at": now,
            }
            for user_id, status in marks.items()
        ]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["session_id", "user_id"],
            set_={
                "present": statement.excluded.present,
                "status": statement.excluded.status,
                "recorded_by_id": recorder.id,
                "recorded_at": now,
            },
        )
    )


def _record_completions(session: Session, cohort: Cohort, user_ids: list[int]) -> None:
    """Attendance may be the last rule an officer needed: record the completion now, not at their next
    click."""
    slugs = [course.course_slug for course in service.courses(session, cohort)]
    for found in session.exec(
        select(Enrollment).where(
            col(Enrollment.user_id).in_(user_ids), col(Enrollment.course_slug).in_(slugs)
        )
    ).all():
        learning.record_completion(session, found)
