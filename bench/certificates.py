"""Certificate PDFs per second (in process and over HTTP) and the /verify page's server time.

Usage: python bench/certificates.py [--pdfs 40] [--requests 300] [--concurrency 10]
Starts `cascada serve --demo` on a temporary SQLite database, issues a certificate, measures, stops.
"""

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parent.parent)]

from foundation import free_port, start_server  # noqa: E402
from server import log_in  # noqa: E402

from app.accounts.models import Role, User  # noqa: E402
from app.accounts.passwords import hash_password, make_hasher  # noqa: E402
from app.certificates import pdf, service  # noqa: E402
from app.certificates.details import Details  # noqa: E402
from app.cohorts import service as cohort_service  # noqa: E402
from app.cohorts.models import CohortKind, MemberSource  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine, transaction  # noqa: E402
from tests.certificates.helpers import complete  # noqa: E402

PASSWORD = "cascada-bench"


def arrange(data_dir: str) -> str:
    """An admin and an officer who completed a course, with the certificate issued; its public id."""
    engine = make_engine(f"sqlite:///{data_dir}/cascada.db")
    password_hash = hash_password(make_hasher(1, 64), PASSWORD)
    with transaction(engine, write=True) as session:
        admin = User(
            username="bench-admin", full_name="Bench Admin", role=Role.admin, password_hash=password_hash
        )
        officer = User(
            username="bench-oficial",
            full_name="Ñandutí Güemes Pirajú",
            national_id="1234567",
            password_hash=password_hash,
        )
        session.add_all([admin, officer])
        session.flush()
        form = cohort_service.CohortForm(
            name="Cohorte Bench",
            kind=CohortKind.officer_course,
            department="itapua",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 6, 30),
            courses={"trata-de-personas": None},
        )
        cohort = cohort_service.create(session, form, actor=admin)
        cohort_service.add_member(session, cohort, officer, MemberSource.manual)
        complete(session, officer, "trata-de-personas")
        certificate = service.issue(
            session, officer, "trata-de-personas", actor=admin, prefix="ISEPOL", cohort=cohort
        )
        public_id, details = (
            certificate.public_id,
            service.details(
                session,
                certificate,
                base_url="http://localhost:8000",
                issuer=Settings().certificate_issuer,
                signatories=["Director/a del ISEPOL", "Coordinación académica"],
            ),
        )
    engine.dispose()
    in_process(details)
    return public_id


def in_process(details: Details, count: int = 20) -> None:
    pdf.render(details)  # fonts and caches warm
    started = time.perf_counter()
    for _ in range(count):
        body = pdf.render(details)
    elapsed = time.perf_counter() - started
    print(
        f"PDF in process: {count / elapsed:.1f} PDFs/s ({1000 * elapsed / count:.0f} ms each, one thread), "
        f"{len(body) / 1024:.1f} KB each"
    )


def over_http(base: str, public_id: str, count: int, concurrency: int) -> None:
    clients = [log_in(base, "bench-admin", PASSWORD, timeout=60) for _ in range(concurrency)]

    def one(i: int) -> float:
        response = clients[i % concurrency].get(f"/certificates/{public_id}/certificado.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        return float(response.headers["server-timing"].split("dur=")[1])

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        times = list(pool.map(one, range(count)))
    rate = count / (time.perf_counter() - started)
    print(
        f"PDF over HTTP: {rate:.1f} PDFs/s with {concurrency} concurrent clients, one worker; "
        f"server time median {statistics.median(times):.0f} ms"
    )


def verify_times(base: str, public_id: str, count: int, concurrency: int) -> None:
    with httpx.Client(base_url=base) as client:

        def one(_: int) -> float:
            response = client.get(f"/verify/{public_id}")
            assert response.status_code == 200
            return float(response.headers["server-timing"].split("dur=")[1])

        one(0)
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            times = list(pool.map(one, range(count)))
        rate = count / (time.perf_counter() - started)
        credential = client.get(f"/verify/{public_id}/credential.json")
    q = statistics.quantiles(times, n=100)
    print(
        f"/verify page: {count} requests, {concurrency} concurrent: server time median "
        f"{statistics.median(times):.1f} ms, p95 {q[94]:.1f} ms; {rate:.0f} req/s"
    )
    signing_ms = float(credential.headers["server-timing"].split("dur=")[1])
    print(f"signed credential: server time {signing_ms:.1f} ms, {len(credential.content)} bytes")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=40)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(data_dir, port, 1)
        try:
            public_id = arrange(data_dir)
            base = f"http://127.0.0.1:{port}"
            over_http(base, public_id, args.pdfs, min(args.concurrency, 4))
            verify_times(base, public_id, args.requests, args.concurrency)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
