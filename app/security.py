"""CSRF tokens and the security headers every response carries."""

import hashlib
import hmac
from typing import Any

from starlette.requests import Request
from starlette.types import Scope, Send

CSRF_COOKIE = "cascada_csrf"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _csrf_basis(scope: Scope) -> str:
    state = scope.get("state", {})
    token = state.get("session_token")
    return f"session:{token}" if token else f"anonymous:{state.get('csrf_id', '')}"


def csrf_token(request: Request) -> str:
    """The token forms carry: bound to the login session, or to the anonymous CSRF cookie."""
    secret = request.app.state.secret_key.encode()
    return hmac.new(secret, _csrf_basis(request.scope).encode(), hashlib.sha256).hexdigest()


def csrf_token_is_valid(request: Request, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_token(request), submitted or "")


HSTS = b"max-age=31536000; includeSubDomains"  # one year: browsers then refuse plain HTTP to this host


def add_headers(headers: list[Any], scope: Scope, *, hsts: bool) -> None:
    """CSP without inline script, no framing, no sniffing, HSTS over HTTPS; pages are not cached, versioned
    assets are, for a year."""
    present = {name.lower() for name, _ in headers}
    versioned_asset = scope["path"].startswith("/static/") and b"v=" in scope.get("query_string", b"")
    headers += [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if b"cache-control" not in present:
        policy = b"public, max-age=31536000, immutable" if versioned_asset else b"no-store"
        headers.append((b"cache-control", policy))
    if hsts:
        headers.append((b"strict-transport-security", HSTS))


MAX_BODY_BYTES = 1024 * 1024  # the largest thing anyone sends is a roster CSV (256 KB)
TOO_LARGE = (
    '<!doctype html><html lang="es"><meta charset="utf-8"><title>413</title>'
    "<h1>El envío es demasiado grande / The upload is too large</h1>"
    "<p>El máximo es 1 MB. / The limit is 1 MB.</p></html>"
).encode()


def declared_body_size(scope: Scope) -> int:
    """The body's declared length: one over the limit is refused before any form parser spools it to disk."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


Headers = tuple[tuple[bytes, bytes], ...]


async def send_page(send: Send, status: int, page: bytes, headers: Headers = ()) -> None:
    """A fixed page sent straight from the edge, before any route or template (413, 503)."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(page)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": page})
