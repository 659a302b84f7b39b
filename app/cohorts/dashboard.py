"""The cohort progress dashboard as plain data: a row per officer, computed in a fixed number of queries.

Each row is judged by the same rules as the officer's own course page (`learning.completion`
over `Facts`), so instructor and officer see the same percent and the same verdict. The page,
its htmx fragment and the CSV export all come from `build`.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app import i18n
from app.accounts.models import User
from app.cohorts import service as cohort_service
from app.cohorts.models import Attendance, Cohort, CohortCourse, CohortMember, CohortSession, PracticumScore
from app.courses import catalog, schema
from app.courses import service as course_service
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import completion
from app.learning.models import Enrollment, ItemProgress
from app.quizzes import grading
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import local, utcnow

SORT_KEYS = ("name", "percent", "hours", "overdue")  # and "quiz:<quiz id>"; a leading "-" reverses


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
    due_at: datetime | None
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


@dataclass(frozen=True)
class _Bulk:
    """Everything about the cohort's members in one course, each loaded by a single query."""

    enrollments: dict[int, Enrollment]
    done: dict[int, frozenset[str]]  # enrollment id -> item ids read
    attempts: dict[int, list[QuizAttempt]]  # user id -> finished attempts in the order made
    hours: dict[int, float]
    practicum: set[int]


def course_slugs(session: Session, cohort: Cohort) -> list[str]:
    return [c.course_slug for c in cohort_service.courses(session, cohort)]


def build(session: Session, cohort: Cohort, course_slug: str, *, sort: str = "name",
          now: datetime | None = None) -> Dashboard:
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
    rows = [_row(member, bulk, course_of, modules, quizzes, moment)
            for member in cohort_service.members(session, cohort)]
    rules = course.manifest.completion
    return Dashboard(cohort, course, modules, quizzes, rules.attendance_hours, rules.practicum,
                     sort_rows(rows, sort, sort_value), sort)


def _columns(course: catalog.Course) -> tuple[tuple[ModuleColumn, ...], tuple[QuizColumn, ...]]:
    modules = tuple(ModuleColumn(m.id, m.title,
                                 tuple(i.id for i in m.items if i.required and i.kind != "quiz"))
                    for m in course.modules)
    quizzes = tuple(QuizColumn(i.id, i.title, i.quiz.pass_mark, i.required)
                    for i in course.items() if i.quiz is not None)
    return modules, quizzes


def _load(session: Session, cohort: Cohort, slug: str, practicum: bool) -> _Bulk:
    in_cohort = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    enrollments = {e.user_id: e for e in session.exec(
        select(Enrollment).where(Enrollment.course_slug == slug, col(Enrollment.user_id).in_(in_cohort)))}
    done: dict[int, set[str]] = defaultdict(set)
    for enrollment_id, item_id in session.exec(
            select(ItemProgress.enrollment_id, ItemProgress.item_id)
            .join(Enrollment, col(Enrollment.id) == ItemProgress.enrollment_id)
            .where(Enrollment.course_slug == slug, col(Enrollment.user_id).in_(in_cohort))):
        done[enrollment_id].add(item_id)
    attempts: dict[int, list[QuizAttempt]] = defaultdict(list)
    for attempt in session.exec(
            select(QuizAttempt).where(QuizAttempt.course_slug == slug,
                                      QuizAttempt.state == AttemptState.finished,
                                      col(QuizAttempt.user_id).in_(in_cohort))
            .order_by(col(QuizAttempt.user_id), col(QuizAttempt.number))):
        attempts[attempt.user_id].append(attempt)
    passed = set(session.exec(select(PracticumScore.user_id).where(
        PracticumScore.course_slug == slug, col(PracticumScore.passed).is_(True),
        col(PracticumScore.user_id).in_(in_cohort)).distinct())) if practicum else set()
    return _Bulk(enrollments, {k: frozenset(v) for k, v in done.items()}, attempts,
                 _attendance_hours(session, cohort, slug), passed)


def _attendance_hours(session: Session, cohort: Cohort, slug: str) -> dict[int, float]:
    """`cohorts.facts.attendance_hours` for every member at once: hours present at sessions of any
    of the officer's cohorts with this course, a session tied to another course not counting."""
    member, ours = aliased(CohortMember), aliased(CohortMember)
    rows = session.exec(
        select(Attendance.user_id, func.sum(CohortSession.hours))
        .join(CohortSession, col(CohortSession.id) == Attendance.session_id)
        .join(member, (member.cohort_id == CohortSession.cohort_id) & (member.user_id == Attendance.user_id))
        .join(CohortCourse, (col(CohortCourse.cohort_id) == CohortSession.cohort_id)
              & (col(CohortCourse.course_slug) == slug))
        .join(ours, (ours.user_id == Attendance.user_id) & (ours.cohort_id == cohort.id))
        .where(col(Attendance.present).is_(True),
               or_(col(CohortSession.course_slug).is_(None), CohortSession.course_slug == slug))
        .group_by(Attendance.user_id))
    return {user_id: float(hours or 0) for user_id, hours in rows}


