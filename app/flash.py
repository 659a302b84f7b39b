"""One-time messages that confirm a change ("Práctica guardada."), carried across the redirect in a cookie.

The text is translated when the change is made and signed with the app's secret, so a forged cookie
shows nothing; the next page that renders it clears it. Nothing is kept in process memory.
"""

import base64
import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response

FLASH_COOKIE = "cascada_flash"
MAX_CHARS = 400


def _signature(request: Request, payload: str) -> str:
    secret = request.app.state.secret_key.encode()
    return hmac.new(secret, b"flash:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def set_flash(request: Request, response: Response, message: str) -> None:
    """Show `message` (already translated) on the next page this browser renders."""
    payload = base64.urlsafe_b64encode(message[:MAX_CHARS].encode()).decode().rstrip("=")
    response.set_cookie(
        FLASH_COOKIE,
        f"{payload}.{_signature(request, payload)}",
        max_age=120,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.https,
    )


def pending(request: Request) -> str | None:
    """The message waiting for this request, if its signature holds."""
    payload, _, signature = request.cookies.get(FLASH_COOKIE, "").partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(request, payload)):
        return None
    try:
        return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def clear(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax")
