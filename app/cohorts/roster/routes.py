"""Enrolment pages: members and activation, CSV upload → preview → import, join codes, joining by code."""

import base64
import binascii
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from app.access import CurrentUser
from app.accounts import activation
from app.accounts.auth import ThrottlePolicy
from app.cohorts import service as cohort_service
from app.cohorts.deps import CohortLeader, LedCohort
from app.cohorts.models import Cohort
from app.cohorts.roster import parsing as roster
from app.cohorts.roster import service as roster_service
from app.db import SessionDep
from app.i18n import gettext
from app.web import redirect, render, translate

router = APIRouter(prefix="/cohorts")
CHUNK = 64 * 1024


def _throttle_policy(request: Request) -> ThrottlePolicy:
    settings = request.app.state.settings
    return ThrottlePolicy(settings.login_max_failures, timedelta(minutes=settings.login_lockout_minutes))


@router.get("/roster-template.csv", name="cohorts:roster_template")
def roster_template(request: Request, user: CohortLeader) -> Response:
    """The columns of a roster, ready to fill in a spreadsheet."""
    return Response(
        roster.template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="planilla-participantes.csv"'},
    )


@router.get("/join", name="cohorts:join_form")
def join_form(request: Request, user: CurrentUser) -> Response:
    return render(request, "cohorts/join.html")


@router.post("/join", name="cohorts:join")
def join(
    request: Request, user: CurrentUser, session: SessionDep, code: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    result = roster_service.join(session, user, code, _throttle_policy(request))
    if isinstance(result, activation.Refusal):
        message = (
            gettext("Demasiados intentos fallidos. Espere %(minutes)s minutos e intente de nuevo.")
            % {"minutes": request.app.state.settings.login_lockout_minutes}
            if result is activation.Refusal.locked
            else gettext("Ese código no corresponde a ninguna cohorte. Revise las letras y los números.")
        )
        return render(request, "cohorts/join.html", {"error": message, "code": code}, status_code=422)
    return render(request, "cohorts/join.html", {"joined": result})


def _roster_context(request: Request, session: Session, cohort: Cohort, **extra: Any) -> dict[str, Any]:
    members = cohort_service.members(session, cohort)
    return {
        "cohort": cohort,
        "members": members,
        "statuses": activation.statuses(session, members),
        "join_url": str(request.url_for("cohorts:join_form")),
        "max_kb": roster.MAX_BYTES // 1024,
        "max_rows": roster.MAX_ROWS,
        **extra,
    }


@router.get("/{cohort_id:int}/roster", name="cohorts:roster")
def show(request: Request, cohort: LedCohort, session: SessionDep) -> Response:
    """Members with their activation status, the CSV upload form, and the join code."""
    return render(request, "cohorts/roster.html", _roster_context(request, session, cohort))


def _read_limited(upload: UploadFile | None) -> bytes:
    """The upload's bytes, reading no more than one chunk past the limit (parse() then says it is too big)."""
    if upload is None:
        return b""
    data = bytearray()
    while len(data) <= roster.MAX_BYTES:
        chunk = upload.file.read(CHUNK)
        if not chunk:
            break
        data.extend(chunk)
    return bytes(data)


def _preview(request: Request, session: SessionDep, cohort: Cohort, data: bytes) -> Response:
    parsed = roster.parse(data)
    plan = roster_service.plan(session, cohort, parsed)
    carried = base64.b64encode(data).decode() if plan.ok else ""
    context = {
        "cohort": cohort,
        "plan": plan,
        "roster": parsed,
        "carried": carried,
        "max_kb": roster.MAX_BYTES // 1024,
        "max_rows": roster.MAX_ROWS,
    }
    return render(request, "cohorts/roster_preview.html", context, status_code=200 if plan.ok else 422)


@router.post("/{cohort_id:int}/roster/preview", name="cohorts:roster_preview")
def preview(
    request: Request,
    cohort: LedCohort,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """What the file would do, row by row; nothing is stored."""
    data = _read_limited(file)
    if not data:
        return render(
            request,
            "cohorts/roster.html",
            _roster_context(
                request, session, cohort, upload_error=gettext("Elija un archivo CSV con datos.")
            ),
            status_code=422,
        )
    return _preview(request, session, cohort, data)


@router.post("/{cohort_id:int}/roster/import", name="cohorts:roster_import")
def import_roster(
    request: Request,
    cohort: LedCohort,
    user: CurrentUser,
    session: SessionDep,
    carried: Annotated[str, Form(max_length=roster.MAX_BYTES * 2)] = "",
) -> Response:
    """Import the previewed file, all or nothing, then show the new accounts' codes once."""
    try:
        data = base64.b64decode(carried, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        return render(
            request,
            "cohorts/roster.html",
            _roster_context(
                request, session, cohort, upload_error=gettext("Elija un archivo CSV con datos.")
            ),
            status_code=422,
        )
    parsed = roster.parse(data)
    if not roster_service.plan(session, cohort, parsed).ok:
        return _preview(request, session, cohort, data)
    plan, created = roster_service.apply(
        session, cohort, parsed, actor=user, code_lifetime=_code_lifetime(request)
    )
    return _codes(request, cohort, created, plan=plan)


def _codes(
    request: Request, cohort: Cohort, created: list[roster_service.NewAccount], **extra: Any
) -> Response:
    activate_url = str(request.url_for("accounts:activate_form"))
    return render(
        request,
        "cohorts/roster_codes.html",
        {
            "cohort": cohort,
            "created": created,
            "activate_url": activate_url,
            "code_hours": request.app.state.settings.activation_code_hours,
            **extra,
        },
    )


def _code_lifetime(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.activation_code_hours)


@router.post("/{cohort_id:int}/members/{user_id:int}/code", name="cohorts:new_code")
def new_code(
    request: Request, cohort: LedCohort, user_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    """A new activation code for one member who has not activated (the old code stops working)."""
    try:
        account = roster_service.reissue_code(
            session, cohort, user_id, actor=user, code_lifetime=_code_lifetime(request)
        )
    except roster_service.ImportConflict as error:
        context = _roster_context(request, session, cohort, upload_error=translate(error))
        return render(request, "cohorts/roster.html", context, status_code=409)
    return _codes(request, cohort, [account])


@router.post("/{cohort_id:int}/join-code", name="cohorts:join_code")
def join_code(
    request: Request,
    cohort: LedCohort,
    user: CurrentUser,
    session: SessionDep,
    action: Annotated[str, Form(max_length=20)] = "new",
) -> Response:
    """A new join code (the old one stops working), or none to close joining by code."""
    roster_service.set_join_code(session, cohort, enabled=action != "close", actor=user)
    done = (
        gettext("Inscripción con código cerrada.")
        if action == "close"
        else gettext("Código para unirse renovado.")
    )
    return redirect(request, "cohorts:roster", cohort_id=cohort.id, flash=done)
