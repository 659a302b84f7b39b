"""In-person sessions and who attended them: one tap per officer, or a paper sheet entered afterwards."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cohorts import service
from app.cohorts.models import Attendance, Cohort, CohortSession
from app.dbtools import insert_for
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import service as learning
from app.learning.models import Enrollment
from app.timeutil import LOCAL_TZ, utcnow

MAX_HOURS = 12


class InvalidSession(DomainError):
    status_code = 422

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class SessionForm:
    day: str
    start: str
    hours: str
    place: str
    topic: str
    course_slug: str = ""


@dataclass(frozen=True)
class RollEntry:
    member: User
    present: bool | None  # None: not taken yet


def sessions(session: Session, cohort: Cohort) -> list[CohortSession]:
    return list(session.exec(select(CohortSession).where(CohortSession.cohort_id == cohort.id)
                             .order_by(col(CohortSession.starts_at))))


def cohort_session(session: Session, cohort: Cohort, session_id: int) -> CohortSession:
    found = session.get(CohortSession, session_id)
    if found is None or found.cohort_id != cohort.id:
        raise NotFound(N_("No encontramos esta sesión."))
    return found


def add_session(session: Session, cohort: Cohort, form: SessionForm) -> CohortSession:
    """Schedule a session; hours are what attending it counts towards the course's requirement."""
    starts_at = _starts_at(form.day, form.start)
    try:
        hours = float(form.hours.replace(",", "."))
    except ValueError:
        raise InvalidSession("hours", N_("Indique las horas con un número, por ejemplo 3 o 2,5.")) from None
    if not 0 < hours <= MAX_HOURS:
        raise InvalidSession("hours", N_("Una sesión dura entre unos minutos y %(max)s horas."), max=MAX_HOURS)
    slugs = {c.course_slug for c in service.courses(session, cohort)}
    if form.course_slug and form.course_slug not in slugs:
        raise InvalidSession("course_slug", N_("Elija uno de los cursos de la cohorte."))
    created = CohortSession(cohort_id=cohort.id or 0, starts_at=starts_at, hours=round(hours, 2),
                            place=form.place.strip()[:200], topic=form.topic.strip()[:200],
                            course_slug=form.course_slug or None)
    session.add(created)
    session.flush()
    return created


def _starts_at(day: str, start: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(start or "08:00"), tzinfo=LOCAL_TZ)
    except ValueError:
        raise InvalidSession("day", N_("Indique la fecha (AAAA-MM-DD) y la hora (HH:MM) de la sesión.")) from None


def roll(session: Session, meeting: CohortSession) -> list[RollEntry]:
    """Every member of the cohort, with what was recorded for this session."""
    cohort = session.get(Cohort, meeting.cohort_id)
    assert cohort is not None
    taken = {a.user_id: a.present for a in session.exec(select(Attendance).where(Attendance.session_id == meeting.id))}
    return [RollEntry(member, taken.get(member.id or 0)) for member in service.members(session, cohort)]


def mark(session: Session, meeting: CohortSession, user_id: int, present: bool, *, recorder: User) -> None:
    """Record one officer as present or absent; the same tap sent twice (a retry) changes nothing."""
    cohort = session.get(Cohort, meeting.cohort_id)
    if cohort is None or not service.is_member(session, cohort, user_id):
        raise NotFound(N_("Esta persona no participa en la cohorte."))
    _record(session, meeting, {user_id: present}, recorder)
    _record_completions(session, cohort, [user_id])


def mark_sheet(session: Session, meeting: CohortSession, present_ids: set[int], *, recorder: User) -> int:
    """Enter a paper sheet: the ticked members present, every other member absent. Returns how many present."""
    cohort = session.get(Cohort, meeting.cohort_id)
    assert cohort is not None
    marks = {member.id or 0: member.id in present_ids for member in service.members(session, cohort)}
    if marks:
        _record(session, meeting, marks, recorder)
        _record_completions(session, cohort, list(marks))
    return sum(marks.values())


def _record(session: Session, meeting: CohortSession, marks: dict[int, bool], recorder: User) -> None:
    """Upsert the marks in one statement: set, not toggled, so the last tap wins."""
    now = utcnow()
    statement = insert_for(session, Attendance).values([
        {"session_id": meeting.id, "user_id": user_id, "present": present, "recorded_by_id": recorder.id,
         "recorded_at": now} for user_id, present in marks.items()])
    session.execute(statement.on_conflict_do_update(
        index_elements=["session_id", "user_id"],
        set_={"present": statement.excluded.present, "recorded_by_id": recorder.id, "recorded_at": now}))


def _record_completions(session: Session, cohort: Cohort, user_ids: list[int]) -> None:
    """Attendance may be the last rule an officer needed: record the completion now, not at their next click."""
    slugs = [course.course_slug for course in service.courses(session, cohort)]
    for found in session.exec(select(Enrollment).where(col(Enrollment.user_id).in_(user_ids),
                                                       col(Enrollment.course_slug).in_(slugs))).all():
        learning.record_completion(session, found)
