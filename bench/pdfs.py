"""Certificate PDFs per second, in process, one thread: no server, no database.

Usage: python bench/pdfs.py [--count 200] [--runs 3] [--profile]
Renders `count` certificates, each for a different officer (name, serial, verification URL and QR
differ), after one warm-up render; prints PDFs/s of wall time and PDFs per CPU-second of this
process (the figure that holds on a shared machine) for each run, their medians and the load
average. `--profile` prints cProfile's top functions of one run instead.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from app.certificates import pdf  # noqa: E402
from app.certificates.details import Details  # noqa: E402


def certificate(number: int) -> Details:
    moment = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
    return Details(
        serial=f"ISEPOL-2026-{number:06d}",
        public_id=f"bench{number}",
        kind="course",
        holder_name=f"Ñandutí Güemes Pirajú {number}",
        holder_id=f"{1_000_000 + number}",
        course_slug="trata-de-personas",
        course_title={"es": "Trata de personas: identificación y derivación"},
        hours=12,
        completed_at=moment,
        issued_at=moment,
        expires_at=None,
        cohort_name="Cohorte Itapúa 2026",
        department="Itapúa",
        issuer="ISEPOL, Policía Nacional",
        verify_url=f"https://cascada.example.py/verify/Q2FzY2FkYS1jZXJ0aWZpY2FkbyBkZSBwcnVlYmEg{number:06d}",
        status_index=number,
        signatories=[("Director/a del ISEPOL", ""), ("Coordinación académica", "")],
    )


def run(certificates: list[Details]) -> tuple[float, float, int]:
    """PDFs per second of wall time, PDFs per CPU-second of this process, mean size."""
    started, cpu = time.perf_counter(), time.process_time()
    size = sum(len(pdf.render(details)) for details in certificates)
    count = len(certificates)
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu), size // count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    pdf.render(certificate(0))  # fonts, caches and imports warm
    print(f"first PDF (imports, fonts): {1000 * (time.perf_counter() - started):.0f} ms")
    certificates = [certificate(number) for number in range(1, args.count + 1)]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, certificates)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rates, cpu_rates = [], []
    for number in range(args.runs):
        rate, cpu_rate, size = run(certificates)
        rates.append(rate)
        cpu_rates.append(cpu_rate)
        print(
            f"run {number + 1}: {rate:.1f} PDFs/s ({1000 / rate:.1f} ms each), "
            f"{cpu_rate:.1f} per CPU-second, {size / 1024:.1f} KB each"
        )
    print(
        f"median of {args.runs}: {statistics.median(rates):.1f} PDFs/s in process, one thread; "
        f"{statistics.median(cpu_rates):.1f} PDFs per CPU-second"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
