"""Exam-day load on a real server: saves beyond the pool, admission past the limit, SIGTERM mid-storm."""

import asyncio
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlmodel import Session

from app.accounts.models import User
from app.courses import catalog
from app.learning import service as learning
from app.main import create_app
from tests.conftest import FIXTURES, make_settings
from tests.factories import PASSWORD, make_user
from tests.quizzes.flow import answer_rows, load_courses

TOKEN = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')
OPTION = re.compile(r'name="response" value="([0-9a-f]{12})"')
CLIENT_TIMEOUT = 60  # a save stuck this long counts as a stall, not as an answer
SAVES = 120  # at once: far more than any pool here (4 now; 5 + 10 and 10 + 20 before)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app behind a real uvicorn server (its own event loop, thread limit and lifespan)."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
        assert thread.is_alive(), "server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def _logged_in(base: str, user: User) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT)
    csrf = TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    assert (
        client.post(
            "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf}
        ).status_code
        == 303
    )
    return client, TOKEN.search(client.get("/profile").text).group(1)  # type: ignore[union-attr]


def _start_attempt(client: httpx.Client, csrf: str) -> tuple[int, str]:
    started = client.post("/quizzes/mini/control-basico/start", data={"csrf_token": csrf})
    assert started.status_code == 303, started.text
    attempt_id = int(started.headers["location"].rsplit("/", 1)[1])
    option = OPTION.findall(client.get(f"/attempts/{attempt_id}?q=0").text)[0]
    return attempt_id, option


async def _storm(
    base: str, cookies: httpx.Cookies, csrf: str, attempt_id: int, option: str, saves: int
) -> list[int | str]:
    """`saves` saves at once, each on its own connection; the statuses (or the client error)."""

    async def one(client: httpx.AsyncClient) -> int | str:
        try:
            response = await client.post(
                f"/attempts/{attempt_id}/answers/0",
                data={"response": option},
                headers={"HX-Request": "true", "X-CSRF-Token": csrf},
            )
            return response.status_code
        except httpx.HTTPError as error:
            return type(error).__name__

    limits = httpx.Limits(max_connections=saves, max_keepalive_connections=saves)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=CLIENT_TIMEOUT
    ) as client:
        return list(await asyncio.gather(*(one(client) for _ in range(saves))))


def test_more_concurrent_saves_than_pooled_connections_all_succeed_without_a_stall(
    tmp_path: Path, database_url: str, session: Session
) -> None:
    # Four threads and four connections, SAVES saves at once (the old code held one connection per save
    # and waited for a second one: a pool of 5 + 10 or 10 + 20 ran dry and stalled).
    app = create_app(make_settings(tmp_path, database_url, threads=4, max_requests_in_flight=10 * SAVES))
    try:
        officer = _officer(app)
        with serving(app) as base:
            client, csrf = _logged_in(base, officer)
            attempt_id, option = _start_attempt(client, csrf)
            storm = _storm(base, client.cookies, csrf, attempt_id, option, saves=SAVES)
            with ThreadPoolExecutor(1) as thread:  # a browser test may have left an event loop on this thread
                statuses = thread.submit(asyncio.run, storm).result()
            page = client.get("/")
    finally:
        app.state.engine.dispose()

    assert statuses == [200] * SAVES
    assert page.status_code == 200  # plain pages keep answering afterwards
    assert set(answer_rows(session, attempt_id)) == {0}


def _officer(app: FastAPI) -> User:
    with Session(app.state.engine, expire_on_commit=False) as session:
        course: catalog.Course = load_courses(session)
        assert course.slug == "mini"
        user = make_user(session, app)
        learning.enroll(session, user, "mini")
        session.commit()
        return user


def _stalled_post(port: int, path: str = "/login") -> socket.socket:
    """A request that stays in flight: its headers promise a body that never comes."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 100\r\n\r\nusername=".encode()
    )
    return sock


def test_past_the_admission_limit_a_worker_answers_503_with_retry_after_and_healthz_still_answers(
    tmp_path: Path, database_url: str
) -> None:
    app = create_app(make_settings(tmp_path, database_url, max_requests_in_flight=3))
    try:
        with serving(app) as base:
            port = int(base.rsplit(":", 1)[1])
            stalled = [_stalled_post(port) for _ in range(3)]
            refused = _first_refusal(base)
            health = httpx.get(f"{base}/healthz")
            for sock in stalled:
                sock.close()
            after = _first_success(base)
    finally:
        app.state.engine.dispose()

    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) >= 1
    assert "ocupado" in refused.text
    assert health.status_code == 200
    assert after.status_code == 200


def _first_refusal(base: str) -> httpx.Response:
    """Asked until the stalled requests have reached the app; never a 5xx other than 503."""
    for _ in range(200):
        response = httpx.get(f"{base}/login")
        assert response.status_code in (200, 503), response.status_code
        if response.status_code == 503:
            return response
        time.sleep(0.01)
    raise AssertionError("the admission limit never refused a request")


def _first_success(base: str) -> httpx.Response:
    for _ in range(200):
        response = httpx.get(f"{base}/login")
        if response.status_code == 200:
            return response
        time.sleep(0.01)
    raise AssertionError("the worker never admitted requests again")


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CASCADA_DATA_DIR": str(data_dir),
        "CASCADA_COURSES_DIR": str(FIXTURES / "courses"),
        "CASCADA_ARGON2_TIME_COST": "1",
        "CASCADA_ARGON2_MEMORY_KIB": "64",
        "CASCADA_LOG_JSON": "false",
    }
    env.pop("CASCADA_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=Path(__file__).parent.parent,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("server did not start")


def _login_attempt(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        try:
            csrf = TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
            client.post("/login", data={"username": "nadie", "password": "x" * 10, "csrf_token": csrf})
        except httpx.HTTPError:
            pass  # the server going away mid-request is what this test does


def test_sigterm_during_a_stalled_storm_stops_the_server_within_10_seconds(tmp_path: Path) -> None:
    port = _free_port()
    server = _serve(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    blocker = sqlite3.connect(tmp_path / "cascada.db", timeout=30, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # every write now waits (in a server thread, on busy_timeout)
        stalled = [_stalled_post(port) for _ in range(20)]
        storm = [threading.Thread(target=_login_attempt, args=(base,), daemon=True) for _ in range(20)]
        for thread in storm:
            thread.start()
        time.sleep(1.5)  # the logins are in flight, waiting for the write lock
        assert server.poll() is None

        stopping = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            pytest.fail("the server was still running 10 s after SIGTERM")
        print(f"stopped in {time.monotonic() - stopping:.1f} s")  # noqa: T201
        assert time.monotonic() - stopping < 10
        for sock in stalled:
            sock.close()
    finally:
        blocker.close()
        if server.poll() is None:
            server.kill()
            server.wait(10)
