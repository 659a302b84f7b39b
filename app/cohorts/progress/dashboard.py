"""The cohort progress dashboard as plain data: a row per officer, computed in a fixed number of queries.

Each row is judged by the same rules as the officer's own course page (`learning.completion`
over `Facts`), so instructor and officer see the same percent and the same verdict. The page,
its htmx fragment and the CSV export all come from `build`.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Integer, String, bindparam, func, or_
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cohorts import service as cohort_service
from app.cohorts.models import Attendance, Cohort, CohortCourse, CohortMember, Meeting, PracticumScore
from app.courses import catalog, schema
from app.courses import service as course_service
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import completion
from app.learning.models import Enrollment, ItemProgress
from app.names import folded
from app.quizzes import grading
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import local, utcnow


class InvalidSort(DomainError):
    status_code = 422


@dataclass(frozen=True)
class ModuleColumn:
    id: str
    title: schema.Text
    item_ids: tuple[str, ...]  # its required lessons and cases


@dataclass(frozen=True)
class QuizColumn:
    id: str
    title: schema.Text
    pass_mark: float
    required: bool


@dataclass(frozen=True)
class QuizCell:
    grade: float | None  # the final grade by the quiz's grading method; None before any graded attempt
    passed: bool
    attempts: int  # finished attempts
    pending: int  # finished attempts whose open responses wait for an instructor


@dataclass(frozen=True)
class Row:
    user_id: int
    name: str
    username: str
    enrolled: bool
    read: tuple[int, ...]  # per module column: how many of its required lessons and cases are read
    quizzes: tuple[QuizCell, ...]  # per quiz column
    hours: float  # attendance hours counted for this course (all the officer's cohorts)
    practicum_passed: bool
    percent: int
    complete: bool
    completed_at: datetime | None
    due_on: date | None
    overdue: bool

    @property
    def status(self) -> str:
        """complete, overdue, in_progress, not_started or not_enrolled (shown in words, not colour)."""
        if not self.enrolled:
            return "not_enrolled"
        if self.complete:
            return "complete"
        if self.overdue:
            return "overdue"
        return "in_progress" if self.percent or any(q.attempts for q in self.quizzes) else "not_started"


@dataclass(frozen=True)
class Dashboard:
    cohort: Cohort
    course: catalog.Course  # the published version: it names the columns
    modules: tuple[ModuleColumn, ...]
    quizzes: tuple[QuizColumn, ...]
    hours_required: float
    practicum: bool
    rows: list[Row]
    sort: str


class _Member(NamedTuple):
    id: int
    full_name: str
    username: str


class _Enrolled(NamedTuple):
    id: int
    user_id: int
    version_id: int
    due_on: date | None
    completed_at: datetime | None


# Plain column tuples, not ORM objects: building hundreds of entities costs more than the queries.
Percents = dict[str, list[float | None]]  # quiz id -> percents of the finished attempts, in the order made


@dataclass(frozen=True)
class _Bulk:
    """Everything about the cohort's members in one course, each loaded by a single query."""

    enrollments: dict[int, _Enrolled]
    done: dict[int, frozenset[str]]  # enrollment id -> item ids read
    attempts: dict[int, Percents]  # by user id
    hours: dict[int, float]
    practicum: set[int]


def course_slugs(session: Session, cohort: Cohort) -> list[str]:
    return [c.course_slug for c in cohort_service.courses(session, cohort)]


def build(
    session: Session, cohort: Cohort, course_slug: str, *, sort: str = "name", now: datetime | None = None
) -> Dashboard:
    """The dashboard of one of the cohort's courses, rows ordered by `sort`."""
    if course_slug not in course_slugs(session, cohort):
        raise NotFound(N_("No encontramos esta página."))
    version, course = course_service.published(session, course_slug)
    modules, quizzes = _columns(course)
    sort_value = sort_key(sort, quizzes)
    bulk = _load(session, cohort, course_slug, course.manifest.completion.practicum)
    versions: dict[int, catalog.Course] = {version.id or 0: course}

    def course_of(version_id: int) -> catalog.Course:
        if version_id not in versions:
            versions[version_id] = course_service.course_of(session, version_id)
        return versions[version_id]

    moment = now or utcnow()
    rows = [_row(member, bulk, course_of, modules, quizzes, moment) for member in _members(session, cohort)]
    rules = course.manifest.completion
    return Dashboard(
        cohort,
        course,
        modules,
        quizzes,
        rules.attendance_hours,
        rules.practicum,
        sort_rows(rows, sort, sort_value),
        sort,
    )


