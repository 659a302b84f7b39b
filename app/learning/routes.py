"""An officer's path through a course: enrol, continue where they left off, mark lessons read."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import CourseReader
from app.courses import evaluation
from app.db import SessionDep
from app.i18n import gettext
from app.learning import service
from app.web import redirect

router = APIRouter(prefix="/learn")


@router.post("/{slug}/enroll", name="learning:enroll")
def enroll(request: Request, slug: str, user: CourseReader, session: SessionDep) -> Response:
    service.enroll(session, user, slug)
    return redirect(
        request, "learning:continue", slug=slug, flash=gettext("Inscripción hecha: ya puede empezar.")
    )


@router.get("/{slug}/continue", name="learning:continue")
def continue_course(request: Request, slug: str, user: CourseReader, session: SessionDep) -> Response:
    """The next unfinished lesson, case or quiz; the course page once everything is done."""
    progress = service.progress(session, service.enrolled(session, user, slug))
    if service.pre_test_pending(session, progress.enrollment, progress.course):
        return redirect(request, "quizzes:overview", slug=slug, quiz_id=evaluation.PRE_TEST)
    step = progress.next_item
    if step is None:
        return redirect(request, "courses:course", slug=slug)
    if step.kind == "quiz":
        return redirect(request, "quizzes:overview", slug=slug, quiz_id=step.id)
    return redirect(request, "courses:item", slug=slug, item_id=step.id)


@router.post("/{slug}/{item_id}/done", name="learning:mark_done")
def mark_done(request: Request, slug: str, item_id: str, user: CourseReader, session: SessionDep) -> Response:
    """Mark as read, then move on."""
    found = service.follow_published(session, service.enrolled(session, user, slug))
    service.mark_done(session, found, item_id)
    return redirect(request, "learning:continue", slug=slug)
