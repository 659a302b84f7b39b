"""Exam day: N officers log in, start the same timed quiz within a ramp, answer 15 questions one
save at a time with think times, and finish. Prints throughput and latency per action, then checks
the database: every acknowledged save is there and every attempt was graded once.

Usage: python bench/exam_day.py [--officers 1000] [--workers 1] [--database-url URL] [--ramp 10]
The load generator runs on the same machine as the server; both share its cores.
"""

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.passwords import hash_password, make_hasher
from app.courses import service as course_service
from app.db import make_engine, transaction
from app.learning.models import Enrollment
from app.migrate import upgrade
from app.models import metadata
from app.quizzes.models import Answer, AttemptState, QuizAttempt
from app.quizzes.player import token

COURSES = Path(__file__).parent / "courses"
PASSWORD = "examen de carga"
TOKEN = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')
OPTION = re.compile(r'name="response" value="([0-9a-f]{12})"')
timings: dict[str, list[float]] = defaultdict(list)
server_times: dict[str, list[float]] = defaultdict(list)
errors: dict[str, int] = defaultdict(int)
acknowledged: dict[tuple[int, int], str] = {}


def prepare(url: str, officers: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    hasher = make_hasher(1, 64)
    with transaction(engine, write=True) as session:
        results, problems = course_service.load_directory(session, COURSES)
        assert not problems, problems
        version, _ = course_service.published(session, "examen")
        password_hash = hash_password(hasher, PASSWORD)
        for n in range(officers):
            user = User(username=f"oficial{n:04d}", full_name=f"Oficial {n}", password_hash=password_hash)
            session.add(user)
            session.flush()
            session.add(Enrollment(user_id=user.id or 0, course_slug="examen", version_id=version.id or 0))
    engine.dispose()


def fresh_postgres(url: str) -> None:
    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


async def timed(action: str, request) -> httpx.Response | None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError:
        errors[f"{action}: connection"] += 1
        return None
    timings[action].append((time.perf_counter() - started) * 1000)
    if "server-timing" in response.headers:
        server_times[action].append(float(response.headers["server-timing"].split("dur=")[1]))
    if response.status_code >= 500:
        errors[f"{action}: {response.status_code}"] += 1
    return response


async def officer(base: str, n: int, ramp: float, limits: httpx.Limits) -> None:
    await asyncio.sleep(random.uniform(0, ramp))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        page = await timed("login page", client.get("/login"))
        if page is None:
            return
        csrf = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
        await timed("login", client.post("/login", data={"username": f"oficial{n:04d}", "password": PASSWORD,
                                                         "csrf_token": csrf}))
        started = await timed("start", client.post("/quizzes/examen/examen-final/start",
                                                   data={"csrf_token": await _csrf(client)}))
        if started is None or started.status_code != 303:
            errors["start: refused"] += 1
            return
        attempt_id = int(started.headers["location"].rsplit("/", 1)[1].split("?")[0])
        await answer_all(client, attempt_id)


async def _csrf(client: httpx.AsyncClient) -> str:
    home = await client.get("/profile")
    return TOKEN.search(home.text).group(1)  # type: ignore[union-attr]


async def answer_all(client: httpx.AsyncClient, attempt_id: int) -> None:
    csrf = ""
    for position in range(15):
        page = await timed("question page", client.get(f"/attempts/{attempt_id}?q={position}"))
        if page is None or page.status_code != 200:
            continue
        csrf = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
        choice = random.choice(OPTION.findall(page.text))
        await asyncio.sleep(random.uniform(2, 5))
        saved = await timed("save answer", client.post(
            f"/attempts/{attempt_id}/answers/{position}", data={"response": choice},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf}))
        if saved is not None and saved.status_code == 200:
            acknowledged[(attempt_id, position)] = choice
    await timed("finish", client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf}))


def check(url: str, secret: str, officers: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        stored = {(a.attempt_id, a.position): json.loads(a.response) for a in session.exec(select(Answer))}
        attempts = session.exec(select(QuizAttempt)).all()
    engine.dispose()
    lost = [key for key, choice in acknowledged.items()
            if key not in stored or token(secret, key[0], key[1], stored[key]) != choice]
    finished = [a for a in attempts if a.state == AttemptState.finished and a.percent is not None]
    print(f"database: {len(acknowledged)} acknowledged saves, {len(lost)} lost or different; "
          f"{len(attempts)} attempts for {officers} officers, {len(finished)} finished and graded once")


def _quantiles(values: list[float]) -> list[float]:
    return statistics.quantiles(values, n=100) if len(values) > 1 else [values[0]] * 99


def report(seconds: float) -> None:
    total = sum(len(v) for v in timings.values())
    print(f"{total} requests in {seconds:.0f} s: {total / seconds:.0f} req/s")
    print("  round trip as the client saw it | server time (Server-Timing)")
    for action, values in timings.items():
        q, sq = _quantiles(values), _quantiles(server_times[action] or [0.0])
        print(f"  {action:<14} n={len(values):5d}  p50 {q[49]:7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f} ms"
              f"  | p50 {sq[49]:6.1f}  p95 {sq[94]:6.1f}  p99 {sq[98]:6.1f} ms")
    print(f"errors: {dict(errors) or 'none'}")


def start_server(url: str, data_dir: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASCADA_DATA_DIR": data_dir, "CASCADA_DATABASE_URL": url, "CASCADA_LOG_JSON": "false",
           "CASCADA_COURSES_DIR": str(COURSES), "CASCADA_ARGON2_TIME_COST": "1", "CASCADA_ARGON2_MEMORY_KIB": "64"}
    server = subprocess.Popen(["cascada", "serve", "--port", str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=open(Path(data_dir) / "server.log", "wb"))
    for _ in range(150):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    sys.exit("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--ramp", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        url = args.database_url or f"sqlite:///{data_dir}/bench.db"
        if url.startswith("postgresql"):
            fresh_postgres(url)
        prepare(url, args.officers)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = start_server(url, data_dir, port, args.workers)
        try:
            started = time.perf_counter()
            limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

            async def run() -> None:
                await asyncio.gather(*(officer(f"http://127.0.0.1:{port}", n, args.ramp, limits)
                                       for n in range(args.officers)))

            asyncio.run(run())
            print(f"{args.officers} officers, {args.workers} worker(s), {url.split(':')[0]}:")
            report(time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait(30)
        check(url, (Path(data_dir) / "secret_key").read_text().strip(), args.officers)


if __name__ == "__main__":
    main()
