"""Officers' sessions: a page in the app, and iCalendar feeds a phone's calendar can subscribe to."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import PUBLIC, CurrentUser
from app.accounts.models import User
from app.cohorts.meetings import calendar
from app.cohorts.models import Cohort
from app.db import SessionDep
from app.errors import NotFound
from app.i18n import N_, gettext
from app.web import render

router = APIRouter(prefix="/calendar")
ICS = "text/calendar; charset=utf-8"


@router.get("", name="calendar:mine")
def mine(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """The in-person sessions of the person's cohorts, and the address to add them to a phone's calendar."""
    return render(
        request,
        "cohorts/calendar.html",
        {
            "entries": calendar.person_meetings(session, user),
            "feed_url": calendar.person_feed_url(request, user),
        },
    )


@router.get("/person/{user_id:int}/{token}.ics", name="calendar:person_feed", dependencies=[PUBLIC])
def person_feed(request: Request, user_id: int, token: str, session: SessionDep) -> Response:
    found = session.get(User, user_id)
    if (
        found is None
        or not found.active
        or not calendar.token_is_valid(request.app.state.secret_key, "user", user_id, token)
    ):
        raise NotFound(N_("No encontramos este calendario."))
    body = calendar.ics(
        gettext("Sesiones de %(name)s") % {"name": found.full_name},
        calendar.person_meetings(session, found),
        host=calendar.host_of(request),
    )
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, max-age=300"})


@router.get("/cohort/{cohort_id:int}/{token}.ics", name="calendar:cohort_feed", dependencies=[PUBLIC])
def cohort_feed(request: Request, cohort_id: int, token: str, session: SessionDep) -> Response:
    found = session.get(Cohort, cohort_id)
    if found is None or not calendar.token_is_valid(request.app.state.secret_key, "cohort", cohort_id, token):
        raise NotFound(N_("No encontramos este calendario."))
    body = calendar.ics(found.name, calendar.cohort_meetings(session, found), host=calendar.host_of(request))
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, max-age=300"})
