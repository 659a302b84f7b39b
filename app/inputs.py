"""Input a database cannot store is refused at the edge: 422 before any route or query sees it.

PostgreSQL refuses NUL in text, so a NUL anywhere in a path, a query string or a form would reach
the database as an error. A number in a path beyond the range of an id column (a 32-bit signed
integer on PostgreSQL) names nothing that can exist, so it is a 404 before any query overflows.
"""

import re
from collections.abc import Iterable
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Form, Query
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n
from app.security import MAX_BODY_BYTES, TOO_LARGE, send_page

DB_INT_MAX = 2**31 - 1  # PostgreSQL INTEGER; SQLite's 64-bit range is wider
# Characters that are never part of text a person types: C0 controls except tab, LF and CR, and DEL.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"[-+]?[0-9]{10,}")
_FORM = b"application/x-www-form-urlencoded"
_BODY_TYPES = (_FORM, b"multipart/form-data", b"application/json", b"text/")


# A query or form field that names a row: bounded like the column, so a larger number is a 422.
DbIdQuery = Annotated[int | None, Query(ge=0, le=DB_INT_MAX)]
DbIdForm = Annotated[int | None, Form(ge=0, le=DB_INT_MAX)]
DbIdFormRequired = Annotated[int, Form(ge=0, le=DB_INT_MAX)]


_DB_ID = re.compile(r"[0-9]{1,10}")


def as_db_id(text: str) -> int | None:
    """A whole number typed as text (a select's "" means none) that an id column can hold, else None.

    `str.isdigit` is not enough: it accepts "²" (which int() refuses) and 5,000 digits (which int() refuses
    too, and no column holds)."""
    if not _DB_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


def unstorable(values: Iterable[str]) -> bool:
    return any(_UNSTORABLE.search(value) for value in values)


def out_of_range(path: str) -> bool:
    """A path segment that is a whole number no id column can hold."""
    for part in path.split("/"):
        if _NUMBER.fullmatch(part):
            digits = part.lstrip("+-").lstrip("0")
            if len(digits) > 10 or int(digits or "0") > DB_INT_MAX:  # int() of 5,000 digits would raise
                return True
    return False


class InputGuardMiddleware:
    """Refuse (422) a path, query string or form carrying characters no text column can keep."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if unstorable([scope["path"]]) or unstorable(k + v for k, v in query):
            await _refuse(scope, receive, send)
            return
        if out_of_range(scope["path"]):
            await _not_found(scope, receive, send)
            return
        kind = _content_type(scope)
        if scope["method"] in ("GET", "HEAD") or not kind.startswith(_BODY_TYPES):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, self.max_bytes)
        if body is None:
            await send_page(send, 413, TOO_LARGE)  # a chunked body declares no length for the edge to refuse
            return
        if _bad_body(body, kind):
            await _refuse(scope, _replay(b""), send)
            return
        await self.app(scope, _replay(body), send)


def _content_type(scope: Scope) -> bytes:
    return next((v.lower() for n, v in scope["headers"] if n == b"content-type"), b"")


def _bad_body(body: bytes, kind: bytes) -> bool:
    if b"\x00" in body or (kind.startswith(b"application/json") and b"\\u0000" in body.lower()):
        return True
    if kind.startswith(_FORM):
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
        return unstorable(k + v for k, v in pairs)
    return False


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes `limit` (a chunked body declares no length)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    from app.web import render_error  # web imports access, which imports this package's neighbours

    message = i18n.gettext(
        "El texto enviado contiene caracteres no permitidos (caracteres de control). "
        "Quítelos e intente de nuevo."
    )
    response = render_error(Request(scope, receive), message, 422)
    await response(scope, receive, send)


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    from app.web import render_error

    response = render_error(Request(scope, receive), i18n.gettext("No encontramos esta página."), 404)
    await response(scope, receive, send)
