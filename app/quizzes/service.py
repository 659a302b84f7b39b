"""Quiz attempts: start, save answers, finish exactly once, and the deadline sweep.

The rules that must hold under concurrency are written as database constraints and conditional
updates (see models.py), not as Python checks that two requests could both pass.
"""

import json
import random
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app import audit
from app.accounts.models import User
from app.courses import catalog, drawing, evaluation, schema
from app.courses import service as course_service
from app.courses.models import CourseVersion
from app.dbtools import insert_in
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.quizzes import grading, player
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt
from app.timeutil import utcnow

GRACE = timedelta(seconds=30)  # saves already in flight at the deadline still count


class AttemptsExhausted(DomainError):
    status_code = 409


class AttemptClosed(DomainError):
    status_code = 409


def _quiz(course: catalog.Course, quiz_id: str) -> catalog.Item:
    item = course.item(quiz_id)
    if item is None or item.quiz is None:
        raise NotFound(N_("No encontramos esta página."))
    return item


def in_progress(session: Session, user_id: int, slug: str, quiz_id: str) -> QuizAttempt | None:
    return session.exec(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_slug == slug,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.state == AttemptState.in_progress,
        )
    ).first()


def attempts(session: Session, user_id: int, slug: str, quiz_id: str) -> list[QuizAttempt]:
    return list(
        session.exec(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.course_slug == slug,
                QuizAttempt.quiz_id == quiz_id,
            )
            .order_by(col(QuizAttempt.number))
        )
    )


def may_start_another(quiz: schema.Quiz, used: int) -> bool:
    """Whether a quiz allows another attempt after `used` of them (0 attempts in the file: no limit)."""
    return not quiz.attempts or used < quiz.attempts


def start(session: Session, user: User, course: catalog.Course, version_id: int, quiz_id: str) -> QuizAttempt:
    """The officer's attempt in progress, or a new one if the quiz allows another."""
    quiz = _quiz(course, quiz_id).quiz
    assert quiz is not None and user.id is not None
    current = in_progress(session, user.id, course.slug, quiz_id)
    if current is not None and not finish_if_expired(session, current, course):
        return current
    used = (
        session.exec(
            select(func.max(QuizAttempt.number)).where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.course_slug == course.slug,
                QuizAttempt.quiz_id == quiz_id,
            )
        ).one()
        or 0
    )
    if not may_start_another(quiz, used):
        # Under READ COMMITTED a concurrent start may have committed since the check above.
        winner = in_progress(session, user.id, course.slug, quiz_id)
        if winner is not None:
            return winner
        raise AttemptsExhausted(N_("Ya usó todos los intentos de este cuestionario."))
    try:
        with session.begin_nested():
            attempt = _create(session, user.id, course, version_id, quiz_id, used + 1)
    except IntegrityError:
        # Another request started it first; the database let exactly one of us in.
        winner = in_progress(session, user.id, course.slug, quiz_id)
        if winner is None:
            raise AttemptsExhausted(N_("Ya usó todos los intentos de este cuestionario.")) from None
        return winner
    audit.record(session, user.id, "quiz.start", attempt, course=course.slug, quiz=quiz_id)
    return attempt


def _create(
    session: Session, user_id: int, course: catalog.Course, version_id: int, quiz_id: str, number: int
) -> QuizAttempt:
    quiz = _quiz(course, quiz_id).quiz
    assert quiz is not None
    now = utcnow()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = QuizAttempt(
        user_id=user_id,
        course_slug=course.slug,
        quiz_id=quiz_id,
        version_id=version_id,
        number=number,
        max_attempts=quiz.attempts,
        started_at=now,
        deadline_at=deadline,
    )
    session.add(attempt)
    session.flush()
    questions = drawing.question_index(quiz, course.banks)
    for position, slot in enumerate(_draw(session, user_id, course, quiz_id, quiz)):
        session.add(
            AttemptSlot(
                attempt_id=attempt.id or 0,
                position=position,
                question_id=slot.question_id,
                option_order=json.dumps(list(slot.option_order)),
                points=questions[slot.question_id].points,
            )
        )
    session.flush()
    return attempt


