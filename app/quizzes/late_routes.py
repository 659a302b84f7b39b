"""Answers the device's journal delivers after the deadline, and the instructor's page to decide them."""

import json
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import CourseReader
from app.cohorts.deps import CohortGrader
from app.cohorts.grading import late_answers as late
from app.cohorts.grading import marking
from app.courses import drawing
from app.courses import service as course_service
from app.db import SessionDep
from app.i18n import current_language
from app.quizzes import player, service
from app.web import FormDep, redirect, render

router = APIRouter()


@router.post("/attempts/{attempt_id:int}/late/{position:int}", name="quizzes:late")
def receive_late(
    request: Request,
    attempt_id: int,
    position: int,
    user: CourseReader,
    session: SessionDep,
    form: FormDep,
    seq: Annotated[int, Form(ge=0, le=2**31 - 1)],
    elapsed_ms: Annotated[int, Form(ge=0, le=2**31 - 1)],
) -> Response:
    """202: kept as late, for the instructor to decide; 200: the server already had this answer.

    Either way the journal on the device then forgets it.
    """
    attempt, course = service.owned_attempt_and_course(session, attempt_id, user, lock=True)
    _, quiz = service.quiz_of(course, attempt)
    slot = next((s for s in service.slots(session, attempt) if s.position == position), None)
    question = drawing.question_index(quiz, course.banks)[slot.question_id] if slot else None
    response = (
        player.read_response(question, slot, request.app.state.secret_key, form)
        if slot and question
        else None
    )
    kept = late.receive(session, attempt, course, position, response, seq=seq, elapsed_ms=elapsed_ms)
    return Response(status_code=200 if kept is None else 202)


@router.get("/grading/late", name="quizzes:late_queue")
def late_queue(request: Request, user: CohortGrader, session: SessionDep) -> Response:
    """Late answers of the grader's cohorts, each with the time the officer's device counted."""
    entries = [_entry(session, pending) for pending in late.pending(session, marking.in_scope(user))]
    return render(request, "quizzes/late.html", {"entries": entries, "lang": current_language()})


@router.post("/grading/late/{late_id:int}", name="quizzes:late_decide")
def decide(
    request: Request,
    late_id: int,
    user: CohortGrader,
    session: SessionDep,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
) -> Response:
    late.decide(session, late_id, decision == "accept", user, lambda v: course_service.course_of(session, v))
    return redirect(request, "quizzes:late_queue")


def _entry(session: SessionDep, pending: late.PendingLate) -> dict[str, Any]:
    course = course_service.course_of(session, pending.attempt.version_id)
    item, quiz = service.quiz_of(course, pending.attempt)
    question = drawing.question_index(quiz, course.banks)[pending.slot.question_id]
    row = SimpleNamespace(
        question=question,
        order=json.loads(pending.slot.option_order),
        response=json.loads(pending.late.response),
        correct=None,
    )
    seconds = pending.late.elapsed_ms // 1000
    return {
        "pending": pending,
        "item": item,
        "row": row,
        "limit": quiz.time_limit_minutes,
        "minutes": seconds // 60,
        "seconds": seconds % 60,
    }
