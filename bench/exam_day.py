"""Exam day: N officers log in within a ramp, start the same timed quiz, answer its questions one
save at a time with think times, and finish. Prints throughput and latency per request kind, the
5xx, 503 and client-side errors, then checks the database: every acknowledged save is there as
acknowledged and no officer has more than one attempt or an attempt finished without a grade.

    python bench/exam_day.py --officers 1000 --think 20 60 --ramp 60 --max-seconds 300
    python bench/exam_day.py --officers 500 --think 2 5 --workers 2 --database-url postgresql+psycopg://...
    python bench/exam_day.py --scenario logins --clients 50 --workers 2 --max-seconds 60

The server runs from its own data dir on a free port with the production Argon2id cost, and is
always stopped (SIGTERM, then SIGKILL). The load generator shares the machine's cores with it.
A 503 is retried after its Retry-After, as the quiz page does; every other failure is counted.
"""

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.passwords import hash_password, make_hasher
from app.config import Settings
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
MAX_RETRIES = 20
KEEPALIVE = 3.0


class Stats:
    def __init__(self) -> None:
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.server: dict[str, list[float]] = defaultdict(list)
        self.failures: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # 503 answers (retried)
        self.acknowledged: dict[tuple[int, int], str] = {}
        self.completed = 0


stats = Stats()


async def call(
    kind: str, client: httpx.AsyncClient, method: str, url: str, **kwargs
) -> httpx.Response | None:  # type: ignore[no-untyped-def]
    """One request, timed; 503 retried after Retry-After; every failure counted, never raised."""
    for _ in range(MAX_RETRIES):
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            stats.failures[f"{kind}: {type(error).__name__}"] += 1
            return None
        stats.completed += 1
        if response.status_code == 503:
            stats.refused[kind] += 1
            await asyncio.sleep(float(response.headers.get("retry-after", "1")) * random.uniform(0.5, 1.5))
            continue
        stats.timings[kind].append((time.perf_counter() - started) * 1000)
        if "server-timing" in response.headers:
            stats.server[kind].append(float(response.headers["server-timing"].split("dur=")[1]))
        if response.status_code >= 500:
            stats.failures[f"{kind}: {response.status_code}"] += 1
        return response
    stats.failures[f"{kind}: still 503 after {MAX_RETRIES} tries"] += 1
    return None


def _csrf(response: httpx.Response | None) -> str | None:
    match = TOKEN.search(response.text) if response is not None else None
    return match.group(1) if match else None


async def log_in(client: httpx.AsyncClient, n: int) -> bool:
    csrf = _csrf(await call("login page", client, "GET", "/login"))
    if csrf is None:
        return False
    done = await call(
        "login",
        client,
        "POST",
        "/login",
        data={"username": f"oficial{n:04d}", "password": PASSWORD, "csrf_token": csrf},
    )
    if done is None or done.status_code != 303:
        if done is not None:
            stats.failures["login: refused"] += 1
        return False
    return True


async def officer(base: str, n: int, args: argparse.Namespace) -> None:
    await asyncio.sleep(random.uniform(0, args.ramp))
    # A browser's connection: one at a time, not reused after KEEPALIVE seconds idle, so it is not
    # reused just as uvicorn closes it (timeout_keep_alive, 5 s), which would look like a server error.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=KEEPALIVE)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        if not await log_in(client, n):
            return
        csrf = _csrf(await call("profile", client, "GET", "/profile"))
        started = await call(
            "start", client, "POST", "/quizzes/examen/examen-final/start", data={"csrf_token": csrf}
        )
        if started is None or started.status_code != 303:
            if started is not None:
                stats.failures["start: refused"] += 1
            return
        attempt_id = int(started.headers["location"].rsplit("/", 1)[1].split("?")[0])
        await answer_all(client, attempt_id, args)


