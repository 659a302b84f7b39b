"""Reading courses: the catalog, a course, its lessons and cases, glossary, sources, facilitator notes."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import CourseManager, CourseReader, Facilitator
from app.courses import pages, service
from app.db import SessionDep
from app.errors import NotFound
from app.i18n import N_, current_language, gettext
from app.learning import service as learning
from app.web import redirect, render

router = APIRouter()


def _context(**values: object) -> dict[str, object]:
    return {"lang": current_language(), "text": pages.text, **values}


@router.get("/courses", name="courses:catalog")
def catalog_page(request: Request, user: CourseReader, session: SessionDep) -> Response:
    entries = service.published_courses(session)
    return render(request, "courses/catalog.html", _context(entries=entries))


@router.get("/courses/{slug}", name="courses:course")
def course_page(request: Request, slug: str, user: CourseReader, session: SessionDep) -> Response:
    version, course = service.published(session, slug)
    enrollment = learning.enrollment(session, user, slug)
    progress = learning.progress(session, enrollment) if enrollment else None
    return render(
        request,
        "courses/course.html",
        _context(
            version=version,
            course=course,
            progress=progress,
            outline=pages.outline(course, request.app.url_path_for),
        ),
    )


@router.get("/courses/{slug}/glossary", name="courses:glossary")
def glossary(request: Request, slug: str, user: CourseReader, session: SessionDep) -> Response:
    version, course = service.published(session, slug)
    return render(request, "courses/glossary.html", _context(version=version, course=course))


@router.get("/courses/{slug}/sources", name="courses:sources")
def sources(request: Request, slug: str, user: CourseReader, session: SessionDep) -> Response:
    version, course = service.published(session, slug)
    return render(request, "courses/sources.html", _context(version=version, course=course))


@router.get("/courses/{slug}/modules/{module_id}/facilitator", name="courses:facilitator")
def facilitator_notes(
    request: Request, slug: str, module_id: str, user: Facilitator, session: SessionDep
) -> Response:
    version, course = service.published(session, slug)
    module = next((m for m in course.modules if m.id == module_id), None)
    if module is None:
        raise NotFound(N_("No encontramos esta página."))
    html = pages.render(pages.body(module.facilitator, current_language()), course, version.id)
    return render(request, "courses/facilitator.html", _context(course=course, module=module, html=html))


@router.get("/courses/{slug}/v{version_id:int}/images/{name}", name="courses:image")
def image(slug: str, version_id: int, name: str, user: CourseReader, session: SessionDep) -> Response:
    path = f"images/{name}"
    media_type = pages.MIME_TYPES.get(name[name.rfind(".") :].lower())
    if media_type is None or service.course_of(session, version_id).slug != slug:
        raise NotFound(N_("No encontramos esta página."))
    return Response(
        service.asset(session, version_id, path),
        media_type=media_type,
        headers={
            "Cache-Control": "private, max-age=31536000, immutable",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        },
    )


@router.get("/courses/{slug}/{item_id}", name="courses:item")
def item_page(request: Request, slug: str, item_id: str, user: CourseReader, session: SessionDep) -> Response:
    version, course = service.published(session, slug)
    item = course.item(item_id)
    if item is None:
        raise NotFound(N_("No encontramos esta página."))
    reader = learning.reading(session, user, slug, item_id)
    # The pre-test is asked for where a course is entered ("Comenzar"/"Continuar", learning.routes), not
    # on every lesson: a lesson saved on the phone must open without signal, where no quiz can be taken.
    if not item.module_id:  # the pre- and post-test forms live on the quiz pages
        return redirect(request, "quizzes:overview", slug=slug, quiz_id=item.id)
    if item.kind == "quiz" and reader.enrolled:  # one intro page per quiz: the quiz's own
        return redirect(request, "quizzes:overview", slug=slug, quiz_id=item_id)
    html = pages.render(pages.body(item.body, current_language()), course, version.id) if item.body else ""
    previous, following = pages.neighbours(course, item_id)
    module = next(m for m in course.modules if m.id == item.module_id)
    size = pages.quiz_size(course, item.quiz) if item.quiz else 0
    return render(
        request,
        "courses/item.html",
        _context(
            course=course,
            item=item,
            html=html,
            module=module,
            previous=previous,
            following=following,
            quiz_size=size,
            enrolled=reader.enrolled,
            done=reader.read,
        ),
    )


@router.get("/admin/courses", name="courses:versions")
def versions(request: Request, user: CourseManager, session: SessionDep) -> Response:
    return render(
        request,
        "courses/versions.html",
        {"versions": service.versions(session), "titles": service.titles(session)},
    )


@router.post("/admin/courses/versions/{version_id:int}/publish", name="courses:publish")
def publish(request: Request, version_id: int, user: CourseManager, session: SessionDep) -> Response:
    service.publish(session, version_id, actor=user)
    return redirect(request, "courses:versions", flash=gettext("Versión publicada."))
