"""Reading courses in the browser: catalog, course, lessons with next/previous, notes for facilitators."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.courses import catalog, service
from tests.conftest import FIXTURES
from tests.factories import log_in, make_user, post


@pytest.fixture
def mini(session: Session) -> catalog.Course:
    service.load_directory(session, FIXTURES / "courses")
    session.commit()
    return service.published(session, "mini")[1]


def test_officer_browses_catalog_course_and_a_lesson_with_next_link(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    log_in(client, make_user(session, app))
    first, second = mini.items()[0], mini.items()[1]

    catalog_page = client.get("/courses").text
    course_page = client.get("/courses/mini").text
    lesson = client.get(f"/courses/mini/{first.id}").text

    assert mini.manifest.title.es in catalog_page
    assert all(module.title.es in course_page for module in mini.modules)
    assert first.title.es in lesson and f'href="/courses/mini/{second.id}"' in lesson


def test_lesson_is_shown_in_english_to_an_english_user(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    log_in(client, make_user(session, app, language="en"))
    lesson = next(item for item in mini.items() if item.kind == "lesson")

    page = client.get(f"/courses/mini/{lesson.id}").text

    assert lesson.title.en in page and '<html lang="en">' in page


def test_facilitator_notes_are_for_instructors_not_officers(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    module = mini.modules[0]
    url = f"/courses/mini/modules/{module.id}/facilitator"
    log_in(client, make_user(session, app))
    officer_course_page = client.get("/courses/mini").text
    officer_status = client.get(url).status_code

    log_in(client, make_user(session, app, role=Role.instructor))

    assert officer_status == 403 and url not in officer_course_page
    assert client.get(url).status_code == 200 and url in client.get("/courses/mini").text


def test_unknown_course_or_item_is_404(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    log_in(client, make_user(session, app))

    assert client.get("/courses/nope").status_code == 404
    assert client.get("/courses/mini/nope").status_code == 404


def test_quiz_page_lists_settings_but_no_question_or_answer(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    log_in(client, make_user(session, app))
    quiz = next(item for item in mini.items() if item.kind == "quiz")

    page = client.get(f"/courses/mini/{quiz.id}").text

    assert quiz.title.es in page
    assert all(question.text.es not in page for question in quiz.quiz.questions)  # type: ignore[union-attr]


def test_course_images_are_served_from_the_version(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    log_in(client, make_user(session, app))
    version, _ = service.published(session, "mini")
    path = next(iter(mini.images))

    response = client.get(f"/courses/mini/v{version.id}/{path}")

    assert response.status_code == 200 and response.content == mini.images[path]
    assert "sandbox" in response.headers["content-security-policy"]


def test_admin_republishes_an_earlier_version_with_audit(
    client: TestClient, session: Session, app: FastAPI, mini: catalog.Course
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    version, _ = service.published(session, "mini")

    page = client.get("/admin/courses").text
    response = post(client, f"/admin/courses/versions/{version.id}/publish")

    assert re.search(r"Curso mínimo</td><td>1</td>", page)
    assert response.status_code == 303


def test_hostile_markup_in_a_course_file_never_reaches_the_page(
    client: TestClient, session: Session, app: FastAPI, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.copytree(FIXTURES / "courses" / "mini", tmp_path / "mini")
    lesson = tmp_path / "mini" / "basico" / "segunda.es.md"
    lesson.write_text(
        "# Segunda lección\n\n<script>alert(1)</script> <img src=x onerror=alert(2)>\n"
        '<div hx-get="/logout" hx-trigger="load">x</div>\n'
    )  # a javascript: link is refused by the checker
    service.load_directory(session, tmp_path)
    session.commit()
    log_in(client, make_user(session, app))

    page = client.get("/courses/mini/segunda").text

    assert "Segunda lección" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<div hx-get" not in page
    assert "&lt;script&gt;" in page  # shown as text, harmlessly
