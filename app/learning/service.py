"""Enrolling, marking items read, and recording completion once."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sql
from sqlalchemy import and_, bindparam, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.courses import catalog, evaluation
from app.courses import service as course_service
from app.dbtools import insert_for
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import cohort_facts, completion
from app.learning.models import Enrollment, ItemProgress
from app.quizzes import grading
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import local_today, utcnow


class NotOpen(DomainError):
    status_code = 403


@dataclass(frozen=True)
class Progress:
    enrollment: Enrollment
    course: catalog.Course
    facts: completion.Facts
    outcome: completion.Outcome
    next_item: catalog.Item | None
    percent: int

    @property
    def overdue(self) -> bool:
        return not self.outcome.complete and completion.is_overdue(self.enrollment.due_on, local_today())


def enrollment(session: Session, user: User, slug: str) -> Enrollment | None:
    return session.exec(_ENROLLMENT, params={"user_id": user.id, "slug": slug}).first()


# Built once: every lesson and quiz page asks it.
_ENROLLMENT = select(Enrollment).where(
    Enrollment.user_id == bindparam("user_id"), Enrollment.course_slug == bindparam("slug")
)


def enrollments(session: Session, user: User) -> list[Enrollment]:
    return list(
        session.exec(
            select(Enrollment).where(Enrollment.user_id == user.id).order_by(col(Enrollment.enrolled_at))
        )
    )


def enroll(session: Session, user: User, slug: str) -> Enrollment:
    """Self-enrolment in the published version; enrolling twice returns the same enrolment."""
    existing = enrollment(session, user, slug)
    if existing is not None:
        return existing
    version, course = course_service.published(session, slug)
    if not course.manifest.self_enrol:
        raise NotOpen(N_("Este curso no admite inscripción libre: su instructor lo inscribe en una cohorte."))
    try:
        with session.begin_nested():
            created = Enrollment(user_id=user.id or 0, course_slug=slug, version_id=version.id)
            session.add(created)
            session.flush()
            return created
    except IntegrityError:  # a double click: the other request enrolled first
        found = enrollment(session, user, slug)
        assert found is not None
        return found


def assign(session: Session, user: User, slug: str) -> Enrollment:
    """The officer's enrolment in a course of their cohort, made if missing (self-enrolment rules do not
    apply)."""
    found = enrollment(session, user, slug)
    if found is None:
        assign_many(session, [user.id or 0], slug)
        found = enrollment(session, user, slug)
        assert found is not None
    return found


def assign_many(session: Session, user_ids: list[int], slug: str, *, due_on: date | None = None) -> None:
    """Enrol a whole roster in a few statements: the missing are enrolled, due dates only move earlier."""
    version, _ = course_service.published(session, slug)
    rows = [
        {"user_id": user_id, "course_slug": slug, "version_id": version.id, "enrolled_at": utcnow()}
        for user_id in user_ids
    ]
    session.execute(
        insert_for(session, Enrollment)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "course_slug"])
    )
    if due_on is not None:
        session.execute(
            update(Enrollment)
            .where(
                col(Enrollment.user_id).in_(user_ids),
                col(Enrollment.course_slug) == slug,
                or_(col(Enrollment.due_on).is_(None), col(Enrollment.due_on) > due_on),
            )
            .values(due_on=due_on)
        )


def enrolled(session: Session, user: User, slug: str) -> Enrollment:
    found = enrollment(session, user, slug)
    if found is None:
        raise NotFound(N_("No está inscrito en este curso."))
    return found


def follow_published(session: Session, found: Enrollment) -> Enrollment:
    """Move an unfinished enrolment to the newly published version when no attempt is open.

    Progress is keyed by item id, so lessons read stay read; attempts keep their own version.
    """
    if found.completed_at is not None:
        return found
    version, _ = course_service.published(session, found.course_slug)
    if version.id == found.version_id:
        return found
    open_attempt = session.exec(
        select(QuizAttempt).where(
            QuizAttempt.user_id == found.user_id,
            QuizAttempt.course_slug == found.course_slug,
            QuizAttempt.state == AttemptState.in_progress,
        )
    ).first()
    if open_attempt is None:
        found.version_id = version.id
        session.add(found)
    return found


def mark_done(session: Session, found: Enrollment, item_id: str) -> None:
    """Mark a lesson or case read; marking it again changes nothing."""
    course = course_service.course_of(session, found.version_id)
    item = course.item(item_id)
    if item is None or item.kind == "quiz":
        raise NotFound(N_("No encontramos esta página."))
    statement = insert_for(session, ItemProgress).values(
        enrollment_id=found.id, item_id=item_id, completed_at=utcnow()
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=["enrollment_id", "item_id"]))
    record_completion(session, found)


@dataclass(frozen=True)
class Reading:
    """What a lesson page shows of the reader: enrolled in its course, and whether this item was read."""

    enrolled: bool
    read: bool


def reading(session: Session, user: User, slug: str, item_id: str) -> Reading:
    """One plain row instead of the enrolment object and a second query: the lesson page, the most read."""
    params = {"user_id": user.id, "slug": slug, "item_id": item_id}
    row = session.connection().execute(_READING, params).first()
    return Reading(enrolled=row is not None, read=row is not None and row.read is not None)


_READING = (
    sql.select(Enrollment.id, col(ItemProgress.id).label("read"))
    .outerjoin(
        ItemProgress,
        and_(
            col(ItemProgress.enrollment_id) == Enrollment.id,
            col(ItemProgress.item_id) == bindparam("item_id"),
        ),
    )
    .where(Enrollment.user_id == bindparam("user_id"), Enrollment.course_slug == bindparam("slug"))
)


def facts(session: Session, found: Enrollment, course: catalog.Course) -> completion.Facts:
    done = frozenset(session.exec(select(ItemProgress.item_id).where(ItemProgress.enrollment_id == found.id)))
    rules = course.manifest.completion
    hours = (
        cohort_facts.attendance_hours(session, found.user_id, found.course_slug)
        if rules.attendance_hours
        else 0
    )
    practicum = rules.practicum and cohort_facts.practicum_passed(session, found.user_id, found.course_slug)
    return completion.Facts(
        items_done=done,
        quizzes_passed=passed_quizzes(session, found, course),
        attendance_hours=hours,
        practicum_passed=practicum,
    )


def passed_quizzes(session: Session, found: Enrollment, course: catalog.Course) -> frozenset[str]:
    """Quizzes whose final grade (by the quiz's grading method) reaches the pass mark."""
    finished = session.exec(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == found.user_id,
            QuizAttempt.course_slug == found.course_slug,
            QuizAttempt.state == AttemptState.finished,
        )
        .order_by(col(QuizAttempt.number))
    ).all()
    passed = set()
    for item in course.items():
        if item.quiz is None:
            continue
        percents = [a.percent for a in finished if a.quiz_id == item.id and a.percent is not None]
        if grading.passed(grading.final_grade(item.quiz.grading, percents), item.quiz.pass_mark):
            passed.add(item.id)
    return frozenset(passed)


