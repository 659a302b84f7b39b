"""Starting and stopping the servers a bench measures: free ports, health waits, always stopped."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "cascada-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_process(
    command: list[str], health_url: str, env: dict[str, str] | None = None, seconds: float = 60
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group and wait until `health_url` answers 200."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(process)
    sys.exit(f"server did not start: {' '.join(command)}")


def start_cascada(
    data_dir: str, port: int, workers: int = 1, *, demo: bool = True, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    cascada = Path(sys.executable).parent / "cascada"  # the venv's, even when it is not activated
    command = [
        str(cascada) if cascada.exists() else "cascada",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *(["--demo"] if demo else []),
    ]
    # The benches log in admins by password alone: they measure pages, not the second factor.
    return start_process(
        command,
        f"http://127.0.0.1:{port}/healthz",
        {
            "CASCADA_DATA_DIR": data_dir,
            "CASCADA_LOG_JSON": "false",
            "CASCADA_ADMIN_SECOND_FACTOR": "false",
            **(env or {}),
        },
        seconds=120,
    )


def stop(process: subprocess.Popen[bytes], seconds: float = 10) -> None:
    """SIGTERM the server's process group, SIGKILL it if it has not stopped within `seconds`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(seconds)
            return
        except subprocess.TimeoutExpired:
            continue


def log_in(base: str, username: str, password: str = DEMO_PASSWORD, **client_options: Any) -> httpx.Client:
    """A client logged in as `username`; `client_options` go to httpx.Client (headers, timeout)."""
    client = httpx.Client(base_url=base, **client_options)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1) if token else ""},
    )
    if response.status_code >= 400:
        sys.exit(f"login as {username} failed: {response.status_code}")
    return client