async def answer_all(client: httpx.AsyncClient, attempt_id: int, args: argparse.Namespace) -> None:
    csrf = ""
    for position in range(args.questions):
        page = await call("question page", client, "GET", f"/attempts/{attempt_id}?q={position}")
        options = OPTION.findall(page.text) if page is not None and page.status_code == 200 else []
        if not options:
            continue
        csrf = _csrf(page) or csrf
        choice = random.choice(options)
        await asyncio.sleep(random.uniform(*args.think))
        saved = await call(
            "save answer",
            client,
            "POST",
            f"/attempts/{attempt_id}/answers/{position}",
            data={"response": choice},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
        if saved is not None and saved.status_code == 200:
            stats.acknowledged[(attempt_id, position)] = choice
    await call("finish", client, "POST", f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf})


async def login_client(base: str, n: int, deadline: float) -> None:
    """The logins scenario: one client logging in again and again as its own officer."""
    while time.perf_counter() < deadline:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            await log_in(client, n)


async def watch_health(base: str, stop: asyncio.Event) -> None:
    """/healthz once a second through the run, on a connection of its own."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while not stop.is_set():
            await call("healthz", client, "GET", "/healthz")
            try:
                await asyncio.wait_for(stop.wait(), 1)
            except TimeoutError:
                pass


async def run(base: str, args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    health = asyncio.create_task(watch_health(base, stop))
    deadline = time.perf_counter() + args.max_seconds
    if args.scenario == "logins":
        tasks = [asyncio.create_task(login_client(base, n, deadline)) for n in range(args.clients)]
    else:
        tasks = [asyncio.create_task(officer(base, n, args)) for n in range(args.officers)]
    done, pending = await asyncio.wait(tasks, timeout=args.max_seconds)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            stats.failures[f"bench: {type(task.exception()).__name__}"] += 1
    stop.set()
    await health
    if pending:
        print(
            f"stopped at --max-seconds {args.max_seconds}: {len(pending)} of {len(tasks)} clients still going"
        )


def prepare(url: str, users: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    hasher = make_hasher(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)
    password_hash = hash_password(hasher, PASSWORD)  # the production cost, hashed once for everyone
    with transaction(engine, write=True) as session:
        _, problems = course_service.load_directory(session, COURSES)
        assert not problems, problems
        version, _ = course_service.published(session, "examen")
        for n in range(users):
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


def check(url: str, secret: str, users: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        stored = {(a.attempt_id, a.position): json.loads(a.response) for a in session.exec(select(Answer))}
        attempts = session.exec(select(QuizAttempt)).all()
    engine.dispose()
    lost = [
        key
        for key, choice in stats.acknowledged.items()
        if key not in stored or stored[key] is None or token(secret, key[0], key[1], stored[key]) != choice
    ]
    per_officer = Counter(a.user_id for a in attempts)
    finished = [a for a in attempts if a.state == AttemptState.finished]
    ungraded = [a for a in finished if a.percent is None]
    print(
        f"database: {len(stats.acknowledged)} acknowledged saves, {len(lost)} lost or different; "
        f"{len(attempts)} attempts for {users} officers ({sum(c > 1 for c in per_officer.values())} officers "
        f"with more than one), {len(finished)} finished, {len(ungraded)} finished without a grade"
    )


def _quantiles(values: list[float]) -> list[float]:
    return statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99


def report(seconds: float, workers: int) -> None:
    answered = sum(len(v) for v in stats.timings.values())
    print(
        f"{stats.completed} responses ({answered} not 503) in {seconds:.0f} s: "
        f"{stats.completed / seconds:.1f} "
        f"req/s, {stats.completed / seconds / workers:.1f} per worker"
    )
    print("  round trip as the client saw it                   | server time (Server-Timing)")
    for kind, values in sorted(stats.timings.items()):
        q, sq = _quantiles(values), _quantiles(stats.server[kind] or [0.0])
        print(
            f"  {kind:<14} n={len(values):6d}  p50 {q[49]:7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f} ms"
            f"  | p50 {sq[49]:6.1f}  p95 {sq[94]:6.1f}  p99 {sq[98]:6.1f} ms"
        )
    fivexx = sum(n for key, n in stats.failures.items() if key.split(": ")[-1].isdigit())
    print(
        f"5xx (not 503): {fivexx}; 503 (retried): {sum(stats.refused.values())} {dict(stats.refused) or ''}"
    )
    print(f"failures: {dict(stats.failures) or 'none'}")
    if "login" in stats.timings:
        print(f"logins: {len(stats.timings['login']) / seconds:.1f}/s")


def server_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of the server and its worker processes, from /proc (Linux)."""
    stats_by_pid: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            stats_by_pid[int(entry.name)] = fields
        except (ValueError, OSError):
            continue
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, fields in stats_by_pid.items() if int(fields[1]) in tree} - tree
        tree |= children
        grew = bool(children)
    ticks = sum(
        int(stats_by_pid[pid][11]) + int(stats_by_pid[pid][12]) for pid in tree if pid in stats_by_pid
    )
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, data_dir: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CASCADA_DATA_DIR": data_dir,
        "CASCADA_DATABASE_URL": url,
        "CASCADA_LOG_JSON": "false",
        "CASCADA_COURSES_DIR": str(COURSES),
    }
    for name in ("CASCADA_ARGON2_TIME_COST", "CASCADA_ARGON2_MEMORY_KIB", "CASCADA_ARGON2_PARALLELISM"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / "server.log", "wb"),
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(server)
    sys.exit("server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL to the whole process group if it has not stopped in 15 s."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(5)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=["exam", "logins"], default="exam")
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50, help="logins scenario: concurrent clients")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", help="default: SQLite in the bench's own data dir")
    parser.add_argument("--ramp", type=float, default=60.0, help="officers arrive over this many seconds")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        metavar=("MIN", "MAX"),
        default=[2.0, 5.0],
        help="seconds between seeing a question and saving its answer",
    )
    parser.add_argument("--questions", type=int, default=15, help="questions each officer answers (<= 15)")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop the clients after this long")
    return parser