def progress(session: Session, found: Enrollment) -> Progress:
    course = course_service.course_of(session, found.version_id)
    known = facts(session, found, course)
    return Progress(
        found,
        course,
        known,
        completion.evaluate(course, known),
        completion.next_item(course, known),
        completion.percent_done(course, known),
    )


def pre_test_pending(session: Session, found: Enrollment, course: catalog.Course) -> bool:
    """A course with a pre-test asks for it first: before any lesson is read, until it is finished.

    Someone who started the course before the pre-test existed is not sent back to it: a pre-test
    taken after the lessons would measure nothing.
    """
    if course.evaluation is None or found.completed_at is not None:
        return False
    started = session.exec(select(ItemProgress.id).where(ItemProgress.enrollment_id == found.id)).first()
    taken = session.exec(
        select(QuizAttempt.id).where(
            QuizAttempt.user_id == found.user_id,
            QuizAttempt.course_slug == found.course_slug,
            QuizAttempt.quiz_id == evaluation.PRE_TEST,
            QuizAttempt.state == AttemptState.finished,
        )
    ).first()
    return started is None and taken is None


def record_completion(session: Session, found: Enrollment) -> None:
    """Set completed_at the first time every rule holds; never moved afterwards.

    A conditional update: of two requests completing the course at once (PostgreSQL runs them
    side by side), the later one finds the time already set and leaves it.
    """
    if found.completed_at is None and progress(session, found).outcome.complete:
        session.flush()  # pending changes to `found` (a version move) are kept by the refresh below
        session.execute(
            update(Enrollment)
            .where(col(Enrollment.id) == found.id, col(Enrollment.completed_at).is_(None))
            .values(completed_at=utcnow())
        )
        session.refresh(found)
