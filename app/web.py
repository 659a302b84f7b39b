"""The thin web layer: templates, render/redirect, and error pages in the user's language."""

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import jinja2
from fastapi import Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from app import audit, formats, i18n
from app import flash as flashes
from app.access import Permission, can
from app.accounts.departments import DEPARTMENTS, department_name
from app.courses import pages
from app.db import transaction
from app.errors import CsrfFailed, DomainError, Forbidden, LoginRequired
from app.security import csrf_token

log = logging.getLogger("cascada")
ROLE_NAMES = {
    "officer": i18n.N_("Oficial"),
    "instructor": i18n.N_("Instructor/a"),
    "admin": i18n.N_("Administrador/a"),
    "commission": i18n.N_("Miembro de comisión"),
}


def make_templates(directory: Path, static_dir: Path) -> Jinja2Blocks:
    # auto_reload off: templates ship with the code, and checking each file's mtime on every render
    # cost 3 % of a lesson page; a restart (about a second) picks up an edited template.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates = Jinja2Blocks(env=env)
    env.globals["url_for"] = _path_for  # paths, not absolute URLs: lighter pages, proxy-agnostic
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        csrf_token=csrf_token,
        current_language=i18n.current_language,
        language_names=i18n.LANGUAGE_NAMES,
        departments=DEPARTMENTS,
        department_name=department_name,
        can=can,
        role_name=lambda role: i18n.gettext(ROLE_NAMES[role]),
        Permission=Permission,
        text=pages.text,  # a course's bilingual Text in the given language
        static_url=lambda path: f"/static/{path}?v={_asset_version(static_dir / path)}",
    )
    env.filters["fromjson"] = json.loads
    # Numbers and dates in the reader's language: one place for every template (app/formats.py).
    env.filters.update(
        local_datetime=formats.moment, day=formats.day, decimal=formats.decimal, percent=formats.percent
    )
    return templates


@jinja2.pass_context
def _path_for(context: dict[str, Any], name: str, /, **params: Any) -> str:
    app = context["request"].app
    route = app.state.routes_by_name.get(name)
    return str(route.url_path_for(name, **params) if route else app.url_path_for(name, **params))


def routes_by_name(routes: Iterable[BaseRoute]) -> dict[str, BaseRoute]:
    """Named routes for url_for: Starlette tries every route in turn and raises on each miss, which cost a
    lesson page 6 % of its time. The first route of a name wins, as in Starlette."""
    found: dict[str, BaseRoute] = {}
    for route in routes:
        name = getattr(route, "name", None)
        if name:
            found.setdefault(name, route)
    return found


@cache
def _asset_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