def _columns(course: catalog.Course) -> tuple[tuple[ModuleColumn, ...], tuple[QuizColumn, ...]]:
    modules = tuple(
        ModuleColumn(m.id, m.title, tuple(i.id for i in m.items if i.required and i.kind != "quiz"))
        for m in course.modules
    )
    quizzes = tuple(
        QuizColumn(i.id, i.title, i.quiz.pass_mark, i.required) for i in course.items() if i.quiz is not None
    )
    return modules, quizzes


# The bulk queries, built once: bound parameters keep SQLAlchemy's compiled-statement cache warm
# and spare each request the cost of constructing the expressions.
_COHORT, _SLUG = bindparam("cohort_id", type_=Integer), bindparam("slug", type_=String)
_IN_COHORT = select(CohortMember.user_id).where(col(CohortMember.cohort_id) == _COHORT).correlate(None)
_MEMBERS = (
    select(User.id, User.full_name, User.username)
    .join(CohortMember, col(CohortMember.user_id) == User.id)
    .where(col(CohortMember.cohort_id) == _COHORT)
)
_ENROLLMENTS = select(
    Enrollment.id, Enrollment.user_id, Enrollment.version_id, Enrollment.due_on, Enrollment.completed_at
).where(col(Enrollment.course_slug) == _SLUG, col(Enrollment.user_id).in_(_IN_COHORT))
_ITEMS_READ = (
    select(ItemProgress.enrollment_id, ItemProgress.item_id)
    .join(Enrollment, col(Enrollment.id) == ItemProgress.enrollment_id)
    .where(col(Enrollment.course_slug) == _SLUG, col(Enrollment.user_id).in_(_IN_COHORT))
)
_ATTEMPTS = (
    select(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.percent)
    .where(
        col(QuizAttempt.course_slug) == _SLUG,
        col(QuizAttempt.state) == AttemptState.finished,
        col(QuizAttempt.user_id).in_(_IN_COHORT),
    )
    .order_by(col(QuizAttempt.user_id), col(QuizAttempt.number))
)
_PRACTICUMS = (
    select(PracticumScore.user_id)
    .distinct()
    .where(
        col(PracticumScore.course_slug) == _SLUG,
        col(PracticumScore.passed).is_(True),
        col(PracticumScore.user_id).in_(_IN_COHORT),
    )
)
# `learning.cohort_facts.attendance_hours` for every member at once: hours present at sessions of any of
# the officer's cohorts with this course; a session tied to another course does not count.
_HOURS = (
    select(Attendance.user_id, func.sum(Meeting.hours))
    .join(Meeting, col(Meeting.id) == Attendance.session_id)
    .join(
        CohortMember,
        (col(CohortMember.cohort_id) == Meeting.cohort_id)
        & (col(CohortMember.user_id) == Attendance.user_id),
    )
    .join(
        CohortCourse,
        (col(CohortCourse.cohort_id) == Meeting.cohort_id) & (col(CohortCourse.course_slug) == _SLUG),
    )
    .where(
        col(Attendance.present).is_(True),
        col(Attendance.user_id).in_(_IN_COHORT),
        or_(col(Meeting.course_slug).is_(None), col(Meeting.course_slug) == _SLUG),
    )
    .group_by(col(Attendance.user_id))
)


def _members(session: Session, cohort: Cohort) -> list[_Member]:
    return [_Member(*row) for row in session.exec(_MEMBERS, params={"cohort_id": cohort.id})]


def _load(session: Session, cohort: Cohort, slug: str, practicum: bool) -> _Bulk:
    params = {"cohort_id": cohort.id, "slug": slug}
    found = map(_Enrolled._make, session.exec(_ENROLLMENTS, params=params))
    enrollments = {row.user_id: row for row in found}
    done: dict[int, set[str]] = defaultdict(set)
    for enrollment_id, item_id in session.exec(_ITEMS_READ, params=params):
        done[enrollment_id].add(item_id)
    attempts: dict[int, Percents] = defaultdict(lambda: defaultdict(list))
    for user_id, quiz_id, percent in session.exec(_ATTEMPTS, params=params):
        attempts[user_id][quiz_id].append(percent)
    passed = set(session.exec(_PRACTICUMS, params=params)) if practicum else set()
    hours = {user_id: float(total or 0) for user_id, total in session.exec(_HOURS, params=params)}
    return _Bulk(enrollments, {k: frozenset(v) for k, v in done.items()}, attempts, hours, passed)


def _grades(course: catalog.Course, attempts: Percents) -> dict[str, tuple[float | None, bool]]:
    """Final grade and pass per quiz, as `learning.service.passed_quizzes` judges them."""
    found = {}
    for item in course.items():
        if item.quiz is not None:
            percents = [p for p in attempts.get(item.id, ()) if p is not None]
            grade = grading.final_grade(item.quiz.grading, percents)
            found[item.id] = (grade, grading.passed(grade, item.quiz.pass_mark))
    return found


