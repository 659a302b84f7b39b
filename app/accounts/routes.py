"""Login, logout, the home page, and each user's own profile."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import PUBLIC, CurrentUser, MaybeUser
from app.accounts import auth, service
from app.accounts import home as home_page
from app.accounts.login_check import CheckedPassword
from app.accounts.middleware import LANGUAGE_COOKIE, SESSION_COOKIE, cookie_header
from app.db import SessionDep
from app.i18n import LANGUAGES, current_language, gettext
from app.web import redirect, redirect_to, render, translate

router = APIRouter()


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute or protocol-relative URL."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@router.get("/login", name="accounts:login_form")
def login_form(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect_to(request, _safe_next(next) or str(request.url_for("accounts:home")))
    return render(request, "accounts/login.html", {"next": _safe_next(next)})


@router.post("/login", name="accounts:login", dependencies=[PUBLIC])
def login(request: Request, checked: CheckedPassword, session: SessionDep,
          username: Annotated[str, Form(max_length=200)] = "", next: Annotated[str, Form()] = "") -> Response:
    # `checked` comes first: the password is verified before this request's write transaction opens.
    settings = request.app.state.settings
    policy = auth.ThrottlePolicy(settings.login_max_failures, timedelta(minutes=settings.login_lockout_minutes))
    result = auth.authenticate(session, checked, policy)
    if isinstance(result, auth.LoginRefusal):
        message = (gettext("Demasiados intentos fallidos. Espere %(minutes)s minutos e intente de nuevo.")
                   % {"minutes": settings.login_lockout_minutes}
                   if result is auth.LoginRefusal.locked else gettext("Usuario o contraseña incorrectos."))
        context = {"error": message, "username": username, "next": _safe_next(next)}
        return render(request, "accounts/login.html", context, status_code=422)
    token = auth.start_session(session, result, replacing=request.cookies.get(SESSION_COOKIE))
    response = redirect_to(request, _safe_next(next) or str(request.url_for("accounts:home")))
    _set_session_cookie(request, response, token)
    return response


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    max_age = settings.session_absolute_hours * 3600
    response.headers.append("set-cookie", cookie_header(SESSION_COOKIE, token, secure=settings.https,
                                                         max_age=max_age))


@router.post("/logout", name="accounts:logout", dependencies=[PUBLIC])
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.end_session(session, token)
    response = redirect(request, "accounts:login_form")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/", name="accounts:home")
def home(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """The person's work queue: what needs doing now, by role."""
    return render(request, "accounts/home.html", {**home_page.context(session, user), "lang": current_language()})


@router.get("/profile", name="accounts:profile")
def profile(request: Request, user: CurrentUser) -> Response:
    return render(request, "accounts/profile.html")


@router.post("/profile/password", name="accounts:change_password")
def change_password(request: Request, user: CurrentUser, session: SessionDep,
                    current_password: Annotated[str, Form(max_length=1000)] = "",
                    new_password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    try:
        fresh = service.get_user(session, user.id or 0)
        token = service.change_password(session, request.app.state.hasher, fresh, current_password, new_password)
    except service.InvalidUser as error:
        context = {"password_error": translate(error), "error_field": error.field}
        return render(request, "accounts/profile.html", context, block="password", status_code=422)
    response = render(request, "accounts/profile.html", {"password_changed": True}, block="password")
    _set_session_cookie(request, response, token)
    return response


@router.post("/profile/sex", name="accounts:sex")
def set_sex(request: Request, user: CurrentUser, session: SessionDep,
            sex: Annotated[str, Form(max_length=16)] = "") -> Response:
    """Optional: the figures for funders count people trained by sex, and "not stated" otherwise."""
    try:
        service.set_sex(session, service.get_user(session, user.id or 0), sex)
    except service.InvalidUser as error:
        return render(request, "accounts/profile.html", {"sex_error": translate(error)}, status_code=422)
    return redirect(request, "accounts:profile")


@router.post("/language", name="accounts:language")
def choose_language(request: Request, session: SessionDep, user: MaybeUser,
                    language: Annotated[str, Form()] = "es", next: Annotated[str, Form()] = "") -> Response:
    """Remember the language in a cookie, and in the profile of a logged-in user."""
    language = language if language in LANGUAGES else "es"
    if user is not None:
        service.set_language(session, service.get_user(session, user.id or 0), language)
    response = redirect_to(request, _safe_next(next) or str(request.url_for("accounts:home")))
    response.headers.append("set-cookie", cookie_header(LANGUAGE_COOKIE, language,
                                                         secure=request.app.state.settings.https,
                                                         max_age=365 * 86400))
    return response
