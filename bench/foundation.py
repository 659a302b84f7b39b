"""Login page weight (compressed, with assets) and home page server time under concurrent requests.

Usage: python bench/foundation.py [--requests 400] [--concurrency 20]
Starts `cascada serve --demo` on a temporary SQLite database, measures, and stops it.
"""

import argparse
import re
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from server import free_port, log_in, start_cascada  # noqa: F401 (free_port: bench/certificates.py imports it here)


def start_server(data_dir: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    return start_cascada(data_dir, port, workers)


def transfer_size(base: str, path: str) -> tuple[int, list[tuple[str, int]]]:
    """Bytes on the wire for a first visit: the page plus its CSS/JS, compressed as served."""
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}) as client:
        page = client.get(path)
        parts = [(path, page.num_bytes_downloaded)]
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
            parts.append((asset, client.get(asset).num_bytes_downloaded))
    return sum(size for _, size in parts), parts


def lesson_page(base: str, path: str) -> tuple[int, float]:
    """A later page: only its HTML travels (CSS and JS are cached, immutable, from the first visit)."""
    client = log_in(base, "oficial")
    client.headers["Accept-Encoding"] = "gzip"
    client.get(path)  # warm the server's render cache, as any earlier reader would have
    response = client.get(path)
    assert response.status_code == 200, path
    return response.num_bytes_downloaded, float(response.headers["server-timing"].split("dur=")[1])


def time_home(base: str, requests: int, concurrency: int) -> list[float]:
    clients = [log_in(base, "oficial") for _ in range(concurrency)]

    def one(i: int) -> float:
        response = clients[i % concurrency].get("/")
        assert response.status_code == 200
        return float(response.headers["server-timing"].split("dur=")[1])

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(requests)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(data_dir, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            total, parts = transfer_size(base, "/login")
            print(f"login page first visit: {total / 1024:.1f} KB compressed (budget 40 KB)")
            for path, size in parts:
                print(f"  {size / 1024:6.1f} KB  {path}")
            for path in (
                "/courses/trata-de-personas/palermo-definicion",
                "/courses/trabajo-infantil/conceptos-basicos",
                "/courses/trabajo-forzoso/once-indicadores",
            ):
                size, server_ms = lesson_page(base, path)
                print(
                    f"lesson page, assets cached: {size / 1024:.1f} KB compressed (budget 15 KB), "
                    f"server {server_ms:.1f} ms  {path}"
                )
            started = time.perf_counter()
            times = time_home(base, args.requests, args.concurrency)
            rate = args.requests / (time.perf_counter() - started)
            q = statistics.quantiles(times, n=100)
            print(
                f"home page (officer), {args.requests} requests, {args.concurrency} concurrent clients, "
                f"{args.workers} worker(s): server time median {statistics.median(times):.1f} ms, "
                f"p95 {q[94]:.1f} ms; {rate:.0f} req/s with the load generator on the same machine"
            )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
