"""Taking a quiz: overview, start, one question per page with autosave, finish, review."""

import json
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.access import CourseReader
from app.cohorts.deps import CohortGrader
from app.cohorts.grading import late_answers as late
from app.cohorts.grading import marking
from app.courses import drawing, pages
from app.courses import service as course_service
from app.db import SessionDep, run_write
from app.errors import NotFound
from app.i18n import N_, current_language, gettext
from app.inputs import DbIdForm, DbIdQuery, as_db_id
from app.learning import service as learning
from app.quizzes import player, review, service, sweep
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import utcnow
from app.web import FormDep, is_htmx, redirect, redirect_to, render

router = APIRouter()


@router.get("/quizzes/{slug}/{quiz_id}", name="quizzes:overview")
def overview(request: Request, slug: str, quiz_id: str, user: CourseReader, session: SessionDep) -> Response:
    enrollment = learning.enrolled(session, user, slug)
    course = course_service.course_of(session, enrollment.version_id)
    item = course.item(quiz_id)
    if item is None or item.quiz is None:
        raise NotFound(N_("No encontramos esta página."))
    history = service.attempts(session, user.id or 0, slug, quiz_id)
    overdue = [a.id or 0 for a in history if service.is_overdue(a)]
    if overdue:
        sweep.finish_overdue(session, overdue)
        return redirect_to(request, str(request.url))
    shown = review.scores(item.quiz, history)
    open_attempt = next((a for a in history if a.state == AttemptState.in_progress), None)
    context = {
        "course": course,
        "item": item,
        "quiz": item.quiz,
        "history": history,
        "final": shown.final,
        "shows_score": shown.shown,
        "lang": current_language(),
        "open_attempt": open_attempt,
        "may_start": open_attempt is not None or service.may_start_another(item.quiz, len(history)),
        "size": len(drawing.question_index(item.quiz, course.banks)),
    }
    return render(request, "quizzes/overview.html", context)


@router.post("/quizzes/{slug}/{quiz_id}/start", name="quizzes:start")
def start(request: Request, slug: str, quiz_id: str, user: CourseReader, session: SessionDep) -> Response:
    enrollment = learning.follow_published(session, learning.enrolled(session, user, slug))
    course = course_service.course_of(session, enrollment.version_id)
    attempt = service.start(session, user, course, enrollment.version_id, quiz_id)
    return redirect(request, "quizzes:player", attempt_id=attempt.id)


@router.get("/attempts/{attempt_id:int}", name="quizzes:player")
def play(
    request: Request,
    attempt_id: int,
    user: CourseReader,
    session: SessionDep,
    q: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> Response:
    attempt, course = service.owned_attempt_and_course(session, attempt_id, user)
    item, quiz = service.quiz_of(course, attempt)
    if service.is_overdue(attempt):
        sweep.finish_overdue(session, [attempt_id])
    if attempt.state == AttemptState.finished or service.is_overdue(attempt):
        return redirect(request, "quizzes:review", attempt_id=attempt_id)
    slots = service.slots(session, attempt)
    slot = slots[min(q, len(slots) - 1)]
    questions = drawing.question_index(quiz, course.banks)
    secret = request.app.state.secret_key
    saved = service.answers(session, attempt)
    answer = saved.get(slot.position)
    response = json.loads(answer.response) if answer else None
    context = {
        "attempt": attempt,
        "item": item,
        "course": course,
        "lang": current_language(),
        "slots": slots,
        "question": player.show(questions[slot.question_id], slot, secret),
        "case": course.item(questions[slot.question_id].case or ""),
        "saved": player.shown_response(questions[slot.question_id], slot, secret, response),
        "answered": set(saved),
        "seconds_left": _seconds_left(attempt),
    }
    return render(request, "quizzes/player.html", context)


def _seconds_left(attempt: QuizAttempt) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - utcnow()).total_seconds()))


@router.post("/attempts/{attempt_id:int}/answers/{position:int}", name="quizzes:save")
async def save(
    request: Request, attempt_id: int, position: int, user: CourseReader, form: FormDep
) -> Response:
    """One answer, in one short write transaction run in one thread (the exam-day hot path).

    `async` on purpose: the route holds no session, so nothing waits between BEGIN and COMMIT.
    """
    await run_write(
        request.app.state.engine,
        service.save_answer,
        user,
        attempt_id,
        position,
        form,
        request.app.state.secret_key,
    )
    if is_htmx(request):
        return render(request, "quizzes/player.html", {"saved_at": utcnow()}, block="save_status")
    go = str(form.get("go", ""))
    if go == "finish":
        return redirect(request, "quizzes:confirm", attempt_id=attempt_id)
    target = as_db_id(go) if as_db_id(go) is not None else position
    return redirect_to(
        request, str(request.url_for("quizzes:player", attempt_id=attempt_id)) + f"?q={target}"
    )


