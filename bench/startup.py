"""Cold start: seconds from `cascada serve` to the first `/login` 200, on an empty and an existing data dir.

Usage: python bench/startup.py [--runs 5] [--no-demo]
Prints wall-clock seconds (median and range) and the server's CPU seconds at that moment, which is
the steadier figure on a shared machine.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.server import free_port, stop  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
APP = Path(__file__).resolve().parent.parent / "app"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def one_start(data_dir: str, demo: bool) -> tuple[float, float]:
    port = free_port()
    cascada = Path(sys.executable).parent / "cascada"
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(cascada), "serve", "--port", str(port), *(["--demo"] if demo else [])],
        env={**os.environ, "CASCADA_DATA_DIR": data_dir, "CASCADA_LOG_JSON": "false"},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                    return time.perf_counter() - started, cpu_seconds(server.pid)
            except httpx.HTTPError:
                time.sleep(0.01)
            if time.perf_counter() - started > 120:
                sys.exit("the server did not start within 120 s")
    finally:
        stop(server)


def report(label: str, runs: list[tuple[float, float]]) -> None:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(
        f"{label}: wall median {statistics.median(walls):.2f} s "
        f"(min {min(walls):.2f}, max {max(walls):.2f}), "
        f"CPU median {statistics.median(cpus):.2f} s, {len(runs)} run(s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-demo", dest="demo", action="store_false")
    args = parser.parse_args()
    # As the image does at build (Dockerfile). Without bytecode on disk (PYTHONDONTWRITEBYTECODE, or a
    # user who may not write beside the code) every start compiles the app again: about 0.1 s here.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(APP)], check=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    empty = []
    for _ in range(min(args.runs, 3)):
        with tempfile.TemporaryDirectory() as data_dir:
            empty.append(one_start(data_dir, args.demo))
    report(f"empty data dir{' with --demo' if args.demo else ''}", empty)
    with tempfile.TemporaryDirectory() as data_dir:
        one_start(data_dir, args.demo)
        report("existing data dir", [one_start(data_dir, args.demo) for _ in range(args.runs)])


if __name__ == "__main__":
    main()
