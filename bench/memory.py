"""Resident memory of a Cascada worker: idle after start, and at peak under the common pages.

Usage: python bench/memory.py [--runs 3] [--workers 1] [--seconds 10] [--pages lesson catalog]

Each run starts `cascada serve --demo` (SQLite in a temporary data dir), waits 3 s, reads the RSS
of every worker (with one worker, the serve process itself), then loads each page in turn as a
logged-in officer (bench/pages.py's generator) and keeps the highest RSS seen. Prints each run, the
medians and the load average (the machine is shared: the figures move with it).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pages import PAGES, WRK_SCRIPT, PeakRss, _children, _rss_mib, measure, quiz_page  # noqa: E402
from bench.server import free_port, log_in, start_cascada, stop  # noqa: E402


def workers_of(pid: int, workers: int) -> list[int]:
    return [pid] if workers == 1 else _children(pid)


def one_run(args: argparse.Namespace, script: Path) -> tuple[float, float]:
    """The highest idle RSS of a worker and the highest RSS of a worker under load, in MiB."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_cascada(data_dir, port, args.workers)
        try:
            time.sleep(3)
            idle = max(_rss_mib(pid) for pid in workers_of(server.pid, args.workers))
            base = f"http://127.0.0.1:{port}"
            client = log_in(base, "oficial")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            watch = PeakRss(server.pid)
            for name in args.pages:
                measure(base + (PAGES[name] or quiz_page(client)), cookie, args, script)
            peaks = watch.stop()
            peak = max(v for pid, v in peaks.items() if args.workers == 1 or pid != server.pid)
            return idle, peak
        finally:
            stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=["lesson", "catalog"])
    args = parser.parse_args()
    idles, peaks = [], []
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        for number in range(args.runs):
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            idle, peak = one_run(args, Path(script.name))
            idles.append(idle)
            peaks.append(peak)
            print(f"run {number + 1}: idle {idle:.1f} MiB, peak {peak:.1f} MiB per worker (load {load})")
    print(
        f"median of {args.runs}: idle {statistics.median(idles):.1f} MiB, "
        f"peak {statistics.median(peaks):.1f} MiB per worker ({args.workers} worker(s), "
        f"pages {' '.join(args.pages)}, {args.seconds} s each)"
    )


if __name__ == "__main__":
    main()
