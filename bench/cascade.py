"""Server time of the cascade view with 1,000 cohorts and 20,000 officers over four generations.

Usage: python bench/cascade.py [--requests 30] [--database-url postgresql+psycopg://...]
Builds the data set with bulk inserts in a temporary SQLite database (or EMPTIES the PostgreSQL
database given), starts the real `cascada serve`, and times /cascade (admin and one trainer),
/cascade.csv and /cascade/departments from the Server-Timing header.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from server import (  # bench/ is on the path: this file runs as a script or from report.py
    log_in,
    start_cascada,
)
from sqlalchemy import Engine, insert, select, text, update
from sqlmodel import col

from app import migrate
from app.accounts.departments import DEPARTMENTS
from app.accounts.models import Role, User
from app.accounts.passwords import hash_password, make_hasher
from app.cohorts.models import Cohort, CohortCourse, CohortKind, CohortMember, TrainerCertification
from app.courses import service as course_service
from app.courses.models import CourseVersion
from app.db import make_engine, transaction
from app.learning.models import Enrollment
from app.models import metadata
from app.quizzes.models import AttemptState, QuizAttempt

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PASSWORD = "bench-cascada"
TOT, COURSE = "mini-formadores", "mini"
QUIZZES = ("control-basico", "final")  # the required quizzes of both fixture courses
sys.path.insert(0, str(Path(__file__).parent))
from foundation import free_port  # noqa: E402


class Data:
    """Rows built in memory, then written with one executemany per table."""

    def __init__(self, engine: Engine, officers: int) -> None:
        self.engine, self.rng = engine, random.Random(7)
        self.next_user, self.next_cohort, self.next_cert = 1, 1, 1
        self.rows: dict[type, list[dict[str, object]]] = {}
        self.leads: list[dict[str, object]] = []
        self.officer_ids: list[int] = []
        self.password_hash = hash_password(make_hasher(1, 64), PASSWORD)  # hashed once, for everyone
        self.officers = officers
        self.free = list(range(officers))  # officers not yet in a cohort (ids assigned below)
        self.departments = list(DEPARTMENTS)

    def add(self, table: type, **values: object) -> None:
        self.rows.setdefault(table, []).append(values)

    def user(self, role: Role, department: str, username: str | None = None) -> int:
        user_id, self.next_user = self.next_user, self.next_user + 1
        self.add(
            User,
            id=user_id,
            username=username or f"u{user_id}",
            full_name=f"Oficial {user_id}",
            role=role,
            department=department,
            password_hash=self.password_hash,
            rank="",
            language="es",
            active=True,
            created_at=datetime.now(UTC),
        )
        return user_id

    def cohort(
        self,
        lead: int,
        certification: int | None,
        department: str,
        generation: int,
        tot: bool,
        members: list[int],
        versions: dict[str, int],
    ) -> int:
        cohort_id, self.next_cohort = self.next_cohort, self.next_cohort + 1
        starts = date(2025, 1, 6) + timedelta(days=120 * generation + cohort_id % 90)
        self.add(
            Cohort,
            id=cohort_id,
            name=f"Cohorte {cohort_id} (generación {generation})",
            kind=CohortKind.training_of_trainers if tot else CohortKind.officer_course,
            department=department,
            starts_on=starts,
            ends_on=starts + timedelta(weeks=6),
            lead_id=lead,
            lead_certification_id=None,
            created_by_id=lead,
            created_at=datetime.now(UTC),
        )
        if certification is not None:  # set after the certifications exist (they refer to cohorts too)
            self.leads.append({"id": cohort_id, "lead_certification_id": certification})
        for slug in (TOT, COURSE) if tot else (COURSE,):
            self.add(CohortCourse, cohort_id=cohort_id, course_slug=slug)
            for member in members:
                self.enrol(member, slug, versions[slug])
        for member in members:
            self.add(
                CohortMember,
                cohort_id=cohort_id,
                user_id=member,
                source="roster",
                joined_at=datetime.now(UTC),
            )
        return cohort_id

    def enrol(self, user_id: int, slug: str, version_id: int) -> None:
        roll = self.rng.random()
        now = datetime.now(UTC)
        self.add(
            Enrollment,
            user_id=user_id,
            course_slug=slug,
            version_id=version_id,
            enrolled_at=now,
            completed_at=now if roll < 0.55 else None,
        )
        for n, quiz in enumerate(QUIZZES):
            if roll < 0.55 or (roll < 0.8 and n == 0):
                self.add(
                    QuizAttempt,
                    user_id=user_id,
                    course_slug=slug,
                    quiz_id=quiz,
                    version_id=version_id,
                    number=1,
                    max_attempts=0,
                    state=AttemptState.finished,
                    started_at=now,
                    finished_at=now,
                    percent=90.0,
                    passed=True,
                )

    def certify(self, user_id: int, cohort_id: int, certified_by: int, may_revoke: bool = True) -> int:
        first = self.next_cert
        for slug in (TOT, COURSE):
            revoked = datetime.now(UTC) if may_revoke and self.rng.random() < 0.03 else None
            self.add(
                TrainerCertification,
                id=self.next_cert,
                user_id=user_id,
                course_slug=slug,
                cohort_id=cohort_id,
                certified_by_id=certified_by,
                certified_at=datetime.now(UTC),
                revoked_at=revoked,
                revoke_reason="",
            )
            self.next_cert += 1
        return first

    def take(self, count: int) -> list[int]:
        taken, self.free = self.free[:count], self.free[count:]
        return [self.officer_ids[i] for i in taken]

    def write(self) -> None:
        order = (User, Cohort, CohortCourse, CohortMember, TrainerCertification, Enrollment, QuizAttempt)
        with transaction(self.engine, write=True) as session:
            for table in order:
                rows = self.rows.get(table, [])
                for start in range(0, len(rows), 5000):
                    session.execute(insert(table), rows[start : start + 5000])
            session.execute(update(Cohort), self.leads)
        if self.engine.dialect.name == "postgresql":  # as autovacuum would soon after a bulk load
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
            if self.engine.dialect.name == "postgresql":
                for table, key in (("user", "id"), ("cohort", "id"), ("trainercertification", "id")):
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{key}'), "
                            f'(SELECT MAX({key}) FROM "{table}"))'
                        )
                    )


def build(engine: Engine, cohorts: int, officers: int) -> tuple[int, int, str]:
    """Four generations: 10 ISEPOL ToT cohorts, their trainers' ToT and officer cohorts, and so on,
    until `cohorts` cohorts exist; returns (cohorts, member rows, a generation-2 trainer's username)."""
    with transaction(engine) as session:
        versions = dict(
            session.execute(
                select(CourseVersion.slug, CourseVersion.id).where(col(CourseVersion.published).is_(True))
            ).all()
        )
    data = Data(engine, officers)
    data.user(Role.admin, "asuncion", "bench-admin")
    staff = [data.user(Role.instructor, "asuncion", f"isepol{n}") for n in range(5)]
    data.officer_ids = [
        data.user(Role.officer, data.departments[i % len(data.departments)]) for i in range(officers)
    ]
    trainers: list[
        tuple[int, int, str]
    ] = []  # (user, certification, department) who may lead the next generation
    for n in range(10):
        department = data.departments[n % len(data.departments)]
        trainees = data.take(6)
        cohort = data.cohort(staff[n % 5], None, department, 1, True, trainees, versions)
        trainers += [
            (t, data.certify(t, cohort, staff[n % 5], may_revoke=False), department) for t in trainees
        ]
    generation, members = 2, 60
    sample = ""
    while trainers and data.next_cohort <= cohorts:
        produced = []
        for lead, certification, department in trainers:
            if data.next_cohort > cohorts:
                break
            sample = sample or f"u{lead}"
            per_trainer = 3 if generation < 4 else 1
            for k in range(per_trainer):
                if data.next_cohort > cohorts:
                    break
                tot = k == 0 and generation < 4 and data.rng.random() < 0.5
                left = max(1, cohorts - data.next_cohort + 1)
                roster = data.take(10 if tot else max(5, len(data.free) // left))  # every officer in a cohort
                members += len(roster)
                cohort = data.cohort(lead, certification, department, generation, tot, roster, versions)
                if tot:
                    produced += [(t, data.certify(t, cohort, lead), department) for t in roster]
        trainers, generation = produced, generation + 1
    data.write()
    return data.next_cohort - 1, members, sample


def prepare(url: str, courses_dir: Path) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade(url)
    with transaction(engine, write=True) as session:
        _, problems = course_service.load_directory(session, courses_dir)
        assert not problems, problems
    engine.dispose()


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`cascada serve` on the bench's data (no demo), through bench/server.py like every bench."""
    return start_cascada(env["CASCADA_DATA_DIR"], port, demo=False, env=env)


def bench_log_in(base: str, username: str) -> httpx.Client:
    """A user of this bench's data set (they share PASSWORD), asking for gzip as browsers do."""
    return log_in(base, username, PASSWORD, headers={"Accept-Encoding": "gzip"}, timeout=60)


def measure(client: httpx.Client, path: str, requests: int) -> str:
    client.get(path)  # warm caches (parsed course versions, compiled templates)
    times, wire, size = [], 0, 0
    for _ in range(requests):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        times.append(float(response.headers["server-timing"].split("dur=")[1]))
        wire, size = response.num_bytes_downloaded, len(response.content)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    return (
        f"{path:<22} server median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"{size / 1024:6.1f} KB ({wire / 1024:.1f} KB gzipped)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--cohorts", type=int, default=1000)
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a database to EMPTY and fill (default: SQLite)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        courses = Path(data_dir) / "courses"
        courses.mkdir()
        (courses / COURSE).symlink_to(FIXTURES / "courses" / COURSE)
        (courses / TOT).symlink_to(FIXTURES / "tot" / TOT)
        url = args.database_url or f"sqlite:///{data_dir}/cascada.db"
        started = time.perf_counter()
        prepare(url, courses)
        cohorts, members, trainer = build(make_engine(url), args.cohorts, args.officers)
        dialect = make_engine(url).dialect.name
        print(
            f"{dialect}: {cohorts} cohorts, {args.officers} officers, {members} memberships; "
            f"built in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} CPUs"
        )
        env = {
            **os.environ,
            "CASCADA_DATA_DIR": data_dir,
            "CASCADA_DATABASE_URL": url,
            "CASCADA_LOG_JSON": "false",
            "CASCADA_COURSES_DIR": str(courses),
            "CASCADA_ADMIN_SECOND_FACTOR": "false",  # the bench measures pages, not the second factor
        }
        port = free_port()
        server = start_server(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            admin = bench_log_in(base, "bench-admin")
            for path in ("/cascade", "/cascade.csv", "/cascade/departments", "/cascade/departments/itapua"):
                print("admin   " + measure(admin, path, args.requests))
            timing = measure(bench_log_in(base, trainer), "/cascade", args.requests)
            print(f"trainer {timing}  ({trainer}, generation 2)")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
