"""The login cookie as routes set, read and clear it (named `__Host-…` over HTTPS)."""

from fastapi import Request
from fastapi.responses import Response

from app.accounts.middleware import LANGUAGE_COOKIE, SESSION_COOKIE, cookie_header, cookie_name


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.https)


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(SESSION_COOKIE, _secure(request)))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    max_age = request.app.state.settings.session_absolute_hours * 3600
    name, secure = cookie_name(SESSION_COOKIE, _secure(request)), _secure(request)
    response.headers.append("set-cookie", cookie_header(name, token, secure=secure, max_age=max_age))


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        cookie_name(SESSION_COOKIE, _secure(request)),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )


def set_language_cookie(request: Request, response: Response, language: str) -> None:
    name = cookie_name(LANGUAGE_COOKIE, _secure(request))
    response.headers.append(
        "set-cookie", cookie_header(name, language, secure=_secure(request), max_age=365 * 86400)
    )