def _draw(
    session: Session, user_id: int, course: catalog.Course, quiz_id: str, quiz: Any
) -> list[drawing.Slot]:
    """The attempt's questions; the post-test avoids what the officer's pre-test asked (parallel forms)."""
    rng = random.SystemRandom()
    if quiz_id not in evaluation.FORM_IDS:
        return drawing.draw(quiz, course.banks, rng)
    seen: set[str] = set()
    if quiz_id == evaluation.POST_TEST:
        seen = set(
            session.exec(
                select(AttemptSlot.question_id)
                .join(QuizAttempt, col(QuizAttempt.id) == AttemptSlot.attempt_id)
                .where(
                    QuizAttempt.user_id == user_id,
                    QuizAttempt.course_slug == course.slug,
                    QuizAttempt.quiz_id == evaluation.PRE_TEST,
                )
            )
        )
    return evaluation.draw_form(course, quiz_id, seen, rng)


def slots(session: Session, attempt: QuizAttempt) -> list[AttemptSlot]:
    return list(session.exec(_SLOTS, params={"attempt_id": attempt.id}))


def answers(session: Session, attempt: QuizAttempt) -> dict[int, Answer]:
    return {a.position: a for a in session.exec(_ANSWERS, params={"attempt_id": attempt.id})}


def owned_attempt_and_course(
    session: Session, attempt_id: int, user: User, *, lock: bool = False
) -> tuple[QuizAttempt, catalog.Course]:
    """The user's own attempt (404 otherwise, so ids reveal nothing) and its version's content: one
    statement, which also reads the version's content hash for the course cache."""
    found = session.exec(_ATTEMPT_LOCKED if lock else _ATTEMPT, params={"attempt_id": attempt_id}).first()
    if found is None or found[0].user_id != user.id:
        raise NotFound(N_("No encontramos esta página."))
    attempt, content_hash = found
    return attempt, course_service.course_of(session, attempt.version_id, content_hash)


def quiz_of(course: catalog.Course, attempt: QuizAttempt) -> tuple[catalog.Item, schema.Quiz]:
    """The attempt's quiz page in its course, and the quiz itself."""
    item = course.item(attempt.quiz_id)
    assert item is not None and item.quiz is not None
    return item, item.quiz


def save_answer(session: Session, user: User, attempt_id: int, position: int, form: Any, secret: str) -> None:
    """Keep the officer's latest response at `position`, read from the submitted form.

    The hot path of exam day, one short write transaction: the attempt, its slot and its version's
    content hash in one statement (the attempt row locked, FOR UPDATE on PostgreSQL, so a concurrent
    finish grades after this save), the course from the per-version cache, then one upsert. Both statements
    are built once (see `_SLOT_TO_SAVE`, `_answer_upsert`): building them was most of its cost.
    """
    found = session.exec(_SLOT_TO_SAVE, params={"attempt_id": attempt_id, "position": position}).first()
    if found is None or found[0].user_id != user.id:
        raise NotFound(N_("No encontramos esta página."))
    attempt, slot, content_hash = found
    now = utcnow()
    if attempt.state != AttemptState.in_progress:
        raise AttemptClosed(N_("Este intento ya terminó: la respuesta no se guardó."))
    if attempt.deadline_at and now > attempt.deadline_at + GRACE:
        raise AttemptClosed(N_("Se acabó el tiempo: la respuesta no se guardó."))
    course = course_service.course_of(session, attempt.version_id, content_hash)
    question = _questions(course, attempt.quiz_id)[slot.question_id]
    response = player.read_response(question, slot, secret, form)  # InvalidAnswer: nothing is stored
    connection = session.connection()
    connection.execute(
        _answer_upsert(connection.dialect.name),
        {"attempt_id": attempt_id, "position": position, "response": json.dumps(response), "saved_at": now},
    )


# The quiz pages' statements, built once with bind parameters: building a statement on every call cost
# more than running it (see save_answer).
_SLOTS = (
    select(AttemptSlot)
    .where(col(AttemptSlot.attempt_id) == bindparam("attempt_id"))
    .order_by(col(AttemptSlot.position))
)
_ANSWERS = select(Answer).where(col(Answer.attempt_id) == bindparam("attempt_id"))
_ATTEMPT = (
    select(QuizAttempt, CourseVersion.content_hash)
    .join(CourseVersion, col(CourseVersion.id) == col(QuizAttempt.version_id))
    .where(col(QuizAttempt.id) == bindparam("attempt_id"))
)
_ATTEMPT_LOCKED = _ATTEMPT.with_for_update(of=QuizAttempt)

