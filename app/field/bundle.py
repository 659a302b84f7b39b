"""What "save for reading offline" downloads for one course: its pages and images, and about how much."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.courses import catalog
from app.courses.models import CourseAsset, CourseVersion

PAGE_SHELL_BYTES = 3500  # header, navigation and footer around each saved page, as stored (uncompressed)


@dataclass(frozen=True)
class Bundle:
    slug: str
    version_id: int
    paths: list[str]
    bytes: int  # an estimate shown before the download; the device then counts what it stored


def _page(slug: str, item: catalog.Item) -> str:
    """Where the course's link to `item` leads an enrolled reader: a quiz opens on its own intro page."""
    return f"/quizzes/{slug}/{item.id}" if item.kind == "quiz" else f"/courses/{slug}/{item.id}"


def bundle(session: Session, version: CourseVersion, course: catalog.Course, language: str) -> Bundle:
    """The course page, every lesson, case and quiz page, the glossary, sources and images."""
    base = f"/courses/{course.slug}"
    items = [item for module in course.modules for item in module.items]
    paths = [base, f"{base}/glossary", f"{base}/sources"] + [_page(course.slug, item) for item in items]
    text_bytes = sum(len(item.body.get(language, "").encode()) for item in items if item.body)
    images = session.exec(
        select(CourseAsset.path, func.length(CourseAsset.data)).where(
            CourseAsset.version_id == version.id, col(CourseAsset.path).startswith("images/")
        )
    ).all()
    paths += [f"{base}/v{version.id}/images/{path.removeprefix('images/')}" for path, _ in images]
    estimate = text_bytes + PAGE_SHELL_BYTES * (len(items) + 3) + sum(size for _, size in images)
    return Bundle(course.slug, version.id or 0, paths, estimate)
