"""The rows a report is made of, loaded in a handful of bulk queries whatever the number of cohorts.

Which cohorts count: those of the department (or of the whole country) whose start date falls in
the period. Every query below is limited to them through a subquery, never a list of ids per row.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cascade import service as cascade_service
from app.certificates.models import Certificate
from app.cohorts.models import (
    Attendance,
    Cohort,
    CohortCourse,
    CohortMember,
    CohortSession,
    CoTrainer,
    TrainerCertification,
)
from app.courses import evaluation
from app.courses import service as course_service
from app.evidence.models import DepartmentHeadcount
from app.learning.models import Enrollment
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import LOCAL_TZ

ACTIVE_WINDOW = timedelta(days=183)  # "led a session in the last 6 months"


@dataclass(frozen=True)
class Period:
    """Cohorts that started from `start` to `end`, both included; None leaves that side open."""

    start: date | None = None
    end: date | None = None
    cohort_id: int | None = None  # one cohort only (its own page)


@dataclass(frozen=True)
class CohortFacts:
    id: int
    name: str
    department: str
    kind: str
    starts_on: date
    generation: int


@dataclass(frozen=True)
class CourseFacts:
    title: Any  # schema.Text
    hours: float
    mastery: float | None  # None: the course has no pre-test and post-test


@dataclass(frozen=True)
class Trainer:
    user_id: int
    department: str  # of the cohort that certified them
    generation: int  # of the cohort that certified them
    led_ever: bool
    led_recently: bool


@dataclass
class Rows:
    cohorts: dict[int, CohortFacts]
    members: list[tuple[int, int, str | None]]  # cohort, user, sex
    cohort_courses: list[tuple[int, str]]
    forms: dict[tuple[int, str], dict[str, float]]  # (user, course) -> {"pre-test": %, "post-test": %}
    session_hours: dict[int, float]  # cohort -> hours of its in-person sessions
    attended_hours: dict[int, float]  # cohort -> hours x officers present
    completions: dict[tuple[int, str], int]  # (cohort, course) -> members who completed the course
    certificates: dict[int, int]  # cohort -> certificates issued and not revoked
    trainers: list[Trainer]
    courses: dict[str, CourseFacts]
    headcounts: dict[str, int]


def load(session: Session, department: str | None, period: Period, today: date) -> Rows:
    """Every row the report of `department` (None: the country) for `period` is computed from."""
    generations = cascade_service.generations(session)
    chosen = _cohorts(department, period)
    cohorts = {
        r[0]: CohortFacts(r[0], r[1], r[2], str(r[3]), r[4], generations.get(r[0], 1))
        for r in _rows(session, chosen)
    }
    ids = select(chosen.subquery().c.id)
    # Joined to the filtered cohorts (SQLite plans a join far better than IN over a subquery of a
    # subquery), the sex read as text (no Enum conversion for each of 20,000 rows).
    members = [
        tuple(r)
        for r in _rows(
            session,
            _filter(
                select(CohortMember.cohort_id, CohortMember.user_id, cast(User.sex, String))
                .join(Cohort, col(Cohort.id) == CohortMember.cohort_id)
                .join(User, col(User.id) == CohortMember.user_id),
                department,
                period,
            ),
        )
    ]
    cohort_courses = [
        tuple(r)
        for r in _rows(
            session,
            select(CohortCourse.cohort_id, CohortCourse.course_slug).where(
                col(CohortCourse.cohort_id).in_(ids)
            ),
        )
    ]
    return Rows(
        cohorts=cohorts,
        members=members,  # type: ignore[arg-type]
        cohort_courses=cohort_courses,  # type: ignore[arg-type]
        forms=_forms(session, ids, None if department is None and period == Period() else members),
        session_hours=_sums(
            session,
            select(CohortSession.cohort_id, func.sum(CohortSession.hours))
            .where(col(CohortSession.cohort_id).in_(ids))
            .group_by(CohortSession.cohort_id),
        ),
        attended_hours=_sums(
            session,
            select(CohortSession.cohort_id, func.sum(CohortSession.hours))
            .join(Attendance, col(Attendance.session_id) == CohortSession.id)
            .where(col(CohortSession.cohort_id).in_(ids), col(Attendance.present))
            .group_by(CohortSession.cohort_id),
        ),
        completions=_completions(session, ids, members, cohort_courses),  # type: ignore[arg-type]
        certificates={
            r[0]: r[1]
            for r in _rows(
                session,
                select(Certificate.cohort_id, func.count())
                .where(col(Certificate.cohort_id).in_(ids), col(Certificate.revoked_at).is_(None))
                .group_by(Certificate.cohort_id),
            )
        },
        trainers=_trainers(session, ids, generations, cohorts, today),
        courses=_courses(session),
        headcounts={
            r[0]: r[1]
            for r in _rows(session, select(DepartmentHeadcount.department, DepartmentHeadcount.officers))
        },
    )


def _rows(session: Session, query: Any) -> list[Any]:
    return session.connection().execute(query).all()


def _cohorts(department: str | None, period: Period) -> Any:
    return _filter(
        select(Cohort.id, Cohort.name, Cohort.department, Cohort.kind, Cohort.starts_on), department, period
    )


def _filter(query: Any, department: str | None, period: Period) -> Any:
    """`query` (which selects from or joins `cohort`) limited to the cohorts counted."""
    if department is not None:
        query = query.where(Cohort.department == department)
    if period.start is not None:
        query = query.where(col(Cohort.starts_on) >= period.start)
    if period.end is not None:
        query = query.where(col(Cohort.starts_on) <= period.end)
    if period.cohort_id is not None:
        query = query.where(Cohort.id == period.cohort_id)
    return query


def _sums(session: Session, query: Any) -> dict[int, float]:
    return {key: float(value or 0) for key, value in _rows(session, query)}


def _forms(session: Session, ids: Any, members: list[Any] | None) -> dict[tuple[int, str], dict[str, float]]:
    """The finished pre-test and post-test percents of the members of the chosen cohorts (every
    officer's, for the whole country over all time: then every attempt belongs to a member)."""
    query = select(
        QuizAttempt.user_id, QuizAttempt.course_slug, QuizAttempt.quiz_id, QuizAttempt.percent
    ).where(
        col(QuizAttempt.quiz_id).in_(evaluation.FORM_IDS),
        QuizAttempt.state == AttemptState.finished,
        col(QuizAttempt.percent).is_not(None),
    )
    if members is not None:
        query = query.where(
            col(QuizAttempt.user_id).in_(
                select(CohortMember.user_id).where(col(CohortMember.cohort_id).in_(ids))
            )
        )
    found: dict[tuple[int, str], dict[str, float]] = {}
    for user_id, slug, quiz_id, percent in _rows(session, query):
        found.setdefault((user_id, slug), {})[quiz_id] = float(percent)
    return found


def _completions(
    session: Session,
    ids: Any,
    members: list[tuple[int, int, str | None]],
    cohort_courses: list[tuple[int, str]],
) -> dict[tuple[int, str], int]:
    """Members who completed each cohort's courses, counted here from one list of completed enrolments
    (a join of enrolments to memberships makes SQLite pick a plan thousands of times slower)."""
    people = select(CohortMember.user_id).where(col(CohortMember.cohort_id).in_(ids))
    done = {
        (u, slug)
        for u, slug in _rows(
            session,
            select(Enrollment.user_id, Enrollment.course_slug).where(
                col(Enrollment.completed_at).is_not(None), col(Enrollment.user_id).in_(people)
            ),
        )
    }
    courses: dict[int, list[str]] = {}
    for cohort_id, slug in cohort_courses:
        courses.setdefault(cohort_id, []).append(slug)
    found: dict[tuple[int, str], int] = {}
    for cohort_id, user_id, _ in members:
        for slug in courses.get(cohort_id, ()):
            if (user_id, slug) in done:
                found[(cohort_id, slug)] = found.get((cohort_id, slug), 0) + 1
    return found


def _trainers(
    session: Session, ids: Any, generations: dict[int, int], cohorts: dict[int, CohortFacts], today: date
) -> list[Trainer]:
    """Trainers certified (not revoked) in the chosen cohorts: whether they ever led one, and lately."""
    certified = _rows(
        session,
        select(TrainerCertification.user_id, TrainerCertification.cohort_id).where(
            col(TrainerCertification.cohort_id).in_(ids), col(TrainerCertification.revoked_at).is_(None)
        ),
    )
    people = select(TrainerCertification.user_id).where(col(TrainerCertification.cohort_id).in_(ids))
    led = {r[0] for r in _rows(session, select(Cohort.lead_id).where(col(Cohort.lead_id).in_(people)))}
    since = datetime.combine(today - ACTIVE_WINDOW, time(), tzinfo=LOCAL_TZ).astimezone(UTC)
    until = datetime.combine(today + timedelta(days=1), time(), tzinfo=LOCAL_TZ).astimezone(UTC)
    recent = (
        select(Cohort.lead_id, CoTrainer.user_id)
        .join(CohortSession, col(CohortSession.cohort_id) == Cohort.id)
        .outerjoin(CoTrainer, col(CoTrainer.cohort_id) == Cohort.id)
        .where(
            col(CohortSession.starts_at) >= since,
            col(CohortSession.starts_at) < until,
            or_(col(Cohort.lead_id).in_(people), col(CoTrainer.user_id).in_(people)),
        )
    )
    active = {uid for row in _rows(session, recent) for uid in row if uid is not None}
    best: dict[int, Trainer] = {}
    for user_id, cohort_id in sorted(certified, key=lambda r: generations.get(r[1], 1)):
        if user_id not in best:  # a trainer certified twice counts once, in their first generation
            best[user_id] = Trainer(
                user_id,
                cohorts[cohort_id].department,
                generations.get(cohort_id, 1),
                user_id in led,
                user_id in active,
            )
    return list(best.values())


def _courses(session: Session) -> dict[str, CourseFacts]:
    found = {}
    for version in course_service.published_versions(session):
        course = course_service.course_of(session, version.id or 0)
        mastery = course.evaluation.mastery if course.evaluation else None
        found[course.slug] = CourseFacts(course.manifest.title, course.manifest.hours, mastery)
    return found