_SLOT_TO_SAVE = (
    select(QuizAttempt, AttemptSlot, CourseVersion.content_hash)
    .join(AttemptSlot, col(AttemptSlot.attempt_id) == col(QuizAttempt.id))
    .join(CourseVersion, col(CourseVersion.id) == col(QuizAttempt.version_id))
    .where(col(QuizAttempt.id) == bindparam("attempt_id"), col(AttemptSlot.position) == bindparam("position"))
    .with_for_update(of=QuizAttempt)
)


@cache
def _answer_upsert(dialect: str) -> Any:
    table: Any = Answer.__table__  # type: ignore[attr-defined]
    statement = insert_in(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=["attempt_id", "position"],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at},
    )


def _questions(course: catalog.Course, quiz_id: str) -> dict[str, Any]:
    quiz = _quiz(course, quiz_id).quiz
    assert quiz is not None
    return drawing.question_index(quiz, course.banks)


def finish(
    session: Session, attempt: QuizAttempt, course: catalog.Course, *, at: datetime | None = None
) -> bool:
    """Grade and close the attempt; True only for the one call that actually finished it.

    The attempt is closed first and graded afterwards: the closing update waits for a save still
    holding the attempt's row, so the grading reads every answer that was accepted (PostgreSQL
    reads each statement afresh). Grading first could miss a save committed meanwhile.
    """
    finished_at = at or utcnow()
    closed = session.execute(
        update(QuizAttempt)
        .where(col(QuizAttempt.id) == attempt.id, col(QuizAttempt.state) == AttemptState.in_progress)
        .values(state=AttemptState.finished, finished_at=finished_at)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    attempt_slots = slots(session, attempt)
    fractions = _grade(session, attempt, course, attempt_slots)
    set_grade(session, attempt, course, attempt_slots, fractions)
    for position, fraction in fractions.items():
        session.execute(
            update(Answer)
            .where(col(Answer.attempt_id) == attempt.id, col(Answer.position) == position)
            .values(fraction=fraction)
        )
    session.refresh(attempt)
    audit.record(
        session, attempt.user_id, "quiz.finish", attempt, percent=attempt.percent, at_deadline=at is not None
    )
    return True


def set_grade(
    session: Session,
    attempt: QuizAttempt,
    course: catalog.Course,
    attempt_slots: list[AttemptSlot],
    fractions: dict[int, float | None],
) -> None:
    """The attempt's percent and pass from the score of each position (None: an open answer not yet
    marked, so no grade yet). The one grading rule: finishing, marking and late answers all use it."""
    quiz = _quiz(course, attempt.quiz_id).quiz
    assert quiz is not None
    percent = grading.attempt_percent([(slot.points, fractions[slot.position]) for slot in attempt_slots])
    passed = grading.passed(percent, quiz.pass_mark) if percent is not None else None
    session.execute(
        update(QuizAttempt).where(col(QuizAttempt.id) == attempt.id).values(percent=percent, passed=passed)
    )


def _grade(
    session: Session, attempt: QuizAttempt, course: catalog.Course, attempt_slots: list[AttemptSlot]
) -> dict[int, float | None]:
    quiz = _quiz(course, attempt.quiz_id).quiz
    assert quiz is not None
    questions = drawing.question_index(quiz, course.banks)
    saved = answers(session, attempt)
    fractions: dict[int, float | None] = {}
    for slot in attempt_slots:
        answer = saved.get(slot.position)
        response = json.loads(answer.response) if answer else None
        fractions[slot.position] = grading.score(questions[slot.question_id], response)
    return fractions


def is_overdue(attempt: QuizAttempt) -> bool:
    """Still open, and past its deadline plus the grace for saves in flight."""
    return (
        attempt.state == AttemptState.in_progress
        and attempt.deadline_at is not None
        and utcnow() > attempt.deadline_at + GRACE
    )


def finish_if_expired(session: Session, attempt: QuizAttempt, course: catalog.Course) -> bool:
    """Past its deadline (and grace), an attempt is finished as of the deadline."""
    if attempt.state != AttemptState.in_progress or attempt.deadline_at is None:
        return False
    if utcnow() <= attempt.deadline_at + GRACE:
        return False
    finish(session, attempt, course, at=attempt.deadline_at)
    return True


def overdue(session: Session, now: datetime) -> list[QuizAttempt]:
    """Attempts still open past their deadline and grace, for the periodic sweep."""
    return list(
        session.exec(
            select(QuizAttempt).where(
                QuizAttempt.state == AttemptState.in_progress,
                col(QuizAttempt.deadline_at).is_not(None),
                col(QuizAttempt.deadline_at) < now - GRACE,
            )
        )
    )
