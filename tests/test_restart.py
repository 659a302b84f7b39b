"""An acknowledged answer survives the server being killed with SIGKILL and started again."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlmodel import Session, select

from app.db import make_engine
from app.quizzes.models import Answer
from tests.conftest import FIXTURES

TOKEN = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
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
        [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=Path(__file__).parent.parent,
    )
    for _ in range(150):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("server did not start")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _save_answers(base: str) -> tuple[int, dict[int, str]]:
    client = httpx.Client(base_url=base)
    csrf = TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": "oficial", "password": "cascada-demo", "csrf_token": csrf})
    csrf = TOKEN.search(client.get("/").text).group(1)  # type: ignore[union-attr]
    client.post("/learn/mini/enroll", data={"csrf_token": csrf})
    started = client.post("/quizzes/mini/control-basico/start", data={"csrf_token": csrf})
    attempt_id = int(started.headers["location"].rsplit("/", 1)[1])
    acknowledged = {}
    for position in range(3):
        page = client.get(f"/attempts/{attempt_id}?q={position}").text
        choices = re.findall(r'name="response" value="([^"]+)"', page)
        value = choices[-1] if choices else "redes sociales"
        saved = client.post(
            f"/attempts/{attempt_id}/answers/{position}",
            data={"response": value},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
        assert saved.status_code == 200
        acknowledged[position] = value
    return attempt_id, acknowledged


def test_acknowledged_answers_survive_sigkill_and_restart(tmp_path: Path) -> None:
    port = _free_port()
    server = _start(tmp_path, port)
    try:
        attempt_id, acknowledged = _save_answers(f"http://127.0.0.1:{port}")
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)

    server = _start(tmp_path, port)
    try:
        resumed = httpx.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        server.terminate()
        server.wait(10)

    assert resumed.json() == {"status": "ok"}
    engine = make_engine(f"sqlite:///{tmp_path / 'cascada.db'}")
    with Session(engine) as session:
        stored = {
            a.position: json.loads(a.response)
            for a in session.exec(select(Answer).where(Answer.attempt_id == attempt_id))
        }
    engine.dispose()
    assert set(stored) == set(acknowledged)
    assert stored[2] == "redes sociales"
