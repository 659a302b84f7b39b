"""Who is asking, and in which language: resolved once per request before any route runs."""

import secrets
from datetime import datetime

import anyio
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts import auth
from app.accounts.models import User
from app.db import run_write, transaction
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, negotiate, set_language
from app.security import CSRF_COOKIE
from app.timeutil import utcnow

SESSION_COOKIE = "cascada_session"
LANGUAGE_COOKIE = "cascada_lang"


class SessionMiddleware:
    """Loads the session's user into `scope["state"]` and sets the request language."""

    def __init__(self, app: ASGIApp, engine: Engine, policy: auth.SessionPolicy, secure: bool) -> None:
        self.app, self.engine, self.policy, self.secure = app, engine, policy, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope, self.secure)
        token = cookies.get(SESSION_COOKIE)
        user = await self._load_user(token) if token else None
        state = scope.setdefault("state", {})
        state["user"], state["session_token"] = user, token if user else None
        state["csrf_id"] = cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)
        set_language(_language(user, cookies, scope))
        if user is None and CSRF_COOKIE not in cookies:
            send = self._setting_csrf_cookie(send, state["csrf_id"])
        await self.app(scope, receive, send)

    async def _load_user(self, token: str) -> User | None:
        found = await anyio.to_thread.run_sync(self._find, token)
        if found is None:
            return None
        user_session, user = found
        now = utcnow()
        expired = auth.is_expired(user_session, user, self.policy, now)
        if expired or auth.needs_touch(user_session, now):  # once a minute per session at most
            await run_write(self.engine, _touch_or_end, user_session.id, expired, now)
        return None if expired else user

    def _find(self, token: str) -> tuple[auth.LoginTimes, User] | None:
        with transaction(self.engine) as session:
            return auth.find_session(session, token)

    def _setting_csrf_cookie(self, send: Send, csrf_id: str) -> Send:
        name = cookie_name(CSRF_COOKIE, self.secure)
        cookie = cookie_header(name, csrf_id, secure=self.secure, max_age=None)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        return send_with_cookie


def _touch_or_end(session: Session, session_id: int, expired: bool, now: datetime) -> None:
    if expired:
        auth.delete_session(session, session_id)
    else:
        auth.touch_session(session, session_id, now)


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def cookie_name(name: str, secure: bool) -> str:
    """Over HTTPS the `__Host-` prefix makes browsers refuse the cookie unless Secure, Path=/, no Domain."""
    return f"__Host-{name}" if secure else name


def _cookies(scope: Scope, secure: bool) -> dict[str, str]:
    """Our cookies by their unprefixed names; values that are not printable ASCII are dropped.

    Starlette's parser, as browsers read cookies: a malformed pair is skipped, not the whole header
    (http.cookies.SimpleCookie dropped them all, and cost a thirtieth of a lesson page)."""
    raw = b"; ".join(value for name, value in scope["headers"] if name == b"cookie").decode("latin-1")
    prefix = "__Host-" if secure else ""
    return {
        name.removeprefix(prefix): value
        for name, value in cookie_parser(raw).items()
        if name.startswith(prefix) and value.isascii() and value.isprintable()
    }


def _language(user: User | None, cookies: dict[str, str], scope: Scope) -> str:
    if user is not None and user.language in LANGUAGES:
        return user.language
    if cookies.get(LANGUAGE_COOKIE) in LANGUAGES:
        return cookies[LANGUAGE_COOKIE]
    accept = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"accept-language"), None)
    return negotiate(accept) or DEFAULT_LANGUAGE
