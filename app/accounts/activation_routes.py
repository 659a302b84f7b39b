"""Account activation with a one-time code handed out by an instructor: choose a password, then you are in."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import PUBLIC, MaybeUser
from app.accounts import activation, auth, factor_routes
from app.accounts.passwords import WeakPassword
from app.db import SessionDep
from app.i18n import gettext
from app.web import render, translate

router = APIRouter()


@router.get("/activate", name="accounts:activate_form")
def activate_form(request: Request, user: MaybeUser, username: str = "") -> Response:
    return render(request, "accounts/activate.html", {"username": username[:64]})


@router.post("/activate", name="accounts:activate", dependencies=[PUBLIC])
def activate(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    code: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Spend the code, set the password and log the person in; refusals never say which part was wrong."""
    settings = request.app.state.settings
    policy = auth.ThrottlePolicy(
        settings.login_max_failures, timedelta(minutes=settings.login_lockout_minutes)
    )
    context = {"username": username[:64]}
    try:
        result = activation.activate(session, request.app.state.hasher, username, code, password, policy)
    except WeakPassword as error:
        context |= {"error": translate(error), "error_field": "password"}
        return render(request, "accounts/activate.html", context, status_code=422)
    if isinstance(result, activation.Refusal):
        message = (
            gettext("Demasiados intentos fallidos. Espere %(minutes)s minutos e intente de nuevo.")
            % {"minutes": settings.login_lockout_minutes}
            if result is activation.Refusal.locked
            else gettext(
                "El usuario o el código no son correctos, o el código venció. Pida un código "
                "nuevo a su instructor."
            )
        )
        context |= {"error": message, "error_field": "code"}
        return render(request, "accounts/activate.html", context, status_code=422)
    return factor_routes.continue_login(request, session, result, None)
