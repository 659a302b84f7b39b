"""In-person sessions: scheduling, roll call on a phone (one tap per officer), and the paper sheet."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import CurrentUser
from app.cohorts import attendance, service
from app.cohorts.deps import LedCohort
from app.cohorts.models import Cohort
from app.courses import service as course_service
from app.db import SessionDep
from app.inputs import as_db_id
from app.web import FormDep, is_htmx, redirect, render, translate

router = APIRouter(prefix="/cohorts")
Text = Annotated[str, Form(max_length=200)]


def _list_context(session: SessionDep, cohort: Cohort, **extra: object) -> dict[str, object]:
    return {"cohort": cohort, "sessions": attendance.sessions(session, cohort),
            "courses": service.courses(session, cohort), "values": {},
            "titles": course_service.titles(session), **extra}


@router.get("/{cohort_id:int}/sessions", name="cohorts:sessions")
def sessions(request: Request, cohort: LedCohort, session: SessionDep) -> Response:
    return render(request, "cohorts/sessions.html", _list_context(session, cohort))


@router.post("/{cohort_id:int}/sessions", name="cohorts:add_session")
def add_session(request: Request, cohort: LedCohort, session: SessionDep, day: Text = "", start: Text = "",
                hours: Text = "", place: Text = "", topic: Text = "", course_slug: Text = "") -> Response:
    form = attendance.SessionForm(day, start, hours, place, topic, course_slug)
    try:
        created = attendance.add_session(session, cohort, form)
    except attendance.InvalidSession as error:
        context = _list_context(session, cohort, values=form, error=translate(error), error_field=error.field)
        return render(request, "cohorts/sessions.html", context, status_code=422)
    return redirect(request, "cohorts:roll", cohort_id=cohort.id, session_id=created.id)


@router.get("/{cohort_id:int}/sessions/{session_id:int}", name="cohorts:roll")
def roll(request: Request, cohort: LedCohort, session_id: int, session: SessionDep) -> Response:
    meeting = attendance.cohort_session(session, cohort, session_id)
    return render(request, "cohorts/roll.html", {"cohort": cohort, "meeting": meeting,
                                                 "roll": attendance.roll(session, meeting)})


@router.get("/{cohort_id:int}/sessions/{session_id:int}/sheet", name="cohorts:sheet")
def sheet(request: Request, cohort: LedCohort, session_id: int, session: SessionDep) -> Response:
    """A sheet to print, sign in the room, and enter afterwards."""
    meeting = attendance.cohort_session(session, cohort, session_id)
    return render(request, "cohorts/sheet.html", {"cohort": cohort, "meeting": meeting,
                                                  "roll": attendance.roll(session, meeting)})


@router.post("/{cohort_id:int}/sessions/{session_id:int}/attendance/{user_id:int}", name="cohorts:attend")
def attend(request: Request, cohort: LedCohort, session_id: int, user_id: int, user: CurrentUser,
           session: SessionDep, present: Annotated[bool, Form()]) -> Response:
    """One tap: present or absent. htmx (and the offline retry) get the officer's row back."""
    meeting = attendance.cohort_session(session, cohort, session_id)
    attendance.mark(session, meeting, user_id, present, recorder=user)
    if is_htmx(request):
        entry = next(e for e in attendance.roll(session, meeting) if e.member.id == user_id)
        return render(request, "cohorts/roll.html", {"cohort": cohort, "meeting": meeting, "entry": entry},
                      block="row")
    return redirect(request, "cohorts:roll", cohort_id=cohort.id, session_id=session_id)


@router.post("/{cohort_id:int}/sessions/{session_id:int}/attendance", name="cohorts:attend_all")
def attend_all(request: Request, cohort: LedCohort, session_id: int, user: CurrentUser, session: SessionDep,
               data: FormDep) -> Response:
    """The paper sheet entered afterwards: ticked officers present, the others absent."""
    meeting = attendance.cohort_session(session, cohort, session_id)
    present = {as_db_id(v) for v in data.getlist("present") if isinstance(v, str)} - {None}
    attendance.mark_sheet(session, meeting, present, recorder=user)
    return redirect(request, "cohorts:roll", cohort_id=cohort.id, session_id=session_id)