@router.get("/attempts/{attempt_id:int}/finish", name="quizzes:confirm")
def confirm(request: Request, attempt_id: int, user: CourseReader, session: SessionDep) -> Response:
    attempt, course = service.owned_attempt_and_course(session, attempt_id, user)
    item, _ = service.quiz_of(course, attempt)
    if attempt.state == AttemptState.finished:
        return redirect(request, "quizzes:review", attempt_id=attempt_id)
    slots = service.slots(session, attempt)
    unanswered = len(slots) - len(service.answers(session, attempt))
    return render(
        request,
        "quizzes/confirm.html",
        {
            "attempt": attempt,
            "item": item,
            "lang": current_language(),
            "unanswered": unanswered,
            "total": len(slots),
        },
    )


@router.post("/attempts/{attempt_id:int}/finish", name="quizzes:finish")
def finish(request: Request, attempt_id: int, user: CourseReader, session: SessionDep) -> Response:
    attempt, course = service.owned_attempt_and_course(session, attempt_id, user, lock=True)
    if attempt.state == AttemptState.in_progress and not service.finish_if_expired(session, attempt, course):
        service.finish(session, attempt, course)
    learning.record_completion(session, learning.enrolled(session, user, attempt.course_slug))
    return redirect(request, "quizzes:review", attempt_id=attempt_id)


@router.get("/attempts/{attempt_id:int}/review", name="quizzes:review")
def review_page(request: Request, attempt_id: int, user: CourseReader, session: SessionDep) -> Response:
    attempt, course = service.owned_attempt_and_course(session, attempt_id, user)
    item, quiz = service.quiz_of(course, attempt)
    if service.is_overdue(attempt):
        sweep.finish_overdue(session, [attempt_id])
        return redirect(request, "quizzes:review", attempt_id=attempt_id)
    if attempt.state == AttemptState.in_progress:
        return redirect(request, "quizzes:player", attempt_id=attempt_id)
    history = service.attempts(session, user.id or 0, attempt.course_slug, attempt.quiz_id)
    shown = review.visibility(quiz, attempt, history)
    rows = review.rows(
        service.slots(session, attempt),
        service.answers(session, attempt),
        drawing.question_index(quiz, course.banks),
        shown,
    )
    _, following = pages.neighbours(course, item.id)
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "item": item,
            "course": course,
            "shown": shown,
            "rows": rows,
            "following": following,
            "lang": current_language(),
            "late": late.of_attempt(session, attempt_id),
        },
    )


@router.get("/grading", name="quizzes:grading")
def grading_queue(
    request: Request, user: CohortGrader, session: SessionDep, cohort_id: DbIdQuery = None
) -> Response:
    """Open responses to mark: of the grader's cohorts, or of one of them."""
    items = [(p, *_question(session, p)) for p in marking.pending(session, marking.in_scope(user, cohort_id))]
    return render(
        request, "quizzes/grading.html", {"items": items, "lang": current_language(), "cohort_id": cohort_id}
    )


def _question(session: SessionDep, entry: marking.Pending):  # type: ignore[no-untyped-def]
    """The question to mark, with its course and quiz (their titles head the entry)."""
    course = course_service.course_of(session, entry.attempt.version_id)
    item, quiz = service.quiz_of(course, entry.attempt)
    return drawing.question_index(quiz, course.banks)[entry.slot.question_id], course, item


@router.post("/grading/{answer_id:int}", name="quizzes:mark")
def mark(
    request: Request,
    answer_id: int,
    user: CohortGrader,
    session: SessionDep,
    points: Annotated[float, Form(ge=0, le=1000)],
    comment: Annotated[str, Form(max_length=2000)] = "",
    cohort_id: DbIdForm = None,
) -> Response:
    """Mark one answer, then back to the same queue (still narrowed to its cohort)."""
    marking.mark(session, answer_id, points, comment, user, lambda v: course_service.course_of(session, v))
    url = request.url_for("quizzes:grading")
    queue = str(url.include_query_params(cohort_id=cohort_id) if cohort_id else url)
    return redirect_to(request, queue, flash=gettext("Calificación guardada."))
