"""The instructor's day: their cohorts, and what in them needs doing now (the home page's work queue).

Each count is one grouped query over the cohorts the user may see, except graduates ready to certify,
which need the standing of the trainees whose practicum passed (usually a few).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import BY_NAME, User
from app.cohorts import service
from app.cohorts.grading import marking
from app.cohorts.models import (
    Cohort,
    CohortCourse,
    CohortKind,
    CohortMember,
    Meeting,
    PracticumScore,
    TrainerCertification,
)
from app.cohorts.trainers import practicum
from app.courses import service as course_service
from app.courses.schema import Text
from app.errors import NotFound
from app.learning import completion
from app.learning.models import Enrollment
from app.timeutil import local_today, utcnow

UPCOMING = 5
OVERDUE_SHOWN = 10


@dataclass(frozen=True)
class Overdue:
    cohort: Cohort
    member: User
    course_slug: str
    course_title: Text
    due_on: date


@dataclass(frozen=True)
class Upcoming:
    cohort: Cohort
    meeting: Meeting


@dataclass(frozen=True)
class Day:
    leads: list[Cohort]
    co_trains: list[Cohort]
    overdue: list[Overdue]
    overdue_total: int
    to_grade: int
    practicums: list[tuple[Cohort, int]]  # members without a practicum score yet
    ready: list[tuple[Cohort, int]]  # graduates who meet every rule and are not certified yet
    upcoming: list[Upcoming]

    @property
    def nothing_to_do(self) -> bool:
        return not (self.overdue or self.to_grade or self.practicums or self.ready)


def day(session: Session, user: User) -> Day:
    cohorts = service.cohorts_for(session, user)
    leads = [c for c in cohorts if c.lead_id == user.id]
    co_trains = [c for c in cohorts if c.lead_id != user.id]
    by_id = {c.id or 0: c for c in cohorts}
    overdue = overdue_members(session, by_id)
    return Day(
        leads,
        co_trains,
        overdue[:OVERDUE_SHOWN],
        len(overdue),
        len(marking.pending(session, marking.in_scope(user))),
        _unscored_practicums(session, by_id),
        _ready_to_certify(session, cohorts),
        upcoming_meetings(session, by_id),
    )


def overdue_members(session: Session, cohorts: dict[int, Cohort]) -> list[Overdue]:
    """Members past a due date of one of the cohort's courses without having completed it, oldest first.

    A due date is a day: the query narrows to earlier days, `completion.is_overdue` states the rule.
    """
    today = local_today()
    rows = session.exec(
        select(CohortMember.cohort_id, User, Enrollment)
        .join(User, col(User.id) == CohortMember.user_id)
        .join(Enrollment, col(Enrollment.user_id) == CohortMember.user_id)
        .join(
            CohortCourse,
            (col(CohortCourse.cohort_id) == CohortMember.cohort_id)
            & (col(CohortCourse.course_slug) == Enrollment.course_slug),
        )
        .where(
            col(CohortMember.cohort_id).in_(list(cohorts)),
            col(Enrollment.due_on) < today,
            col(Enrollment.completed_at).is_(None),
        )
        .order_by(col(Enrollment.due_on), *BY_NAME)
    ).all()
    return [
        Overdue(
            cohorts[cohort_id],
            member,
            found.course_slug,
            course_service.course_of(session, found.version_id).manifest.title,
            found.due_on,
        )
        for cohort_id, member, found in rows
        if found.due_on is not None and completion.is_overdue(found.due_on, today)
    ]


def _unscored_practicums(session: Session, cohorts: dict[int, Cohort]) -> list[tuple[Cohort, int]]:
    tot = [i for i, c in cohorts.items() if c.kind == CohortKind.training_of_trainers]
    scored = select(PracticumScore.user_id).where(PracticumScore.cohort_id == CohortMember.cohort_id)
    counts = session.exec(
        select(CohortMember.cohort_id, func.count())
        .where(col(CohortMember.cohort_id).in_(tot), col(CohortMember.user_id).not_in(scored))
        .group_by(col(CohortMember.cohort_id))
    ).all()
    return [(cohorts[cohort_id], count) for cohort_id, count in counts if count]


def _ready_to_certify(session: Session, cohorts: list[Cohort]) -> list[tuple[Cohort, int]]:
    """Trainees with a passing practicum and no certification yet, who meet every other rule too.

    The passed practicum narrows the candidates in one query; only they get the full standing.
    """
    tot = {c.id or 0: c for c in cohorts if c.kind == CohortKind.training_of_trainers}
    certified = select(TrainerCertification.user_id).where(
        TrainerCertification.cohort_id == PracticumScore.cohort_id,
        col(TrainerCertification.revoked_at).is_(None),
    )
    candidates = session.exec(
        select(PracticumScore.cohort_id, PracticumScore.user_id)
        .distinct()
        .where(
            col(PracticumScore.cohort_id).in_(list(tot)),
            col(PracticumScore.passed).is_(True),
            col(PracticumScore.user_id).not_in(certified),
        )
    ).all()
    ready: dict[int, int] = {}
    for cohort_id, user_id in candidates:
        try:
            if practicum.trainee(session, tot[cohort_id], user_id).outcome.complete:
                ready[cohort_id] = ready.get(cohort_id, 0) + 1
        except NotFound:  # no longer a member, or a course without a practicum
            continue
    return [(tot[cohort_id], count) for cohort_id, count in ready.items()]


def upcoming_meetings(session: Session, cohorts: dict[int, Cohort], limit: int = UPCOMING) -> list[Upcoming]:
    meetings = session.exec(
        select(Meeting)
        .where(col(Meeting.cohort_id).in_(list(cohorts)), col(Meeting.starts_at) >= utcnow())
        .order_by(col(Meeting.starts_at))
        .limit(limit)
    ).all()
    return [Upcoming(cohorts[m.cohort_id], m) for m in meetings]


def member_meetings(session: Session, user: User, *, upcoming: bool = True) -> list[Upcoming]:
    """In-person sessions of the cohorts `user` takes part in (the officer's calendar), soonest first."""
    query = (
        select(Cohort, Meeting)
        .join(Meeting, col(Meeting.cohort_id) == Cohort.id)
        .join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
        .where(CohortMember.user_id == user.id)
    )
    if upcoming:
        query = query.where(col(Meeting.starts_at) >= utcnow())
    return [
        Upcoming(cohort, meeting) for cohort, meeting in session.exec(query.order_by(col(Meeting.starts_at)))
    ]
