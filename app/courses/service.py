"""Loading course files into versions, publishing, and reading the published catalog."""

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.courses import catalog
from app.courses.models import CourseAsset, CourseVersion
from app.errors import NotFound
from app.i18n import N_

# Versions never change once written, so parsed copies can be kept for the life of the process,
# keyed by content (not by id: ids are per database).
_parsed: dict[str, catalog.Course] = {}


@dataclass(frozen=True)
class LoadResult:
    slug: str
    version: int
    created: bool  # False: the same content was already loaded


def load_directory(session: Session, root: Path) -> tuple[list[LoadResult], list[catalog.Problem]]:
    """Load every valid course under `root`; a course with any problem is refused whole."""
    courses, problems = catalog.load_all(root)
    refused = {problem.path.parts[0] for problem in problems if problem.path.parts}
    results = [load(session, course) for course in courses if course.slug not in refused]
    return results, problems


def load(session: Session, course: catalog.Course) -> LoadResult:
    """Publish this content: as the version that already has it, or as a new version."""
    existing = session.exec(
        select(CourseVersion).where(CourseVersion.slug == course.slug,
                                    CourseVersion.content_hash == course.content_hash)
    ).first()
    if existing is None:
        existing = _add_version(session, course)
        created = True
    else:
        created = False
    if not existing.published:
        _publish(session, existing)
    return LoadResult(course.slug, existing.number, created)


def _add_version(session: Session, course: catalog.Course) -> CourseVersion:
    latest = session.exec(select(func.max(CourseVersion.number)).where(CourseVersion.slug == course.slug)).one()
    version = CourseVersion(slug=course.slug, number=(latest or 0) + 1, content_hash=course.content_hash,
                            document=json.dumps(catalog.to_document(course), ensure_ascii=False, sort_keys=True))
    session.add(version)
    session.flush()
    for path, data in course.images.items():
        session.add(CourseAsset(version_id=version.id or 0, path=path, data=data))
    return version


def _publish(session: Session, version: CourseVersion) -> None:
    session.execute(update(CourseVersion).where(col(CourseVersion.slug) == version.slug)
                    .values(published=False))
    session.execute(update(CourseVersion).where(col(CourseVersion.id) == version.id).values(published=True))
    session.refresh(version)


def publish(session: Session, version_id: int, *, actor: User) -> CourseVersion:
    """Make an earlier (or later) version the one officers see; attempts keep their own version."""
    version = session.get(CourseVersion, version_id)
    if version is None:
        raise NotFound(N_("No encontramos esta página."))
    _publish(session, version)
    audit.record(session, actor.id, "course.publish", version, slug=version.slug, number=version.number)
    return version


def course_of(session: Session, version_id: int) -> catalog.Course:
    """The parsed content of a version (cached: versions are immutable)."""
    content_hash = session.exec(select(CourseVersion.content_hash).where(CourseVersion.id == version_id)).first()
    if content_hash is None:
        raise NotFound(N_("No encontramos esta página."))
    if content_hash not in _parsed:
        version = session.get(CourseVersion, version_id)
        assert version is not None
        images = {asset.path: asset.data for asset in
                  session.exec(select(CourseAsset).where(CourseAsset.version_id == version_id))}
        _parsed[content_hash] = catalog.from_document(json.loads(version.document), images)
    return _parsed[content_hash]


def published_versions(session: Session) -> list[CourseVersion]:
    query = select(CourseVersion).where(CourseVersion.published == True).order_by(CourseVersion.slug)  # noqa: E712
    return list(session.exec(query))


def published(session: Session, slug: str) -> tuple[CourseVersion, catalog.Course]:
    """The published version of a course and its content, or NotFound."""
    version = session.exec(
        select(CourseVersion).where(CourseVersion.slug == slug, CourseVersion.published == True)  # noqa: E712
    ).first()
    if version is None or version.id is None:
        raise NotFound(N_("No encontramos esta página."))
    return version, course_of(session, version.id)


def versions(session: Session) -> list[CourseVersion]:
    return list(session.exec(select(CourseVersion).order_by(CourseVersion.slug, col(CourseVersion.number).desc())))


def asset(session: Session, version_id: int, path: str) -> bytes:
    found = session.exec(
        select(CourseAsset).where(CourseAsset.version_id == version_id, CourseAsset.path == path)
    ).first()
    if found is None:
        raise NotFound(N_("No encontramos esta página."))
    return found.data
