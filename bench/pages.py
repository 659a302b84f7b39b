"""Pages as a share of the framework's ceiling: Cascada's common pages against a bare FastAPI + Jinja2 page.

Usage: python bench/pages.py [--workers 1 2] [--seconds 20] [--connections 50] [--pages lesson catalog ...]

Starts `cascada serve --demo` (SQLite in a temporary data dir) and bench/ceiling/app.py with the same
number of workers, loads each page in turn with the same generator (wrk if installed, else an async
httpx loop) and prints req/s, p50/p95/p99, errors, the peak RSS of each server process, and req/s as a
percentage of the bare page in the same run. This machine is noisy: compare ratios within one run.
"""

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import free_port, log_in, start_cascada, start_process, stop  # noqa: E402

PAGES = {
    "lesson": "/courses/trabajo-infantil/conceptos-basicos",
    "course": "/courses/trabajo-infantil",
    "catalog": "/courses",
    "quiz": None,  # an attempt's question page, made at start
    "login": "/login",
    "healthz": "/healthz",
}
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %f %f %f\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class Result:
    rate: float
    p50: float
    p95: float
    p99: float
    errors: int


class PeakRss:
    """Samples the resident memory of a process and its children (the workers) until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peaks, self._stop = pid, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid in [self.pid, *_children(self.pid)]:
                rss = _rss_mib(pid)
                if rss:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)

    def stop(self) -> dict[int, float]:
        self._stop.set()
        self._thread.join()
        return self.peaks


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def run_wrk(url: str, cookie: str, seconds: int, connections: int, script: Path) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95, p99 = (float(x) for x in re.search(r"PERCENTILES (\S+) (\S+) (\S+)", out).groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(g) for g in socket.groups()) if socket else 0
    )
    return Result(rate, p50, p95, p99, errors)


def run_httpx(url: str, cookie: str, seconds: int, connections: int) -> Result:
    async def go() -> tuple[list[float], int]:
        times: list[float] = []
        errors = 0
        deadline = time.perf_counter() + seconds
        limits = httpx.Limits(max_connections=connections)
        async with httpx.AsyncClient(headers={"Cookie": cookie} if cookie else {}, limits=limits) as client:

            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    try:
                        ok = (await client.get(url)).status_code < 400
                    except httpx.HTTPError:
                        ok = False
                    times.append((time.perf_counter() - started) * 1000)
                    errors += not ok

            await asyncio.gather(*(worker() for _ in range(connections)))
        return times, errors

    times, errors = asyncio.run(go())
    q = statistics.quantiles(times, n=100)
    return Result(len(times) / seconds, q[49], q[94], q[98], errors)


def measure(url: str, cookie: str, args: argparse.Namespace, script: Path) -> Result:
    if shutil.which("wrk"):
        return run_wrk(url, cookie, args.seconds, args.connections, script)
    return run_httpx(url, cookie, args.seconds, args.connections)


def quiz_page(client: httpx.Client) -> str:
    """Start an attempt of an untimed quiz for the logged-in officer; its second question's URL."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/courses/trabajo-infantil").text)
    client.post("/learn/trabajo-infantil/enroll", data={"csrf_token": token.group(1) if token else ""})
    response = client.post(
        "/quizzes/trabajo-infantil/control-modulo-1/start",
        data={"csrf_token": token.group(1) if token else ""},
    )
    location = httpx.URL(response.headers.get("location", "")).path
    if not location.startswith("/attempts/"):
        sys.exit(f"could not start a quiz attempt: {response.status_code} {location}")
    return f"{location}?q=1"


def bench_workers(workers: int, args: argparse.Namespace, script: Path) -> None:
    ceiling_port, port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        ceiling = start_process(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.ceiling.app:app",
                "--port",
                str(ceiling_port),
                "--workers",
                str(workers),
                "--no-access-log",
            ],
            f"http://127.0.0.1:{ceiling_port}/",
        )
        server = start_cascada(data_dir, port, workers)
        try:
            base = f"http://127.0.0.1:{port}"
            client = log_in(base, "oficial")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            paths = {name: PAGES[name] or quiz_page(client) for name in args.pages}
            watch = PeakRss(ceiling.pid)
            bare = measure(f"http://127.0.0.1:{ceiling_port}/", "", args, script)
            bare_peak = max(watch.stop().values(), default=0)
            print(f"\n{workers} worker(s), {args.connections} connections, {args.seconds} s per page")
            print(
                f"{'page':<9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
                f"{'peak MiB':>10}{'% of bare':>11}"
            )
            _row("bare", bare, bare_peak, bare.rate)
            for name, path in paths.items():
                watch = PeakRss(server.pid)
                result = measure(base + path, "" if name in ("login", "healthz") else cookie, args, script)
                peaks = watch.stop()
                _row(
                    name,
                    result,
                    max((v for pid, v in peaks.items() if pid != server.pid or workers == 1), default=0),
                    bare.rate,
                )
        finally:
            stop(server)
            stop(ceiling)


def _row(name: str, r: Result, peak: float, bare_rate: float) -> None:
    print(
        f"{name:<9}{r.rate:>9.0f}{r.p50:>9.1f}{r.p95:>9.1f}{r.p99:>9.1f}{r.errors:>8}{peak:>10.0f}"
        f"{100 * r.rate / bare_rate:>10.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    args = parser.parse_args()
    print(f"generator: {'wrk' if shutil.which('wrk') else 'httpx (install wrk for lower overhead)'}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        for workers in args.workers:
            bench_workers(workers, args, Path(script.name))


if __name__ == "__main__":
    main()
