"""In-person sessions: scheduling, roll call on a phone (one tap per officer), and the paper sheet."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import CurrentUser
from app.cohorts import service
from app.cohorts.deps import LedCohort
from app.cohorts.meetings import attendance
from app.cohorts.models import AttendanceStatus, Cohort, Meeting
from app.courses import service as course_service
from app.db import SessionDep
from app.i18n import gettext, ngettext
from app.inputs import as_db_id
from app.timeutil import local
from app.web import FormDep, is_htmx, redirect, render, translate

router = APIRouter(prefix="/cohorts")
Text = Annotated[str, Form(max_length=200)]


def _list_context(session: SessionDep, cohort: Cohort, **extra: object) -> dict[str, object]:
    return {
        "cohort": cohort,
        "sessions": attendance.meetings(session, cohort),
        "courses": service.courses(session, cohort),
        "values": {},
        "titles": course_service.titles(session),
        **extra,
    }


@router.get("/{cohort_id:int}/sessions", name="cohorts:sessions")
def meetings(request: Request, cohort: LedCohort, session: SessionDep) -> Response:
    return render(request, "cohorts/sessions.html", _list_context(session, cohort))


@router.post("/{cohort_id:int}/sessions", name="cohorts:add_session")
def add_meeting(
    request: Request,
    cohort: LedCohort,
    user: CurrentUser,
    session: SessionDep,
    day: Text = "",
    start: Text = "",
    hours: Text = "",
    place: Text = "",
    topic: Text = "",
    course_slug: Text = "",
) -> Response:
    form = attendance.MeetingForm(day, start, hours, place, topic, course_slug)
    try:
        created = attendance.add_meeting(session, cohort, form, actor=user)
    except attendance.InvalidMeeting as error:
        context = _list_context(session, cohort, values=form, error=translate(error), error_field=error.field)
        return render(request, "cohorts/sessions.html", context, status_code=422)
    return redirect(
        request,
        "cohorts:roll",
        cohort_id=cohort.id,
        session_id=created.id,
        flash=gettext("Sesión programada."),
    )


_STATES = {
    "states": list(AttendanceStatus),
    "labels": attendance.STATE_LABELS,
    "icons": attendance.STATE_ICONS,
}


def _roll_context(
    session: SessionDep, cohort: Cohort, meeting: Meeting, **extra: object
) -> dict[str, object]:
    entries = attendance.roll(session, meeting)
    return {
        "cohort": cohort,
        "meeting": meeting,
        "roll": entries,
        "counts": attendance.counts(entries),
        "courses": service.courses(session, cohort),
        "titles": course_service.titles(session),
        **_STATES,
        "when": {
            "day": local(meeting.starts_at).date().isoformat(),
            "start": local(meeting.starts_at).strftime("%H:%M"),
        },
        **extra,
    }


@router.get("/{cohort_id:int}/sessions/{session_id:int}", name="cohorts:roll")
def roll(request: Request, cohort: LedCohort, session_id: int, session: SessionDep) -> Response:
    meeting = attendance.cohort_meeting(session, cohort, session_id)
    return render(request, "cohorts/roll.html", _roll_context(session, cohort, meeting))


@router.post("/{cohort_id:int}/sessions/{session_id:int}", name="cohorts:update_session")
def update_meeting(
    request: Request,
    cohort: LedCohort,
    session_id: int,
    user: CurrentUser,
    session: SessionDep,
    day: Text = "",
    start: Text = "",
    hours: Text = "",
    place: Text = "",
    topic: Text = "",
    course_slug: Text = "",
) -> Response:
    """Move or change a session; calendars that subscribed get the new version."""
    meeting = attendance.cohort_meeting(session, cohort, session_id)
    form = attendance.MeetingForm(day, start, hours, place, topic, course_slug)
    try:
        attendance.update_meeting(session, cohort, meeting, form, actor=user)
    except attendance.InvalidMeeting as error:  # raised before anything changed
        context = _roll_context(session, cohort, meeting, error=translate(error), error_field=error.field)
        return render(request, "cohorts/roll.html", context, status_code=422)
    return redirect(
        request,
        "cohorts:roll",
        cohort_id=cohort.id,
        session_id=session_id,
        flash=gettext("Sesión actualizada."),
    )


@router.get("/{cohort_id:int}/sessions/{session_id:int}/sheet", name="cohorts:sheet")
def sheet(request: Request, cohort: LedCohort, session_id: int, session: SessionDep) -> Response:
    """A sheet to print, sign in the room, and enter afterwards."""
    meeting = attendance.cohort_meeting(session, cohort, session_id)
    return render(
        request,
        "cohorts/sheet.html",
        {"cohort": cohort, "meeting": meeting, "roll": attendance.roll(session, meeting)},
    )


@router.post("/{cohort_id:int}/sessions/{session_id:int}/attendance/{user_id:int}", name="cohorts:attend")
def attend(
    request: Request,
    cohort: LedCohort,
    session_id: int,
    user_id: int,
    user: CurrentUser,
    session: SessionDep,
    status: Annotated[str, Form(max_length=16)] = "",
    present: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """One tap: present, late, excused or absent. htmx (and the offline retry) get the officer's row back."""
    meeting = attendance.cohort_meeting(session, cohort, session_id)
    attendance.mark(session, meeting, user_id, attendance.parse_status(status, present), recorder=user)
    if is_htmx(request):
        entry = next(e for e in attendance.roll(session, meeting) if e.member.id == user_id)
        return render(
            request,
            "cohorts/roll.html",
            {"cohort": cohort, "meeting": meeting, "entry": entry, **_STATES},
            block="row",
        )
    return redirect(request, "cohorts:roll", cohort_id=cohort.id, session_id=session_id)


@router.post("/{cohort_id:int}/sessions/{session_id:int}/all-present", name="cohorts:attend_all_present")
def attend_all_present(
    request: Request, cohort: LedCohort, session_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    """ "Todos presentes": the members not yet taken are marked present."""
    meeting = attendance.cohort_meeting(session, cohort, session_id)
    count = attendance.mark_all_present(session, meeting, recorder=user)
    done = ngettext("%(num)d persona marcada presente.", "%(num)d personas marcadas presentes.", count)
    return redirect(
        request, "cohorts:roll", cohort_id=cohort.id, session_id=session_id, flash=done % {"num": count}
    )


@router.post("/{cohort_id:int}/sessions/{session_id:int}/attendance", name="cohorts:attend_all")
def attend_all(
    request: Request,
    cohort: LedCohort,
    session_id: int,
    user: CurrentUser,
    session: SessionDep,
    data: FormDep,
) -> Response:
    """The paper sheet entered afterwards: ticked officers present, the others absent."""
    meeting = attendance.cohort_meeting(session, cohort, session_id)
    present = {i for v in data.getlist("present") if isinstance(v, str) and (i := as_db_id(v)) is not None}
    count = attendance.mark_sheet(session, meeting, present, recorder=user)
    done = ngettext("Planilla guardada: %(num)d presente.", "Planilla guardada: %(num)d presentes.", count)
    return redirect(
        request, "cohorts:roll", cohort_id=cohort.id, session_id=session_id, flash=done % {"num": count}
    )
