"""Loading course files into versions, publishing, and reading the published catalog."""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import audit
from app.accounts.models import User
from app.courses import catalog, schema
from app.courses.files.sourcehash import source_hash
from app.courses.models import CourseAsset, CourseVersion
from app.errors import NotFound
from app.i18n import N_, current_language

if TYPE_CHECKING:
    from app.courses.files.sourcefiles import Problem

# Versions never change once written, so parsed copies are kept, keyed by content (not by id: ids are
# per database). The published courses and the versions of open attempts fit; a server that has
# published many versions re-reads an old one when an old attempt is graded.
PARSED_VERSIONS_KEPT = 16
_parsed: OrderedDict[str, catalog.Course] = OrderedDict()
_parsing: dict[str, threading.Lock] = {}


@dataclass(frozen=True)
class LoadResult:
    slug: str
    version: int
    created: bool  # False: the same content was already loaded


def load_directory(session: Session, root: Path) -> tuple[list[LoadResult], list["Problem"]]:
    """Load every valid course under `root`; a course with any problem is refused whole.

    A folder whose files are exactly those of a known version is not read again (see `sourcehash`).
    """
    from app.courses.files import folders  # the YAML reader loads where folders are read, not in workers

    if not root.is_dir():
        return [], folders.load_all(root)[1]  # says the folder is missing
    results, problems = [], []
    for folder in folders.course_folders(root):
        digest = source_hash(folder)
        known = session.exec(_versions().where(CourseVersion.source_hash == digest)).first()
        if known is not None:
            results.append(_published(session, known, created=False))
            continue
        course, found = folders.load_course(folder)
        problems += found
        if course is not None and not found:
            results.append(load(session, course, source=digest))
    return results, sorted(problems)


def load(session: Session, course: catalog.Course, *, source: str | None = None) -> LoadResult:
    """Publish this content: as the version that already has it, or as a new version."""
    existing = session.exec(
        _versions().where(
            CourseVersion.slug == course.slug, CourseVersion.content_hash == course.content_hash
        )
    ).first()
    if existing is None:
        return _published(session, _add_version(session, course, source), created=True)
    if source is not None and existing.source_hash != source:
        # The same content from files written differently: remember these files too.
        session.execute(
            update(CourseVersion).where(col(CourseVersion.id) == existing.id).values(source_hash=source)
        )
    return _published(session, existing, created=False)


def _published(session: Session, version: CourseVersion, *, created: bool) -> LoadResult:
    if not version.published:
        _publish(session, version)
    return LoadResult(version.slug, version.number, created)


def _add_version(session: Session, course: catalog.Course, source: str | None) -> CourseVersion:
    latest = session.exec(
        select(func.max(CourseVersion.number)).where(CourseVersion.slug == course.slug)
    ).one()
    version = CourseVersion(
        slug=course.slug,
        number=(latest or 0) + 1,
        content_hash=course.content_hash,
        source_hash=source,
        document=json.dumps(catalog.to_document(course), ensure_ascii=False, sort_keys=True),
    )
    session.add(version)
    session.flush()
    for path, data in course.images.items():
        session.add(CourseAsset(version_id=version.id or 0, path=path, data=data))
    return version


def _publish(session: Session, version: CourseVersion) -> None:
    session.execute(
        update(CourseVersion).where(col(CourseVersion.slug) == version.slug).values(published=False)
    )
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


def course_of(session: Session, version_id: int, content_hash: str | None = None) -> catalog.Course:
    """The parsed content of a version (cached: versions are immutable); a caller that read the version's
    content hash with its own query passes it, saving a look-up."""
    content_hash = content_hash or session.exec(_HASH_OF_VERSION, params={"version_id": version_id}).first()
    if content_hash is None:
        raise NotFound(N_("No encontramos esta página."))
    return _content(session, version_id, content_hash)


_HASH_OF_VERSION = select(CourseVersion.content_hash).where(CourseVersion.id == bindparam("version_id"))


