"""The second login step (an authenticator code or a recovery code), and enrolling an authenticator."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import PUBLIC, CurrentUser, UserManager
from app.accounts import auth, service, totp
from app.accounts.cookies import session_token, set_session_cookie
from app.accounts.middleware import cookie_header, cookie_name
from app.accounts.models import SecondFactor, User
from app.db import SessionDep, write_after
from app.errors import DomainError, LoginRequired
from app.i18n import N_, gettext
from app.web import redirect, redirect_to, render, safe_next

router = APIRouter()
PENDING_COOKIE = "cascada_pending"
Code = Annotated[str, Form(max_length=100)]
Next = Annotated[str, Form(max_length=2000)]


def policy(request: Request) -> auth.ThrottlePolicy:
    settings = request.app.state.settings
    return auth.ThrottlePolicy(
        settings.login_max_failures,
        timedelta(minutes=settings.login_lockout_minutes),
        settings.login_max_failures_per_address,
    )


def continue_login(request: Request, session: SessionDep, user: User, next: str | None) -> Response:
    """After a right password: the second step if the user has (or must have) a factor, else logged in."""
    has_factor = totp.get_confirmed(session, user.id or 0) is not None
    if not has_factor and not totp.required(user, request.app.state.settings.admin_second_factor):
        return _logged_in(request, session, user, next)
    token = totp.start_pending(session, user)
    route = "accounts:login_code" if has_factor else "accounts:login_enrol"
    target = safe_next(next)
    url = str(request.url_for(route).include_query_params(next=target) if target else request.url_for(route))
    response = redirect_to(request, url)
    name, secure = (
        cookie_name(PENDING_COOKIE, request.app.state.settings.https),
        request.app.state.settings.https,
    )
    response.headers.append("set-cookie", cookie_header(name, token, secure=secure, max_age=600))
    return response


def _logged_in(
    request: Request, session: SessionDep, user: User, next: str | None, response: Response | None = None
) -> Response:
    token = auth.start_session(session, user, replacing=session_token(request))
    pending = _pending_token(request)
    if pending:
        totp.end_pending(session, pending)
    response = response or redirect_to(request, safe_next(next) or str(request.url_for("accounts:home")))
    set_session_cookie(request, response, token)
    response.delete_cookie(
        cookie_name(PENDING_COOKIE, request.app.state.settings.https),
        path="/",
        secure=request.app.state.settings.https,
        httponly=True,
        samesite="lax",
    )
    return response


def _pending_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(PENDING_COOKIE, request.app.state.settings.https))


def _pending_user(request: Request, session: SessionDep) -> User:
    user = totp.pending_user(session, _pending_token(request))
    if user is None:
        raise LoginRequired(N_("El paso de verificación venció. Inicie sesión de nuevo."))
    return user


@router.get("/login/code", name="accounts:login_code", dependencies=[PUBLIC])
def code_form(request: Request, session: SessionDep, next: str = "") -> Response:
    _pending_user(request, session)
    return render(request, "accounts/login_code.html", {"next": safe_next(next)})


@router.post("/login/code", name="accounts:login_code_check", dependencies=[PUBLIC])
def code_check(request: Request, session: SessionDep, code: Code = "", next: Next = "") -> Response:
    user = _pending_user(request, session)
    if not totp.check(session, user, code, policy(request)):
        message = gettext(
            "El código no es correcto o ya se usó. Escriba el código actual de su aplicación "
            "o un código de recuperación."
        )
        return render(
            request, "accounts/login_code.html", {"next": safe_next(next), "error": message}, status_code=422
        )
    return _logged_in(request, session, user, next)


@router.get("/login/enrol", name="accounts:login_enrol", dependencies=[PUBLIC])
def enrol_at_login(request: Request, session: SessionDep, next: str = "") -> Response:
    user = _pending_user(request, session)
    return _enrol_page(request, session, user, "accounts:login_enrol_confirm", next=safe_next(next))


@router.post("/login/enrol", name="accounts:login_enrol_confirm", dependencies=[PUBLIC])
def confirm_at_login(request: Request, session: SessionDep, code: Code = "", next: Next = "") -> Response:
    user = _pending_user(request, session)
    codes = totp.confirm(session, user, code, policy(request))
    if codes is None:
        return _enrol_page(
            request, session, user, "accounts:login_enrol_confirm", next=safe_next(next), error=True
        )
    page = render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "user": user, "next": safe_next(next) or "/"},
    )
    return _logged_in(request, session, user, next, response=page)


def _enrol_page(
    request: Request,
    session: SessionDep,
    user: User,
    action: str,
    *,
    next: str | None = None,
    error: bool = False,
) -> Response:
    factor = _enrolment_secret(request, session, user)
    uri = totp.provisioning_uri(factor, user)
    grouped = " ".join(factor.secret[i : i + 4] for i in range(0, len(factor.secret), 4))  # easier to type
    context = {
        "secret": grouped,
        "qr": totp.qr_svg(uri),
        "action": action,
        "next": next,
        "error": gettext(
            "El código no es correcto. Revise la hora del teléfono y escriba el "
            "código que la aplicación muestra ahora."
        )
        if error
        else None,
    }
    return render(request, "accounts/enrol.html", context, status_code=422 if error else 200)


def _enrolment_secret(request: Request, session: SessionDep, user: User) -> SecondFactor:
    """The secret being set up; on a GET page it is created in a write of its own (app/db.py)."""
    if request.method != "GET":
        return totp.enrolment_secret(session, user)
    with write_after(session) as own:
        return totp.enrolment_secret(own, user)


@router.get("/profile/second-factor", name="accounts:second_factor")
def second_factor(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    if totp.get_confirmed(session, user.id or 0) is not None:
        remaining = totp.remaining_recovery_codes(session, user.id or 0)
        return render(request, "accounts/second_factor.html", {"remaining": remaining})
    return _enrol_page(request, session, user, "accounts:second_factor_confirm")


@router.post("/profile/second-factor", name="accounts:second_factor_confirm")
def second_factor_confirm(
    request: Request, user: CurrentUser, session: SessionDep, code: Code = ""
) -> Response:
    codes = totp.confirm(session, user, code, policy(request))
    if codes is None:
        return _enrol_page(request, session, user, "accounts:second_factor_confirm", error=True)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/profile"})


@router.post("/admin/users/{user_id:int}/second-factor/reset", name="admin:reset_second_factor")
def reset_second_factor(request: Request, user_id: int, user: UserManager, session: SessionDep) -> Response:
    target = service.get_user(session, user_id)
    if target.id == user.id:
        raise DomainError(N_("No puede quitar su propio segundo factor; pídaselo a otro administrador."))
    totp.reset(session, target, actor=user)
    return redirect(request, "admin:edit_user", user_id=user_id)