async def form_data(request: Request) -> FormData:
    """The submitted form, for routes whose fields depend on the data (parsed once per request)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def public_base_url(request: Request) -> str:
    """CASCADA_BASE_URL, or (development only: production requires it) the address this request came to."""
    return (request.app.state.settings.base_url or str(request.base_url)).rstrip("/")


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    flash: str | None = None,
) -> Response:
    """Render the page, or only `block` of it when htmx asked for a fragment.

    `flash` (or one left by the previous redirect) confirms a change: in the page's alert area, or
    for an htmx fragment swapped into it out of band.
    """
    templates: Jinja2Blocks = request.app.state.templates
    waiting = flashes.FLASH_COOKIE in request.cookies and status_code < 400
    message = flash or (flashes.pending(request) if waiting else None)
    user = request.scope.get("state", {}).get("user")
    block_name = block if block and is_htmx(request) else None
    counts = (
        request.app.state.nav_counts(request, user) if user and not block_name and status_code < 400 else {}
    )
    context = {"user": user, "flash": message, "nav_counts": counts, **(context or {})}
    response = templates.TemplateResponse(
        request, name, context, status_code=status_code, block_name=block_name
    )
    if block_name and message:
        _append_alert(response, message)
    if waiting:
        flashes.clear(response)
    return response


def _append_alert(response: Response, message: str) -> None:
    alert = Markup(
        '<div id="alerts" aria-live="polite" hx-swap-oob="innerHTML"><p class="notice" role="status">'
        "{}</p></div>"
    ).format(message)
    response.body = bytes(response.body) + str(alert).encode()
    response.headers["content-length"] = str(len(response.body))


def redirect(request: Request, route: str, *, flash: str | None = None, **params: Any) -> Response:
    """303 after a POST; htmx requests get HX-Redirect so the whole page navigates."""
    return redirect_to(request, str(request.url_for(route, **params)), flash=flash)


def safe_next(target: str | None) -> str | None:
    r"""Only a path on this site. Browsers drop tabs and newlines inside URLs and read a backslash as `/`, so
    `/\t/evil.example` would become `//evil.example`: any whitespace, control character or
    backslash, or a second leading slash, disqualifies the target."""
    if not target or not target.startswith("/") or target.startswith("//") or len(target) > 2000:
        return None
    if any(c.isspace() or c == "\\" or ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def redirect_to(request: Request, url: str, *, flash: str | None = None) -> Response:
    response: Response = (
        Response(status_code=200, headers={"HX-Redirect": url})
        if is_htmx(request)
        else RedirectResponse(url, status_code=303)
    )
    if flash:
        flashes.set_flash(request, response, flash)
    return response


def translate(error: DomainError) -> str:
    message = i18n.gettext(error.message)
    return message % error.params if error.params else message


# An error answers an htmx request in the page's alert area, whatever the element asked to swap:
# no section of the page (search results, a form) is ever replaced by an error message.
HTMX_ERROR_HEADERS = {"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}


def render_error(request: Request, message: str, status: int, **context: Any) -> Response:
    """The error page, or for htmx only its message, sent to #alerts (and kept out of the history)."""
    response = render(
        request,
        "errors/error.html",
        {"message": message, "status": status, **context},
        block="message",
        status_code=status,
    )
    if is_htmx(request):
        response.headers.update(HTMX_ERROR_HEADERS)
    return response


def render_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, LoginRequired):
        return _to_login(request)
    if isinstance(exc, Forbidden | CsrfFailed):
        _record_refusal(request, exc)
    response = render_error(request, translate(exc), exc.status_code)
    response.headers.update(getattr(exc, "headers", {}))  # e.g. Retry-After on a 503
    return response


def _record_refusal(request: Request, exc: DomainError) -> None:
    """A refused access goes in the audit log, in its own transaction: the request's was rolled back."""
    user = request.scope.get("state", {}).get("user")
    try:
        with transaction(request.app.state.engine, write=True) as session:
            audit.record(
                session,
                getattr(user, "id", None),
                "access.refused",
                None,
                method=request.method,
                path=request.url.path[:300],
                reason=type(exc).__name__,
            )
    except Exception:  # the refusal itself must still be answered
        log.exception("could not record a refused access")


def _to_login(request: Request) -> Response:
    login_url = str(request.url_for("accounts:login_form").include_query_params(next=_return_path(request)))
    if request.method not in ("GET", "HEAD"):
        # The page (and what is typed on it) stays; the message says how to get back.
        return render_error(
            request, i18n.gettext("Su sesión terminó. Inicie sesión de nuevo."), 401, login_url=login_url
        )
    return redirect_to(request, login_url)


def _return_path(request: Request) -> str:
    """Where to come back after logging in: this page, or for a form post the page it was on."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    parsed = urlsplit(page)
    if parsed.netloc == request.url.netloc and parsed.path.startswith("/"):
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return "/"


HTTP_MESSAGES = {
    403: i18n.N_("No tiene permiso para ver esta página."),
    404: i18n.N_("No encontramos esta página."),
    405: i18n.N_("Esta acción no está disponible aquí."),
}


def render_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = i18n.gettext(HTTP_MESSAGES.get(exc.status_code, i18n.N_("La solicitud no es válida.")))
    return render_error(request, message, exc.status_code)


def render_validation_error(request: Request, exc: Exception) -> Response:
    message = i18n.gettext("Faltan datos o no son válidos. Revise el formulario e intente de nuevo.")
    return render_error(request, message, 422)


def render_server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    try:
        message = i18n.gettext("Algo salió mal de nuestro lado. Intente de nuevo en un momento.")
        return render(request, "errors/error.html", {"message": message, "status": 500}, status_code=500)
    except Exception:  # the error page itself failed: answer with the least that can work
        return JSONResponse({"error": "internal"}, status_code=500)