def _content(session: Session, version_id: int, content_hash: str) -> catalog.Course:
    course = _parsed.get(content_hash)
    if course is None:
        # One thread reads and parses a version; the others wait for it instead of each decoding the
        # same megabyte of JSON (sixteen copies at once were a worker's peak memory). Waiting here
        # cannot close a hold-and-wait cycle: every caller has already read through its session, so
        # the parsing thread holds its connection and takes no other connection or lock.
        with _parsing.setdefault(content_hash, threading.Lock()):
            course = _parsed.get(content_hash) or _parse(session, version_id)
            _parsed[content_hash] = course
            while len(_parsed) > PARSED_VERSIONS_KEPT:
                _parsed.popitem(last=False)
    return course


def _parse(session: Session, version_id: int) -> catalog.Course:
    document = session.exec(select(CourseVersion.document).where(CourseVersion.id == version_id)).one()
    images = {
        asset.path: asset.data
        for asset in session.exec(select(CourseAsset).where(CourseAsset.version_id == version_id))
    }
    return catalog.from_document(json.loads(document), images)


def _versions() -> SelectOfScalar[CourseVersion]:
    """Versions without their document (up to 1 MB of JSON): pages take the content from the cache."""
    return select(CourseVersion).options(defer(CourseVersion.document))  # type: ignore[arg-type]


def published_versions(session: Session) -> list[CourseVersion]:
    query = _versions().where(CourseVersion.published == True).order_by(CourseVersion.slug)  # noqa: E712
    return list(session.exec(query))


@dataclass(frozen=True)
class Published:
    """What pages need of a published version: not its row, which carries the course's JSON."""

    id: int
    number: int
    content_hash: str


def published_courses(session: Session) -> list[tuple[Published, catalog.Course]]:
    """Every published version with its content, by slug: one query of plain rows (the catalog's)."""
    rows = session.connection().execute(_PUBLISHED_ALL).all()
    versions = [Published(*row) for row in rows]
    return [(version, _content(session, version.id, version.content_hash)) for version in versions]


def published(session: Session, slug: str) -> tuple[Published, catalog.Course]:
    """The published version of a course and its content, or NotFound."""
    # A plain row through the session's connection: every course, lesson and quiz page asks this, and
    # the ORM's loading of a CourseVersion cost a twentieth of a lesson page.
    row = session.connection().execute(_PUBLISHED_BY_SLUG, {"slug": slug}).first()
    if row is None:
        raise NotFound(N_("No encontramos esta página."))
    version = Published(*row)
    return version, _content(session, version.id, version.content_hash)  # no second look-up of the hash


# Built once: the columns of `Published`, for one course (a bind parameter) or all of them.
_PUBLISHED = select(CourseVersion.id, CourseVersion.number, CourseVersion.content_hash).where(
    CourseVersion.published == True  # noqa: E712
)
_PUBLISHED_BY_SLUG = _PUBLISHED.where(CourseVersion.slug == bindparam("slug"))
_PUBLISHED_ALL = _PUBLISHED.order_by(CourseVersion.slug)


def versions(session: Session) -> list[CourseVersion]:
    return list(session.exec(_versions().order_by(CourseVersion.slug, col(CourseVersion.number).desc())))


def asset(session: Session, version_id: int, path: str) -> bytes:
    found = session.exec(
        select(CourseAsset).where(CourseAsset.version_id == version_id, CourseAsset.path == path)
    ).first()
    if found is None:
        raise NotFound(N_("No encontramos esta página."))
    return found.data


@dataclass(frozen=True)
class Titles:
    """Course titles by slug, for pages that name courses: `titles(slug)` in the reader's language.

    Pages show titles, never slugs (slugs stay in URLs and CSV id columns); an unknown slug reads as itself.
    """

    by_slug: dict[str, schema.Text]

    def __call__(self, slug: str) -> str:
        title = self.by_slug.get(slug)
        return title.get(current_language()) if title else slug


def titles(session: Session) -> Titles:
    """The published title of every course (one small query; parsed content is cached)."""
    query = select(CourseVersion.slug, CourseVersion.id).where(CourseVersion.published == True)  # noqa: E712
    rows = session.exec(query).all()
    return Titles(
        {
            slug: course_of(session, version_id).manifest.title
            for slug, version_id in rows
            if version_id is not None
        }
    )
