"""What "save for reading offline" downloads for one course: its pages and images, and about how much."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.courses import catalog
from app.courses.models import CourseAsset
from app.courses.service import Published

# Both measured on the demo courses' pages as the device stores them (uncompressed): header,
# navigation and footer around each page, and bytes of HTML per byte of course text (rendered
# Markdown, links, lists). The size shown before saving then lands within a few percent.
PAGE_SHELL_BYTES = 4000
MARKUP = 1.5


@dataclass(frozen=True)
class Bundle:
    slug: str
    version_id: int
    paths: list[str]
    bytes: int  # an estimate shown before the download; the device then counts what it stored


def _page(slug: str, item: catalog.Item) -> str:
    """Where the course's link to `item` leads an enrolled reader: a quiz opens on its own intro page."""
    return f"/quizzes/{slug}/{item.id}" if item.kind == "quiz" else f"/courses/{slug}/{item.id}"


def _text_bytes(course: catalog.Course, language: str) -> int:
    """The course text the saved pages show in `language`: lessons, the course page, glossary, sources."""
    texts = [item.body.get(language) or item.body.get("es", "") for item in course.items() if item.body]
    texts += [item.title.get(language) for item in course.items()]
    texts += [m.title.get(language) + (m.summary.get(language) if m.summary else "") for m in course.modules]
    texts += [term.term.get(language) + term.definition.get(language) for term in course.glossary]
    texts += [source.title + (source.url or "") for source in course.sources]
    return sum(len(text.encode()) for text in texts)


def bundle(session: Session, version: Published, course: catalog.Course, language: str) -> Bundle:
    """The course page, every lesson, case and quiz page, the glossary, sources and images."""
    base = f"/courses/{course.slug}"
    items = course.items()
    paths = [base, f"{base}/glossary", f"{base}/sources"] + [_page(course.slug, item) for item in items]
    images = session.exec(
        select(CourseAsset.path, func.length(CourseAsset.data)).where(
            CourseAsset.version_id == version.id, col(CourseAsset.path).startswith("images/")
        )
    ).all()
    paths += [f"{base}/v{version.id}/images/{path.removeprefix('images/')}" for path, _ in images]
    pages = len(items) + 4  # and the offline page, which field.js saves with the course
    estimate = (
        round(MARKUP * _text_bytes(course, language)) + PAGE_SHELL_BYTES * pages + sum(s for _, s in images)
    )
    return Bundle(course.slug, version.id, paths, estimate)
