"""Loading course files into versions: idempotent, one new version per change, refusals change nothing."""

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.courses import service
from app.courses.models import CourseVersion
from tests.conftest import FIXTURES


@pytest.fixture
def courses_root(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses" / "mini", root / "mini")
    return root


def _versions(session: Session) -> list[CourseVersion]:
    session.rollback()
    return list(session.exec(select(CourseVersion).order_by(CourseVersion.number)))


def _first_lesson(root: Path) -> Path:
    return sorted(root.glob("mini/*/*.es.md"))[0]


def test_loading_twice_creates_no_new_version(session: Session, courses_root: Path) -> None:
    first, problems = service.load_directory(session, courses_root)
    session.commit()
    second, _ = service.load_directory(session, courses_root)
    session.commit()

    assert problems == []
    assert [r.created for r in first + second] == [True, False]
    assert [(v.number, v.published) for v in _versions(session)] == [(1, True)]


def test_changing_a_lesson_creates_exactly_one_new_published_version(
    session: Session, courses_root: Path
) -> None:
    service.load_directory(session, courses_root)
    session.commit()
    lesson = _first_lesson(courses_root)
    lesson.write_text(lesson.read_text() + "\nUn párrafo nuevo.\n")

    service.load_directory(session, courses_root)
    session.commit()
    service.load_directory(session, courses_root)
    session.commit()

    assert [(v.number, v.published) for v in _versions(session)] == [(1, False), (2, True)]


def test_a_course_with_errors_is_refused_and_the_published_version_stays(
    session: Session, courses_root: Path
) -> None:
    service.load_directory(session, courses_root)
    session.commit()
    manifest = courses_root / "mini" / "course.yaml"
    manifest.write_text(manifest.read_text() + "\nunknown_key: true\n")

    results, problems = service.load_directory(session, courses_root)
    session.commit()

    assert results == [] and any("unknown_key" in str(p) for p in problems)
    assert [(v.number, v.published) for v in _versions(session)] == [(1, True)]


def test_an_old_version_keeps_its_own_content_after_a_change(session: Session, courses_root: Path) -> None:
    service.load_directory(session, courses_root)
    session.commit()
    old = _versions(session)[0]
    lesson = _first_lesson(courses_root)
    lesson.write_text(lesson.read_text() + "\nTexto de la versión dos.\n")
    service.load_directory(session, courses_root)
    session.commit()

    old_course = service.course_of(session, old.id or 0)
    _, new_course = service.published(session, "mini")

    assert all("versión dos" not in item.body.get("es", "") for item in old_course.items())
    assert any("versión dos" in item.body.get("es", "") for item in new_course.items())


def test_a_version_records_the_fingerprint_of_its_files_so_start_up_can_skip_reading_them(
    session: Session, courses_root: Path
) -> None:
    service.load_directory(session, courses_root)
    session.commit()
    first = service.source_hash(courses_root / "mini")
    manifest = courses_root / "mini" / "course.yaml"
    manifest.write_text("# a comment: the same content once parsed, other bytes\n" + manifest.read_text())

    results, _ = service.load_directory(session, courses_root)
    session.commit()
    versions = _versions(session)

    assert [r.created for r in results] == [False] and len(versions) == 1
    assert versions[0].source_hash == service.source_hash(courses_root / "mini") != first


def test_a_course_file_broken_after_loading_is_still_refused(session: Session, courses_root: Path) -> None:
    service.load_directory(session, courses_root)
    (courses_root / "mini" / "course.yaml").write_text("title: [unclosed\n")

    results, problems = service.load_directory(session, courses_root)

    assert results == [] and problems and problems[0].path.name == "course.yaml"
