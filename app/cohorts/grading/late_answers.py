"""Late answers: kept when the device's journal delivers them past the deadline, counted only if accepted.

The server stays the judge of time. An answer that reaches it after the deadline plus grace is
never dropped and never counted on its own: it waits, with the device's elapsed time, for an
instructor of the officer's cohort to accept it (then it is saved and the attempt regraded once)
or to reject it. Every decision is in the audit log.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.cohorts.grading import marking
from app.courses import catalog, drawing
from app.dbtools import insert_for
from app.errors import NotFound
from app.i18n import N_
from app.quizzes import grading, service
from app.quizzes.models import Answer, AttemptSlot, AttemptState, LateAnswer, LateDecision, QuizAttempt
from app.timeutil import utcnow


@dataclass(frozen=True)
class PendingLate:
    late: LateAnswer
    attempt: QuizAttempt
    slot: AttemptSlot
    learner: User


def closed_by_the_clock(attempt: QuizAttempt) -> bool:
    """Timed, past its deadline and grace, and not finished earlier by the officer."""
    if attempt.deadline_at is None or utcnow() <= attempt.deadline_at + service.GRACE:
        return False
    return attempt.state == AttemptState.in_progress or attempt.finished_at == attempt.deadline_at


def receive(
    session: Session,
    attempt: QuizAttempt,
    course: catalog.Course,
    position: int,
    response: Any,
    *,
    seq: int,
    elapsed_ms: int,
) -> LateAnswer | None:
    """Keep an answer that arrived too late; a replay of the same journal entry changes nothing.

    None when the server already holds this very answer at `position` (the journal re-sends what
    reached the server in time when the reply was lost): there is nothing to decide. Otherwise
    refused (409) when the attempt did not close by its deadline: an untimed attempt, or one the
    officer finished. A newer entry replaces an undecided one; a decided answer stays as decided.
    """
    if _saved(session, attempt, position) == json.dumps(response):
        return None
    if not closed_by_the_clock(attempt):
        raise service.AttemptClosed(N_("Este intento ya terminó: la respuesta no se guardó."))
    service.finish_if_expired(session, attempt, course)  # graded as of the deadline, without this answer
    if (
        session.exec(
            select(AttemptSlot).where(AttemptSlot.attempt_id == attempt.id, AttemptSlot.position == position)
        ).first()
        is None
    ):
        raise NotFound(N_("No encontramos esta página."))
    kept = session.exec(
        select(LateAnswer).where(LateAnswer.attempt_id == attempt.id, LateAnswer.position == position)
    ).first()
    if kept is None:
        kept = LateAnswer(
            attempt_id=attempt.id or 0,
            position=position,
            response=json.dumps(response),
            device_seq=seq,
            elapsed_ms=elapsed_ms,
        )
    elif kept.decision == LateDecision.pending and seq > kept.device_seq:
        kept.response, kept.device_seq, kept.elapsed_ms = json.dumps(response), seq, elapsed_ms
        kept.received_at = utcnow()
    else:
        return kept
    session.add(kept)
    session.flush()
    return kept


def _saved(session: Session, attempt: QuizAttempt, position: int) -> str | None:
    return session.exec(
        select(Answer.response).where(Answer.attempt_id == attempt.id, Answer.position == position)
    ).first()


def decide(
    session: Session, late_id: int, accept: bool, grader: User, course_of: Callable[[int], catalog.Course]
) -> bool:
    """Accept or reject a late answer of the grader's cohorts; True only for the call that decided it.

    A second decision changes nothing (the conditional update lets exactly one through), so the
    attempt is regraded once per late answer.
    """
    late = session.get(LateAnswer, late_id)
    attempt = (
        None
        if late is None
        else session.exec(
            select(QuizAttempt)
            .where(QuizAttempt.id == late.attempt_id, marking.in_scope(grader))
            .with_for_update()
        ).first()
    )
    if late is None or attempt is None or attempt.state != AttemptState.finished:
        raise NotFound(N_("No encontramos esta página."))
    decision = LateDecision.accepted if accept else LateDecision.rejected
    decided = session.execute(
        update(LateAnswer)
        .where(col(LateAnswer.id) == late_id, col(LateAnswer.decision) == LateDecision.pending)
        .values(decision=decision, decided_by=grader.id, decided_at=utcnow())
    )
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        return False
    course = course_of(attempt.version_id)
    if accept:
        _count(session, attempt, course, late)
    marking.regrade(session, attempt, course)
    audit.record(
        session,
        grader.id,
        f"answer.late_{decision.value}",
        late,
        attempt=attempt.id,
        position=late.position,
        elapsed_ms=late.elapsed_ms,
    )
    marking.record_completion(session, attempt)
    return True


def _count(session: Session, attempt: QuizAttempt, course: catalog.Course, late: LateAnswer) -> None:
    """The accepted answer replaces the saved one at its position, scored like any other."""
    item = course.item(attempt.quiz_id)
    assert item is not None and item.quiz is not None
    slot = session.exec(
        select(AttemptSlot).where(AttemptSlot.attempt_id == attempt.id, AttemptSlot.position == late.position)
    ).one()
    question = drawing.question_index(item.quiz, course.banks)[slot.question_id]
    fraction = grading.score(question, json.loads(late.response))
    statement = insert_for(session, Answer).values(
        attempt_id=attempt.id,
        position=late.position,
        response=late.response,
        saved_at=late.received_at,
        fraction=fraction,
        comment="",
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["attempt_id", "position"],
            set_={
                "response": statement.excluded.response,
                "saved_at": statement.excluded.saved_at,
                "fraction": statement.excluded.fraction,
                "grader_id": None,
                "comment": "",
                "graded_at": None,
            },
        )
    )


def pending(session: Session, scope: ColumnElement[bool]) -> list[PendingLate]:
    """Late answers no one has decided yet, within `scope` (see marking.in_scope), oldest first."""
    rows = session.exec(
        select(LateAnswer, QuizAttempt, AttemptSlot, User)
        .join(QuizAttempt, col(QuizAttempt.id) == LateAnswer.attempt_id)
        .join(
            AttemptSlot,
            (col(AttemptSlot.attempt_id) == LateAnswer.attempt_id)
            & (col(AttemptSlot.position) == LateAnswer.position),
        )
        .join(User, col(User.id) == QuizAttempt.user_id)
        .where(LateAnswer.decision == LateDecision.pending, scope)
        .order_by(col(LateAnswer.received_at))
    )
    return [PendingLate(*row) for row in rows]


def of_attempt(session: Session, attempt_id: int) -> dict[int, LateAnswer]:
    """The attempt's late answers by position, for the officer's review."""
    return {
        late.position: late
        for late in session.exec(select(LateAnswer).where(LateAnswer.attempt_id == attempt_id))
    }
