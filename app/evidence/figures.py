"""The rows a report is made of, loaded in a handful of bulk queries whatever the number of cohorts.

Which cohorts count: those of the department (or of the whole country) whose start date falls in
the period. Every query below is limited to them through a subquery, never a list of ids per row.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cascade import service as cascade_service
from app.certificates.models import Certificate
from app.cohorts.models import (
    Attendance,
    Cohort,
    CohortCourse,
    CohortMember,
    CoTrainer,
    Meeting,
    TrainerCertification,
)
from app.courses import evaluation
from app.courses import service as course_service
from app.evidence.gain import Scores
from app.evidence.models import DepartmentHeadcount
from app.learning.models import Enrollment
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import LOCAL_TZ

ACTIVE_WINDOW = timedelta(days=183)  # "led a session in the last 6 months"
BATCH = 1000  # rows fetched at once from a large result


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
    members: list[tuple[int, int, str | None]]  # cohort, user, sex; earliest cohort first
    cohort_courses: list[tuple[int, str]]
    forms: dict[str, dict[int, Scores]]  # course with a pre/post evaluation -> user -> their forms
    meeting_hours: dict[int, float]  # cohort -> hours of its meetings (in-person sessions)
    attended_hours: dict[int, float]  # cohort -> hours x officers present
    completions: dict[str, int]  # course -> officers of the cohorts teaching it who completed it
    certificates: dict[int, int]  # cohort -> certificates issued and not revoked
    trainers: list[Trainer]
    courses: dict[str, CourseFacts]
    headcounts: dict[str, int]


def load(session: Session, department: str | None, period: Period, today: date) -> Rows:
    """Every row the report of `department` (None: the country) for `period` is computed from."""
    generations = cascade_service.generations(session)
    chosen = _filter(
        select(Cohort.id, Cohort.name, Cohort.department, Cohort.kind, Cohort.starts_on), department, period
    )
    cohorts = {
        r[0]: CohortFacts(r[0], r[1], r[2], str(r[3]), r[4], generations.get(r[0], 1))
        for r in _rows(session, chosen)
    }
    ids = select(chosen.subquery().c.id)
    everyone = department is None and period == Period()
    courses = _courses(session)
    return Rows(
        cohorts=cohorts,
        members=_members(session, department, period),
        cohort_courses=_tuples(
            session, select(CohortCourse.cohort_id, CohortCourse.course_slug).where(_in(CohortCourse, ids))
        ),
        forms=_forms(session, None if everyone else ids, courses),
        meeting_hours=_sums(session, _hours(ids).group_by(Meeting.cohort_id)),
        attended_hours=_sums(
            session,
            _hours(ids)
            .join(Attendance, col(Attendance.session_id) == Meeting.id)
            .where(col(Attendance.present))
            .group_by(Meeting.cohort_id),
        ),
        completions=_completions(session, department, period),
        certificates=_counts(
            session,
            select(Certificate.cohort_id, func.count())
            .where(_in(Certificate, ids), col(Certificate.revoked_at).is_(None))
            .group_by(col(Certificate.cohort_id)),
        ),
        trainers=_trainers(session, ids, generations, cohorts, today),
        courses=courses,
        headcounts=_counts(session, select(DepartmentHeadcount.department, DepartmentHeadcount.officers)),
    )


def _rows(session: Session, query: Any) -> list[Any]:
    return list(session.connection().execute(query).all())


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


def _in(table: Any, ids: Any) -> Any:
    return col(table.cohort_id).in_(ids)


def _tuples(session: Session, query: Any) -> list[Any]:
    """The rows as plain tuples, read a batch at a time. 20,000 rows kept as SQLAlchemy Rows stay
    tracked by the garbage collector and set off a full collection of the whole process in every
    report; a tuple of numbers and text is untracked at its first collection."""
    return [tuple(row) for row in _batches(session, query)]


def _batches(session: Session, query: Any) -> Iterator[Any]:
    for batch in session.connection().execute(query).partitions(BATCH):
        yield from batch


def _sums(session: Session, query: Any) -> dict[int, float]:
    return {key: float(value or 0) for key, value in _rows(session, query)}


def _counts(session: Session, query: Any) -> dict[Any, int]:
    return {key: int(value) for key, value in _rows(session, query)}


def _hours(ids: Any) -> Any:
    return select(Meeting.cohort_id, func.sum(Meeting.hours)).where(_in(Meeting, ids))


def _members(session: Session, department: str | None, period: Period) -> list[Any]:
    """Memberships of the counted cohorts, the earliest cohort first. Joined to the filtered cohorts
    (SQLite plans a join far better than IN over a subquery of a subquery), the sex read as text
    (no Enum conversion for each of 20,000 rows)."""
    query = (
        select(CohortMember.cohort_id, CohortMember.user_id, cast(User.sex, String))
        .join(Cohort, col(Cohort.id) == CohortMember.cohort_id)
        .join(User, col(User.id) == CohortMember.user_id)
        .order_by(col(Cohort.starts_on), col(Cohort.id))
    )
    return _tuples(session, _filter(query, department, period))


def _forms(
    session: Session, ids: Any | None, courses: dict[str, CourseFacts]
) -> dict[str, dict[int, Scores]]:
    """The finished pre-test and post-test percents of the members of the chosen cohorts, per course
    with an evaluation and officer (every officer's, for the whole country over all time: then every
    attempt belongs to a member). A form allows one attempt, so MAX picks the only one."""

    def percent(quiz_id: str) -> Any:
        return func.max(case((col(QuizAttempt.quiz_id) == quiz_id, QuizAttempt.percent)))

    query = (
        select(
            QuizAttempt.course_slug,
            QuizAttempt.user_id,
            percent(evaluation.PRE_TEST),
            percent(evaluation.POST_TEST),
        )
        .where(
            col(QuizAttempt.quiz_id).in_(evaluation.FORM_IDS),
            col(QuizAttempt.state) == AttemptState.finished,
            col(QuizAttempt.percent).is_not(None),
        )
        .group_by(col(QuizAttempt.course_slug), col(QuizAttempt.user_id))
    )
    if ids is not None:
        query = query.where(
            col(QuizAttempt.user_id).in_(select(CohortMember.user_id).where(_in(CohortMember, ids)))
        )
    # One plain tuple per officer and course (see _tuples), never a Row or a Result kept.
    found: dict[str, dict[int, Scores]] = {
        slug: {} for slug, course in courses.items() if course.mastery is not None
    }
    for slug, user, pre, post in _batches(session, query):
        if slug in found:
            found[slug][user] = (pre, post, courses[slug].mastery or 0)
    return found


def _completions(session: Session, department: str | None, period: Period) -> dict[str, int]:
    """Per course, the officers of the counted cohorts teaching it who completed it (once each, even
    when two of their cohorts teach it)."""
    query = (
        select(CohortCourse.course_slug, func.count(func.distinct(CohortMember.user_id)))
        .select_from(CohortMember)
        .join(Cohort, col(Cohort.id) == CohortMember.cohort_id)
        .join(CohortCourse, col(CohortCourse.cohort_id) == CohortMember.cohort_id)
        .join(
            Enrollment,
            and_(
                col(Enrollment.user_id) == CohortMember.user_id,
                col(Enrollment.course_slug) == CohortCourse.course_slug,
            ),
        )
        .where(col(Enrollment.completed_at).is_not(None))
        .group_by(CohortCourse.course_slug)
    )
    return _counts(session, _filter(query, department, period))


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
        .join(Meeting, col(Meeting.cohort_id) == Cohort.id)
        .outerjoin(CoTrainer, col(CoTrainer.cohort_id) == Cohort.id)
        .where(
            col(Meeting.starts_at) >= since,
            col(Meeting.starts_at) < until,
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
    for _, course in course_service.published_courses(session):
        mastery = course.evaluation.mastery if course.evaluation else None
        found[course.slug] = CourseFacts(course.manifest.title, course.manifest.hours, mastery)
    return found
