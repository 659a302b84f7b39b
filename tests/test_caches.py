"""What the speed caches must never break: fresh content, refused sessions, hidden notes, languages."""

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlmodel import Session, select

from app.accounts import service as accounts_service
from app.accounts.models import Role, User
from app.courses import service as course_service
from app.courses.models import CourseVersion
from app.db import make_engine, transaction
from tests.conftest import FIXTURES, PG_URL
from tests.factories import log_in, make_user, post
from tests.test_restart import _free_port

LESSON = "/courses/mini/primera"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def courses_root(tmp_path: Path, session: Session) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses" / "mini", root / "mini")
    course_service.load_directory(session, root)
    session.commit()
    return root


def test_a_newly_published_version_is_served_on_the_next_request(
    client: TestClient, session: Session, app: FastAPI, courses_root: Path
) -> None:
    log_in(client, make_user(session, app))
    client.post(
        "/learn/mini/enroll", data={"csrf_token": TOKEN.search(client.get("/courses/mini").text).group(1)}
    )
    before = client.get(LESSON).text  # the parsed course and the rendered lesson are now cached
    lesson = courses_root / "mini" / "basico" / "primera.es.md"
    lesson.write_text(lesson.read_text().replace("Un aviso importante.", "Un aviso corregido hoy."))
    course_service.load_directory(session, courses_root)
    session.commit()

    after = client.get(LESSON).text

    assert "Un aviso importante." in before
    assert "Un aviso corregido hoy." in after and "Un aviso importante." not in after


def test_facilitator_notes_stay_hidden_from_officers_after_an_instructor_read_them(
    client: TestClient, session: Session, app: FastAPI, courses_root: Path
) -> None:
    url = "/courses/mini/modules/basico/facilitator"
    log_in(client, make_user(session, app, role=Role.instructor))
    assert "<th>Actividad</th>" in client.get(url).text  # rendered and cached for the instructor

    log_in(client, make_user(session, app))

    assert client.get(url).status_code == 403
    assert "<th>Actividad</th>" not in client.get(LESSON).text


def test_switching_the_language_changes_the_cached_lesson(
    client: TestClient, session: Session, app: FastAPI, courses_root: Path
) -> None:
    log_in(client, make_user(session, app))
    spanish = client.get(LESSON).text

    post(client, "/language", {"language": "en", "next": LESSON})
    english = client.get(LESSON).text

    assert "Primera lección" in spanish and '<html lang="es">' in spanish
    assert "Primera lección" not in english and '<html lang="en">' in english


def test_switching_the_language_changes_the_cached_course_outline(
    client: TestClient, session: Session, app: FastAPI, courses_root: Path
) -> None:
    log_in(client, make_user(session, app))
    spanish = client.get("/courses/mini").text

    post(client, "/language", {"language": "en", "next": "/courses/mini"})
    english = client.get("/courses/mini").text

    assert "Lo básico" in spanish and ">Primera lección</a>" in spanish and "Caso · 10 min" in spanish
    assert "The basics" in english and ">First lesson</a>" in english and "Case · 10 min" in english
    assert "Lo básico" not in english and "Primera lección" not in english


def test_threads_asking_at_once_for_a_version_not_yet_parsed_read_and_parse_it_once(
    app: FastAPI, session: Session, tmp_path: Path
) -> None:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses" / "mini", root / "mini")
    lesson = root / "mini" / "basico" / "primera.es.md"  # new content: no earlier test parsed it
    lesson.write_text(lesson.read_text() + f"\n\nVersión {uuid.uuid4()}.\n")
    course_service.load_directory(session, root)
    session.commit()
    version = session.exec(select(CourseVersion).where(CourseVersion.slug == "mini")).one()
    session.commit()  # its connection goes back to the pool: the callers below take every one
    document_reads = []

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().startswith("SELECT courseversion.document"):
            document_reads.append(statement)

    callers = app.state.settings.threads  # as many as the worker runs at once, each holding a connection
    start = threading.Barrier(callers)
    courses = []

    def read() -> None:
        with transaction(app.state.engine) as own:
            own.exec(select(CourseVersion.id)).first()  # holds its connection, as every caller does
            start.wait()
            courses.append(course_service.course_of(own, version.id or 0, version.content_hash))

    threads = [threading.Thread(target=read) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    event.remove(app.state.engine, "before_cursor_execute", count)

    assert len(courses) == callers > 1 and all(course is courses[0] for course in courses)
    assert len(document_reads) == 1


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database two server processes will share (each migrates it at start)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    assert PG_URL
    server, test_database = PG_URL.rsplit("/", 1)
    scratch = f"{test_database}_two_servers"
    engine = make_engine(f"{server}/postgres")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch}"'))
    engine.dispose()
    yield f"{server}/{scratch}"


def _serve(data_dir: Path, database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "CASCADA_DATA_DIR": str(data_dir),
        "CASCADA_DATABASE_URL": database_url,
        "CASCADA_COURSES_DIR": str(FIXTURES / "courses"),
        "CASCADA_ARGON2_TIME_COST": "1",
        "CASCADA_ARGON2_MEMORY_KIB": "64",
        "CASCADA_LOG_JSON": "false",
        "CASCADA_SECRET_KEY": "s" * 48,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=Path(__file__).parent.parent,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("server did not start")


def _log_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base)
    token = TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    assert (
        client.post(
            "/login", data={"username": "oficial", "password": "cascada-demo", "csrf_token": token}
        ).status_code
        == 303
    )
    return client


def _as_seen_by(base: str, client: httpx.Client) -> int:
    """The status another server process gives this browser's cookie for the home page."""
    return httpx.get(f"{base}/", cookies=client.cookies).status_code


def test_a_logout_and_a_deactivation_are_refused_at_once_by_another_server_process(
    tmp_path: Path, shared_database: str
) -> None:
    first, first_base = _serve(tmp_path, shared_database)
    second, second_base = _serve(tmp_path, shared_database)
    try:
        browser = _log_in(first_base)
        seen_before_logout = [_as_seen_by(second_base, browser) for _ in range(3)]  # warm any session cache
        token = TOKEN.search(browser.get("/profile").text).group(1)  # type: ignore[union-attr]
        browser.post("/logout", data={"csrf_token": token})
        seen_after_logout = _as_seen_by(second_base, browser)

        browser = _log_in(first_base)
        seen_before_deactivation = [_as_seen_by(second_base, browser) for _ in range(3)]
        engine = make_engine(shared_database)
        with transaction(engine, write=True) as session:
            officer = session.exec(select(User).where(User.username == "oficial")).one()
            admin = session.exec(select(User).where(User.username == "admin")).one()
            accounts_service.set_active(session, officer, False, actor=admin)
        engine.dispose()
        seen_after_deactivation = _as_seen_by(second_base, browser)
    finally:
        for server in (first, second):
            server.terminate()
            server.wait(15)

    assert seen_before_logout == [200, 200, 200] and seen_after_logout == 303
    assert seen_before_deactivation == [200, 200, 200] and seen_after_deactivation == 303
