"""The periodic sweep: attempts left open past their deadline are finished as of the deadline.

Every worker may run it; finishing is a conditional update, so an attempt is graded once however
many sweeps meet it.
"""

import asyncio
import logging

import anyio
from sqlalchemy import Engine
from sqlmodel import Session

from app.courses import service as course_service
from app.db import transaction, write_after, write_turn
from app.quizzes import service
from app.quizzes.models import QuizAttempt
from app.timeutil import utcnow

log = logging.getLogger("cascada.sweep")
INTERVAL_SECONDS = 60


def sweep(engine: Engine) -> int:
    """Finish every overdue attempt; returns how many this call finished."""
    finished = 0
    with transaction(engine, write=True) as session:
        for attempt in service.overdue(session, utcnow()):
            course = course_service.course_of(session, attempt.version_id)
            finished += service.finish(session, attempt, course, at=attempt.deadline_at)
    return finished


def finish_overdue(request_session: Session, attempt_ids: list[int]) -> None:
    """Finish these overdue attempts in a write transaction of their own.

    Pages that notice an overdue attempt are GET requests, whose read transaction must not write:
    it ends first (`write_after`), so the request never holds two connections.
    """
    with write_after(request_session) as session:
        for attempt_id in attempt_ids:
            attempt = session.get(QuizAttempt, attempt_id)
            if attempt is not None and service.is_overdue(attempt):
                service.finish(
                    session,
                    attempt,
                    course_service.course_of(session, attempt.version_id),
                    at=attempt.deadline_at,
                )


async def run_forever(engine: Engine) -> None:
    while True:
        await asyncio.sleep(INTERVAL_SECONDS)
        try:
            async with write_turn(engine):
                count = await anyio.to_thread.run_sync(sweep, engine)
            if count:
                log.info("finished overdue attempts", extra={"fields": {"count": count}})
        except Exception:  # a failed sweep must not stop the next one
            log.exception("sweep failed")