def main() -> None:
    args = _parser().parse_args()
    users = args.clients if args.scenario == "logins" else args.officers
    with tempfile.TemporaryDirectory(prefix="cascada-bench-") as data_dir:
        url = args.database_url or f"sqlite:///{data_dir}/bench.db"
        if url.startswith("postgresql"):
            fresh_postgres(url)
        prepare(url, users)
        port = free_port()
        server = start_server(url, data_dir, port, args.workers)
        print(
            f"server pid {server.pid} on port {port} (py-spy record --pid {server.pid} --subprocesses)",
            flush=True,
        )
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        try:
            started, cpu = time.perf_counter(), server_cpu_seconds(server.pid)
            asyncio.run(run(f"http://127.0.0.1:{port}", args))
            seconds, cpu = time.perf_counter() - started, server_cpu_seconds(server.pid) - cpu
        finally:
            stop_server(server)
        print(
            f"{args.scenario}: {users} {'clients' if args.scenario == 'logins' else 'officers'}, "
            f"{args.workers} worker(s), {url.split(':')[0]}, think {args.think[0]:g}-{args.think[1]:g} s, "
            f"ramp {args.ramp:g} s; load average {load_before} at the start, "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end"
        )
        report(seconds, args.workers)
        print(
            f"server CPU: {cpu:.1f} s in {seconds:.0f} s ({cpu / seconds:.2f} cores), "
            f"{cpu / max(1, stats.completed) * 1000:.1f} ms per response: a ceiling of "
            f"{stats.completed / max(cpu, 1e-9):.0f} responses per CPU-second (per worker on its own core)"
        )
        if args.scenario == "exam":
            check(url, (Path(data_dir) / "secret_key").read_text().strip(), users)


if __name__ == "__main__":
    main()
