"""Server time of the evidence report with 1,000 cohorts and 20,000 officers who took pre/post tests.

Usage: python bench/report.py [--requests 20] [--database-url postgresql+psycopg://...]
Builds the cascade bench's data set (bench/cascade.py: four generations, bulk inserts), gives
every member of a cohort a pre-test and, for nine in ten, a post-test in the `mini` course (which
gets an evaluation.yaml here), a sex, in-person sessions and police headcounts; then starts the
real `cascada serve` and times the country report, one department's, and their CSV and PDF from
the Server-Timing header, with the server's CPU time per request (from /proc, as exam_day.py).
Target: the report page at most 300 ms.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select, update
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # for tests.evidence.forms_fixture
import cascade as cascade_bench  # noqa: E402
from exam_day import server_cpu_seconds  # noqa: E402
from foundation import free_port  # noqa: E402

from app.accounts.departments import DEPARTMENTS  # noqa: E402
from app.accounts.models import Sex, User  # noqa: E402
from app.cohorts.models import Cohort, CohortMember, Meeting  # noqa: E402
from app.courses.models import CourseVersion  # noqa: E402
from app.db import make_engine, transaction  # noqa: E402
from app.evidence.models import DepartmentHeadcount  # noqa: E402
from app.quizzes.models import AttemptState, QuizAttempt  # noqa: E402
from tests.evidence.forms_fixture import EVALUATION  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def courses_with_forms(folder: Path) -> Path:
    """The two fixture courses of the cascade bench, `mini` with a pre-test and post-test."""
    courses = folder / "courses"
    shutil.copytree(cascade_bench.FIXTURES / "courses" / cascade_bench.COURSE, courses / cascade_bench.COURSE)
    (courses / cascade_bench.COURSE / "evaluation.yaml").write_text(EVALUATION, encoding="utf-8")
    (courses / cascade_bench.TOT).symlink_to(cascade_bench.FIXTURES / "tot" / cascade_bench.TOT)
    return courses


def add_evidence(engine: Engine) -> int:
    """Pre/post attempts, sexes, sessions and headcounts in bulk; returns the number of attempts."""
    rng = random.Random(15)
    now = datetime.now(UTC)
    with transaction(engine, write=True) as session:
        version = session.execute(
            select(CourseVersion.id).where(
                CourseVersion.slug == cascade_bench.COURSE, col(CourseVersion.published).is_(True)
            )
        ).scalar_one()
        members = sorted({row[0] for row in session.execute(select(CohortMember.user_id)).all()})
        attempts = []
        for user_id in members:
            pre = rng.uniform(20, 70)
            for quiz_id, percent in (("pre-test", pre), ("post-test", min(100, pre + rng.gauss(25, 10)))):
                if quiz_id == "post-test" and rng.random() < 0.1:
                    continue
                attempts.append(
                    {
                        "user_id": user_id,
                        "course_slug": cascade_bench.COURSE,
                        "quiz_id": quiz_id,
                        "version_id": version,
                        "number": 1,
                        "max_attempts": 1,
                        "state": AttemptState.finished,
                        "started_at": now,
                        "finished_at": now,
                        "percent": round(percent, 1),
                        "passed": percent >= 70,
                    }
                )
        for start in range(0, len(attempts), 5000):
            session.execute(insert(QuizAttempt), attempts[start : start + 5000])
        for sex in (Sex.female, Sex.male):
            chosen = [u for u in members if rng.random() < 0.45]
            session.execute(update(User).where(col(User.id).in_(chosen)).values(sex=sex))
        cohorts = [row[0] for row in session.execute(select(Cohort.id)).all()]
        session.execute(
            insert(Meeting),
            [
                {
                    "cohort_id": c,
                    "starts_at": now - timedelta(days=rng.randint(1, 400)),
                    "hours": 5.0,
                    "place": "",
                    "topic": "",
                }
                for c in cohorts
                for _ in range(3)
            ],
        )
        session.execute(
            insert(DepartmentHeadcount),
            [
                {"department": code, "officers": 1500, "updated_at": now, "updated_by_id": 1}
                for code in DEPARTMENTS
            ],
        )
    return len(attempts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--cohorts", type=int, default=1000)
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a database to EMPTY and fill (default: SQLite)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        courses = courses_with_forms(Path(data_dir))
        url = args.database_url or f"sqlite:///{data_dir}/cascada.db"
        started = time.perf_counter()
        cascade_bench.prepare(url, courses)
        engine = make_engine(url)
        cohorts, members, _ = cascade_bench.build(engine, args.cohorts, args.officers)
        attempts = add_evidence(engine)
        print(
            f"{engine.dialect.name}: {cohorts} cohorts, {args.officers} officers, {members} memberships, "
            f"{attempts} pre/post attempts; built in {time.perf_counter() - started:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        env = {
            **os.environ,
            "CASCADA_DATA_DIR": data_dir,
            "CASCADA_DATABASE_URL": url,
            "CASCADA_LOG_JSON": "false",
            "CASCADA_COURSES_DIR": str(courses),
            "CASCADA_ADMIN_SECOND_FACTOR": "false",  # the bench measures the report, not the second factor
        }
        port = free_port()
        server = cascade_bench.start_server(env, port)
        try:
            admin = cascade_bench.bench_log_in(f"http://127.0.0.1:{port}", "bench-admin")
            for path in (
                "/evidence/reports/paraguay",
                "/evidence/reports/paraguay.csv",
                "/evidence/reports/paraguay.pdf",
                "/evidence/reports/itapua",
            ):
                admin.get(path)  # the first request's one-time work (templates, caches) is not counted
                before = server_cpu_seconds(server.pid)
                line = cascade_bench.measure(admin, path, args.requests)
                cpu = (server_cpu_seconds(server.pid) - before) / (args.requests + 1)  # + the warm-up
                print(f"admin   {line}  server CPU {cpu * 1000:.0f} ms/request")
            print("target: /evidence/reports/paraguay at most 300 ms (median)")
            load = os.getloadavg()[0]
            print(f"load average {load:.1f}: on a shared machine the CPU per request is what carries over")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