def _row(
    member: _Member,
    bulk: _Bulk,
    course_of: Callable[[int], catalog.Course],
    modules: Sequence[ModuleColumn],
    quizzes: Sequence[QuizColumn],
    now: datetime,
) -> Row:
    enrollment = bulk.enrollments.get(member.id)
    hours = bulk.hours.get(member.id, 0.0)
    if enrollment is None:
        empty = tuple(QuizCell(None, False, 0, 0) for _ in quizzes)
        return Row(
            member.id,
            member.full_name,
            member.username,
            False,
            tuple(0 for _ in modules),
            empty,
            hours,
            False,
            0,
            False,
            None,
            None,
            False,
        )
    course = course_of(enrollment.version_id)
    attempts = bulk.attempts.get(member.id, {})
    grades = _grades(course, attempts)
    facts = _facts(course, enrollment, bulk, grades)
    complete = enrollment.completed_at is not None or completion.evaluate(course, facts).complete
    overdue = not complete and completion.is_overdue(enrollment.due_on, local(now).date())
    cells = tuple(_quiz_cell(grades.get(q.id, (None, False)), attempts.get(q.id, [])) for q in quizzes)
    read = tuple(sum(1 for i in m.item_ids if i in facts.items_done) for m in modules)
    return Row(
        member.id,
        member.full_name,
        member.username,
        True,
        read,
        cells,
        hours,
        member.id in bulk.practicum,
        completion.percent_done(course, facts),
        complete,
        enrollment.completed_at,
        enrollment.due_on,
        overdue,
    )


def _facts(
    course: catalog.Course, enrollment: _Enrolled, bulk: _Bulk, grades: dict[str, tuple[float | None, bool]]
) -> completion.Facts:
    """The Facts `learning.service.facts` would build, from the bulk-loaded rows."""
    rules = course.manifest.completion
    return completion.Facts(
        items_done=bulk.done.get(enrollment.id, frozenset()),
        quizzes_passed=frozenset(qid for qid, (_, passed) in grades.items() if passed),
        attendance_hours=bulk.hours.get(enrollment.user_id, 0.0) if rules.attendance_hours else 0,
        practicum_passed=rules.practicum and enrollment.user_id in bulk.practicum,
    )


def _quiz_cell(grade: tuple[float | None, bool], percents: list[float | None]) -> QuizCell:
    return QuizCell(grade[0], grade[1], len(percents), sum(1 for p in percents if p is None))


# --- sorting ---------------------------------------------------------------------------------


def sort_key(sort: str, quizzes: Sequence[QuizColumn]) -> Callable[[Row], object]:
    """The value a row is ordered by: name, percent, hours, overdue or quiz:<quiz id>, a leading "-"
    reversing; InvalidSort (422) for a key the page does not offer."""
    key = sort.removeprefix("-")
    if key == "name":
        return lambda row: folded(row.name)
    if key == "percent":
        return lambda row: row.percent
    if key == "hours":
        return lambda row: row.hours
    if key == "overdue":  # overdue first, then unfinished, then complete
        return lambda row: 0 if row.overdue else 2 if row.complete else 1
    index = next((i for i, q in enumerate(quizzes) if key == f"quiz:{q.id}"), None)
    if index is None:
        raise InvalidSort(N_("No se puede ordenar por esa columna. Elija una columna de la tabla."))
    return lambda row: row.quizzes[index].grade


def sort_rows(rows: list[Row], sort: str, value: Callable[[Row], object]) -> list[Row]:
    """Rows by `value` (reversed for "-key"), ties by name; rows without a value last either way."""
    by_name = sorted(rows, key=lambda row: (folded(row.name), row.user_id))
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    present.sort(key=value, reverse=sort.startswith("-"))  # type: ignore[arg-type]  # stable: ties keep name order
    return present + missing


# --- chart data --------------------------------------------------------------------------------


def completion_series(dashboard: Dashboard, today: date) -> list[tuple[date, int]]:
    """Cumulative completions per day from the cohort's start to its end (or the last late
    completion), never past today; completions before the start count on its first day."""
    finished = sorted(local(row.completed_at).date() for row in dashboard.rows if row.completed_at)
    start = dashboard.cohort.starts_on
    end = min(max([dashboard.cohort.ends_on, *finished[-1:]]), today)
    series, count, n = [], 0, 0
    for offset in range((end - start).days + 1):
        current = start + timedelta(days=offset)
        while n < len(finished) and finished[n] <= current:
            count, n = count + 1, n + 1
        series.append((current, count))
    return series


def final_grades(dashboard: Dashboard, quiz_id: str) -> list[float]:
    index = next(i for i, q in enumerate(dashboard.quizzes) if q.id == quiz_id)
    return [grade for row in dashboard.rows if (grade := row.quizzes[index].grade) is not None]
