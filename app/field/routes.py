"""Field mode: the installable app's manifest and service worker, the offline page, saved-course lists."""

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.access import PUBLIC, CourseReader
from app.courses import service as course_service
from app.db import SessionDep
from app.field.bundle import bundle
from app.i18n import current_language, gettext
from app.learning import service as learning
from app.web import render

router = APIRouter()

# The files every page loads: already in the browser's cache after the first page, so keeping them
# costs no transfer. The rest (quiz.js, images, the offline page) are kept when first used.
SHELL_ASSETS = ("app.css", "app.js", "field.js", "vendor/htmx-2.0.11.min.js")


@router.get("/sw.js", name="field:service_worker", dependencies=[PUBLIC])
def service_worker(request: Request) -> Response:
    """Served from the root so it may answer for every page; its version changes with every asset.

    Browsers ask for it again on navigations: an unchanged worker costs a 304, not its bytes.
    """
    source, version = _worker(request.app.state.settings.static_dir, _asset_urls(request))
    headers = {"Cache-Control": "no-cache", "ETag": f'"{version}"'}
    if request.headers.get("If-None-Match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(source.replace("__VERSION__", version), media_type="text/javascript", headers=headers)


def _asset_urls(request: Request) -> tuple[str, ...]:
    static_url = request.app.state.templates.env.globals["static_url"]
    return tuple(static_url(name) for name in SHELL_ASSETS)


@cache
def _worker(static_dir: Path, assets: tuple[str, ...]) -> tuple[str, str]:
    template = (static_dir / "sw.js").read_text()
    source = template.replace('"__ASSETS__"', ", ".join(f'"{url}"' for url in assets))
    return source, hashlib.sha256(source.encode()).hexdigest()[:10]


@router.get("/manifest.webmanifest", name="field:manifest", dependencies=[PUBLIC])
def manifest(request: Request) -> Response:
    icons = [
        {
            "src": f"/static/icons/icon-{size}.png",
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "name": "Cascada",
        "short_name": "Cascada",
        "lang": current_language(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0b5394",
        "background_color": "#ffffff",
        "description": gettext("Formación de formadores: cursos y cuestionarios que funcionan sin señal."),
        "icons": icons,
    }
    return JSONResponse(body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"})


@router.get("/offline", name="field:offline", dependencies=[PUBLIC])
def offline(request: Request) -> Response:
    """What the service worker shows for a page not saved on the device, instead of the browser's error."""
    return render(request, "field/offline.html")


@router.get("/field/courses/{slug}", name="field:bundle")
def course_bundle(slug: str, user: CourseReader, session: SessionDep) -> JSONResponse:
    """The pages to save of an enrolled course, in the officer's language, and their estimated size."""
    learning.enrolled(session, user, slug)
    version, course = course_service.published(session, slug)
    found = bundle(session, version, course, current_language())
    return JSONResponse(
        {"slug": found.slug, "version": found.version_id, "paths": found.paths, "bytes": found.bytes},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/field/versions", name="field:versions")
def versions(user: CourseReader, session: SessionDep) -> JSONResponse:
    """The published version of each enrolled course: a saved copy of an older one is stale."""
    return JSONResponse(
        {
            e.course_slug: course_service.published(session, e.course_slug)[0].id
            for e in learning.enrollments(session, user)
        }
    )