def _grades(course: catalog.Course, attempts: Sequence[QuizAttempt]) -> dict[str, tuple[float | None, bool]]:
    """Final grade and pass per quiz, as `learning.service.passed_quizzes` judges them."""
    found = {}
    for item in course.items():
        if item.quiz is not None:
            percents = [a.percent for a in attempts if a.quiz_id == item.id and a.percent is not None]
            grade = grading.final_grade(item.quiz.grading, percents)
            found[item.id] = (grade, grading.passed(grade, item.quiz.pass_mark))
    return found


def _row(member: User, bulk: _Bulk, course_of: Callable[[int], catalog.Course],
         modules: Sequence[ModuleColumn], quizzes: Sequence[QuizColumn], now: datetime) -> Row:
    user_id = member.id or 0
    enrollment = bulk.enrollments.get(user_id)
    if enrollment is None:
        empty = tuple(QuizCell(None, False, 0, 0) for _ in quizzes)
        return Row(user_id, member.full_name, member.username, False, tuple(0 for _ in modules), empty,
                   bulk.hours.get(user_id, 0.0), False, 0, False, None, None, False)
    course = course_of(enrollment.version_id)
    attempts = bulk.attempts.get(user_id, [])
    grades = _grades(course, attempts)
    facts = _facts(course, enrollment, bulk, grades)
    complete = enrollment.completed_at is not None or completion.evaluate(course, facts).complete
    overdue = enrollment.due_at is not None and now > enrollment.due_at and not complete
    cells = tuple(_quiz_cell(q, grades, attempts) for q in quizzes)
    read = tuple(sum(1 for i in m.item_ids if i in facts.items_done) for m in modules)
    return Row(user_id, member.full_name, member.username, True, read, cells, bulk.hours.get(user_id, 0.0),
               user_id in bulk.practicum, completion.percent_done(course, facts), complete,
               enrollment.completed_at, enrollment.due_at, overdue)


def _facts(course: catalog.Course, enrollment: Enrollment, bulk: _Bulk,
           grades: dict[str, tuple[float | None, bool]]) -> completion.Facts:
    """The Facts `learning.service.facts` would build, from the bulk-loaded rows."""
    rules = course.manifest.completion
    return completion.Facts(
        items_done=bulk.done.get(enrollment.id or 0, frozenset()),
        quizzes_passed=frozenset(qid for qid, (_, passed) in grades.items() if passed),
        attendance_hours=bulk.hours.get(enrollment.user_id, 0.0) if rules.attendance_hours else 0,
        practicum_passed=rules.practicum and enrollment.user_id in bulk.practicum)


def _quiz_cell(column: QuizColumn, grades: dict[str, tuple[float | None, bool]],
               attempts: Sequence[QuizAttempt]) -> QuizCell:
    grade, passed = grades.get(column.id, (None, False))
    mine = [a for a in attempts if a.quiz_id == column.id]
    return QuizCell(grade, passed, len(mine), sum(1 for a in mine if a.percent is None))


# --- sorting ---------------------------------------------------------------------------------


def sort_key(sort: str, quizzes: Sequence[QuizColumn]) -> Callable[[Row], object]:
    """The value a row is ordered by; InvalidSort (422) for a key the page does not offer."""
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


def folded(name: str) -> str:
    """A name for ordering: case and accents ignored, so Ángela sorts with the A's."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- what the page and the CSV show ------------------------------------------------------------


def number(value: float, digits: int = 1) -> str:
    """A number as the user's language writes it (12,5 in Spanish, 12.5 in English), no trailing zeros."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if i18n.current_language() == "es" else text


def day(moment: datetime | None) -> str:
    return local(moment).strftime("%d/%m/%Y") if moment else ""


def due_day(moment: datetime | None) -> str:
    """The due date as set: a cohort stores the end of its due day (midnight after), so step back."""
    return (local(moment) - timedelta(seconds=1)).strftime("%d/%m/%Y") if moment else ""


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


STATUS_NAMES = {"complete": N_("Completo"), "overdue": N_("Vencido"), "in_progress": N_("En curso"),
                "not_started": N_("Sin comenzar"), "not_enrolled": N_("Sin inscripción")}


def status_text(row: Row) -> str:
    return i18n.gettext(STATUS_NAMES[row.status])


def read_text(done: int, total: int) -> str:
    """Lessons read of those required ("3 de 4"; a bare 3/4 would become a date in a spreadsheet)."""
    return i18n.gettext("%(done)s de %(total)s") % {"done": done, "total": total} if total else "—"


def grade_text(cell: QuizCell) -> str:
    return number(cell.grade) if cell.grade is not None else "—"


def yes_no(flag: bool) -> str:
    return i18n.gettext("Sí") if flag else i18n.gettext("No")


def hours_heading(dashboard: Dashboard) -> str:
    if dashboard.hours_required:
        hours = number(dashboard.hours_required)
        return i18n.gettext("Horas de asistencia (requeridas: %(hours)s)") % {"hours": hours}
    return i18n.gettext("Horas de asistencia")
