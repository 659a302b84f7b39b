"""Open responses wait for an instructor; scoring the last one completes the attempt's grade."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.cohorts import service as cohort_service
from app.courses import catalog, drawing
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import service as learning
from app.quizzes import service as quiz_service
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt
from app.timeutil import utcnow


class InvalidMark(DomainError):
    status_code = 422


@dataclass(frozen=True)
class Pending:
    answer: Answer
    attempt: QuizAttempt
    slot: AttemptSlot
    learner: User


def in_scope(grader: User, cohort_id: int | None = None) -> ColumnElement[bool]:
    """Attempts `grader` may mark: by learners of their cohorts, in those cohorts' courses."""
    return cohort_service.teaches(grader, QuizAttempt.user_id, QuizAttempt.course_slug, cohort_id)


def pending(session: Session, scope: ColumnElement[bool]) -> list[Pending]:
    """Open responses of finished attempts that no one has scored yet, within `scope`, oldest first."""
    rows = session.exec(
        select(Answer, QuizAttempt, AttemptSlot, User)
        .join(QuizAttempt, col(QuizAttempt.id) == Answer.attempt_id)
        .join(
            AttemptSlot,
            (col(AttemptSlot.attempt_id) == Answer.attempt_id)
            & (col(AttemptSlot.position) == Answer.position),
        )
        .join(User, col(User.id) == QuizAttempt.user_id)
        .where(QuizAttempt.state == AttemptState.finished, col(Answer.fraction).is_(None), scope)
        .order_by(col(QuizAttempt.finished_at))
    )
    return [Pending(*row) for row in rows]


def mark(
    session: Session,
    answer_id: int,
    points: float,
    comment: str,
    grader: User,
    course_of: Callable[[int], catalog.Course],
) -> QuizAttempt:
    """Score an open response; when it was the last one pending, the attempt gets its percent.

    Only open responses of finished attempts are marked here: the server's own scores of the
    other question types, and answers an officer may still change, are not the grader's to set.
    """
    answer = session.get(Answer, answer_id)
    if answer is None:
        raise NotFound(N_("No encontramos esta página."))
    attempt = session.exec(
        select(QuizAttempt).where(QuizAttempt.id == answer.attempt_id, in_scope(grader)).with_for_update()
    ).first()
    if attempt is None:  # not a learner of the grader's cohorts: as if it did not exist
        raise NotFound(N_("No encontramos esta página."))
    slot = session.exec(
        select(AttemptSlot).where(
            AttemptSlot.attempt_id == attempt.id, AttemptSlot.position == answer.position
        )
    ).one()
    course = course_of(attempt.version_id)
    if attempt.state != AttemptState.finished or _question_type(course, attempt, slot) != "open":
        raise NotFound(N_("No encontramos esta página."))
    if not 0 <= points <= slot.points:
        raise InvalidMark(N_("El puntaje debe estar entre 0 y %(max)s."), max=slot.points)
    answer.fraction, answer.comment = points / slot.points, comment.strip()[:2000]
    answer.grader_id, answer.graded_at = grader.id, utcnow()
    session.add(answer)
    session.flush()
    regrade(session, attempt, course)
    audit.record(session, grader.id, "answer.mark", answer, points=points, attempt=attempt.id)
    record_completion(session, attempt)
    return attempt


def _question_type(course: catalog.Course, attempt: QuizAttempt, slot: AttemptSlot) -> str:
    item = course.item(attempt.quiz_id)
    assert item is not None and item.quiz is not None
    return drawing.question_index(item.quiz, course.banks)[slot.question_id].type


def record_completion(session: Session, attempt: QuizAttempt) -> None:
    """The last mark may be what completes the learner's course (not only their own next click)."""
    learner = session.get(User, attempt.user_id)
    found = learning.enrollment(session, learner, attempt.course_slug) if learner else None
    if found is not None and attempt.passed:
        learning.record_completion(session, found)


def regrade(session: Session, attempt: QuizAttempt, course: catalog.Course) -> None:
    """The attempt's percent and pass from its answers' scores (after a mark, or a late answer's decision)."""
    saved = quiz_service.answers(session, attempt)
    attempt_slots = quiz_service.slots(session, attempt)
    fractions = {
        s.position: saved[s.position].fraction if s.position in saved else 0.0 for s in attempt_slots
    }  # an unanswered question scores 0
    quiz_service.set_grade(session, attempt, course, attempt_slots, fractions)
    session.refresh(attempt)  # the caller, and completion, read the new grade
