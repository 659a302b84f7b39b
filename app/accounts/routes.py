"""Login, logout, the home page, and each user's own profile."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import PUBLIC, CurrentUser, MaybeUser
from app.accounts import auth, factor_routes, service
from app.accounts import home as home_page
from app.accounts.cookies import clear_session_cookie, session_token, set_language_cookie, set_session_cookie
from app.accounts.login_check import CheckedPassword
from app.db import SessionDep
from app.i18n import LANGUAGES, current_language, gettext
from app.web import redirect, redirect_to, render, safe_next, translate

router = APIRouter()


@router.get("/login", name="accounts:login_form")
def login_form(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect_to(request, safe_next(next) or str(request.url_for("accounts:home")))
    return render(request, "accounts/login.html", {"next": safe_next(next)})


@router.post("/login", name="accounts:login", dependencies=[PUBLIC])
def login(
    request: Request,
    checked: CheckedPassword,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    # `checked` comes first: the password is verified before this request's write transaction opens.
    address = request.client.host if request.client else ""
    result = auth.authenticate(session, checked, factor_routes.policy(request), address)
    if isinstance(result, auth.LoginRefusal):
        message = (
            gettext("Demasiados intentos fallidos desde este equipo. Espere unos minutos e intente de nuevo.")
            if result is auth.LoginRefusal.locked
            else gettext("Usuario o contraseña incorrectos.")
        )
        context = {"error": message, "username": username, "next": safe_next(next)}
        return render(request, "accounts/login.html", context, status_code=422)
    return factor_routes.continue_login(request, session, result, next)


@router.post("/logout", name="accounts:logout", dependencies=[PUBLIC])
def logout(request: Request, session: SessionDep) -> Response:
    token = session_token(request)
    if token:
        auth.log_out(session, token, request.scope["state"].get("user"))
    response = redirect(request, "accounts:login_form")
    clear_session_cookie(request, response)
    return response


@router.get("/", name="accounts:home")
def home(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """The person's work queue: what needs doing now, by role."""
    return render(
        request, "accounts/home.html", {**home_page.context(session, user), "lang": current_language()}
    )


@router.get("/profile", name="accounts:profile")
def profile(request: Request, user: CurrentUser) -> Response:
    return render(request, "accounts/profile.html")


@router.post("/profile/password", name="accounts:change_password")
def change_password(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    current_password: Annotated[str, Form(max_length=1000)] = "",
    new_password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        fresh = service.get_user(session, user.id or 0)
        token = service.change_password(
            session, request.app.state.hasher, fresh, current_password, new_password
        )
    except service.InvalidUser as error:
        context = {"password_error": translate(error), "error_field": error.field}
        return render(request, "accounts/profile.html", context, block="password", status_code=422)
    response = render(request, "accounts/profile.html", {"password_changed": True}, block="password")
    set_session_cookie(request, response, token)
    return response


@router.post("/profile/sex", name="accounts:sex")
def set_sex(
    request: Request, user: CurrentUser, session: SessionDep, sex: Annotated[str, Form(max_length=16)] = ""
) -> Response:
    """Optional: the figures for funders count people trained by sex, and "not stated" otherwise."""
    try:
        service.set_sex(session, service.get_user(session, user.id or 0), sex)
    except service.InvalidUser as error:
        return render(request, "accounts/profile.html", {"sex_error": translate(error)}, status_code=422)
    return redirect(request, "accounts:profile")


@router.post("/language", name="accounts:language")
def choose_language(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    language: Annotated[str, Form()] = "es",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Remember the language in a cookie, and in the profile of a logged-in user."""
    language = language if language in LANGUAGES else "es"
    if user is not None:
        service.set_language(session, service.get_user(session, user.id or 0), language)
    response = redirect_to(request, safe_next(next) or str(request.url_for("accounts:home")))
    set_language_cookie(request, response, language)
    return response
