"""Cohort dashboard: server time and size of the progress page, its htmx table and its CSV export.

Builds a cohort of 40 officers (plus other cohorts in the same database, so the queries have
rows to skip) with realistic progress in the real courses: lessons read in study order, one to
three quiz attempts, attendance at in-person sessions, some practicums scored, some officers
finished and some past their due date. Then starts the real server and requests each URL.

Usage: python bench/dashboard.py [--officers 40] [--requests 200] [--database-url URL]
                                 [--course formacion-de-formadores]
The load generator (one client, one request at a time) runs on the same machine as the server.
"""

import argparse
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
from datetime import date, timedelta
from pathlib import Path

import httpx
from server import log_in  # bench/ is on the path: this file runs as a script
from sqlalchemy import text
from sqlmodel import Session

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password, make_hasher
from app.cohorts import service as cohort_service
from app.cohorts.models import Attendance, Cohort, CohortKind, Meeting, MemberSource, PracticumScore
from app.courses import catalog, drawing
from app.courses import service as course_service
from app.db import make_engine, transaction
from app.learning import service as learning
from app.learning.models import ItemProgress
from app.migrate import upgrade
from app.models import metadata
from app.quizzes import grading
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt
from app.timeutil import utcnow

ROOT = Path(__file__).parent.parent
COURSES = ROOT / "courses"
PASSWORD = "tablero de prueba"
COHORT_COURSES = ("formacion-de-formadores", "trata-de-personas")


def prepare(url: str, officers: int, others: int, seed: int = 7) -> int:
    """The database with courses, the measured cohort and `others` officers in other cohorts."""
    upgrade(url)
    rng = random.Random(seed)
    with transaction(make_engine(url), write=True) as session:
        _, problems = course_service.load_directory(session, COURSES)
        assert not problems, problems
        password_hash = hash_password(make_hasher(1, 64), PASSWORD)
        lead = User(
            username="instructora", full_name="Instructora", role=Role.instructor, password_hash=password_hash
        )
        session.add(lead)
        session.flush()
        measured = _cohort(session, lead, "Cohorte medida", officers, rng, password_hash)
        for n in range(max(1, others // 40)):
            _cohort(session, lead, f"Otra cohorte {n}", min(40, others), rng, password_hash)
        return measured.id or 0


def _cohort(
    session: Session, lead: User, name: str, size: int, rng: random.Random, password_hash: str
) -> Cohort:
    today = date.today()
    form = cohort_service.CohortForm(
        name=name,
        kind=CohortKind.training_of_trainers,
        department="central",
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=20),
        courses={slug: today - timedelta(days=rng.choice([2, 30])) for slug in COHORT_COURSES},
    )
    cohort = cohort_service.create(session, form, actor=lead)
    meetings = _meetings(session, cohort)
    for n in range(size):
        officer = User(
            username=f"c{cohort.id}-oficial{n:02d}",
            full_name=f"{rng.choice(NAMES)} {n:02d}",
            password_hash=password_hash,
        )
        session.add(officer)
        session.flush()
        cohort_service.add_member(session, cohort, officer, MemberSource.roster)
        for slug in COHORT_COURSES:
            _progress(session, cohort, officer, slug, rng, lead)
        for meeting in meetings:
            session.add(
                Attendance(
                    session_id=meeting.id or 0,
                    user_id=officer.id or 0,
                    present=rng.random() < 0.85,
                    recorded_by_id=lead.id or 0,
                )
            )
    return cohort


NAMES = (
    "Ana Benítez",
    "Beto Cáceres",
    "Carla Duarte",
    "Ñanduti Ayala",
    "José Giménez",
    "Lucía Ortiz",
    "María Ríos",
    "Pedro Núñez",
    "Rosa Villalba",
    "Óscar Sosa",
)


def _meetings(session: Session, cohort: Cohort) -> list[Meeting]:
    meetings = [
        Meeting(cohort_id=cohort.id or 0, starts_at=utcnow() - timedelta(days=30 - 7 * i), hours=5)
        for i in range(3)
    ]
    session.add_all(meetings)
    session.flush()
    return meetings


def _progress(
    session: Session, cohort: Cohort, officer: User, slug: str, rng: random.Random, grader: User
) -> None:
    """Items done in study order up to a random point; quizzes with 1-3 attempts on the way."""
    enrollment = learning.enrolled(session, officer, slug)
    course = course_service.course_of(session, enrollment.version_id)
    reach = rng.choice([0, 0.2, 0.5, 0.8, 1, 1, 1])
    items = course.items()
    for item in items[: round(reach * len(items))]:
        if item.quiz is None:
            session.add(ItemProgress(enrollment_id=enrollment.id or 0, item_id=item.id))
            continue
        for number in range(1, rng.randint(1, 3) + 1):
            attempt = QuizAttempt(
                user_id=officer.id or 0,
                course_slug=slug,
                quiz_id=item.id,
                version_id=enrollment.version_id,
                number=number,
                max_attempts=0,
                state=AttemptState.finished,
                finished_at=utcnow(),
                percent=round(rng.uniform(40, 100), 2),
            )
            session.add(attempt)
            if item is items[-1]:  # the final quiz gets its questions and answers: the analysed one
                _answer(session, attempt, item, course, rng)
    if course.manifest.completion.practicum and reach == 1 and rng.random() < 0.6:
        session.add(
            PracticumScore(
                cohort_id=cohort.id or 0,
                user_id=officer.id or 0,
                course_slug=slug,
                version_id=enrollment.version_id,
                levels=json.dumps({}),
                total=5,
                passed=True,
                grader_id=grader.id or 0,
            )
        )
    session.flush()
    learning.record_completion(session, enrollment)


def _answer(
    session: Session, attempt: QuizAttempt, item: catalog.Item, course: catalog.Course, rng: random.Random
) -> None:
    """Slots as the player draws them and a random choice on each, graded as the server grades."""
    assert item.quiz is not None
    session.flush()
    questions = drawing.question_index(item.quiz, course.banks)
    scores = []
    for position, slot in enumerate(drawing.draw(item.quiz, course.banks, rng)):
        question = questions[slot.question_id]
        if slot.option_order:
            response: object = rng.choice(slot.option_order)
            response = [response] if question.type == "multiple" else response
        else:
            response = rng.random() < 0.7 if question.type == "true_false" else ""
        fraction = grading.score(question, response) or 0.0
        scores.append((1.0, fraction))
        session.add(
            AttemptSlot(
                attempt_id=attempt.id or 0,
                position=position,
                question_id=slot.question_id,
                option_order=json.dumps(list(slot.option_order)),
            )
        )
        session.add(
            Answer(
                attempt_id=attempt.id or 0,
                position=position,
                response=json.dumps(response),
                fraction=fraction,
            )
        )
    attempt.percent = grading.attempt_percent(scores)


def fresh_postgres(url: str) -> None:
    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def start_server(url: str, data_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CASCADA_DATA_DIR": data_dir,
        "CASCADA_DATABASE_URL": url,
        "CASCADA_LOG_JSON": "false",
        "CASCADA_COURSES_DIR": str(COURSES),
        "CASCADA_ARGON2_TIME_COST": "1",
        "CASCADA_ARGON2_MEMORY_KIB": "64",
    }
    cascada = Path(sys.executable).parent / "cascada"  # the virtualenv's, even when not activated
    server = subprocess.Popen(
        [str(cascada), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / "server.log", "wb"),
    )
    for _ in range(150):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    sys.exit("server did not start")


def measure(client: httpx.Client, label: str, path: str, requests: int, headers: dict[str, str]) -> None:
    client.get(path, headers=headers)  # warm: parsed course versions are cached per process
    times, wire, body = [], 0, 0
    for _ in range(requests):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        times.append(float(response.headers["server-timing"].split("dur=")[1]))
        wire, body = response.num_bytes_downloaded, len(response.content)
    q = statistics.quantiles(times, n=100)
    print(
        f"  {label:<26} server time median {statistics.median(times):5.1f} ms, p95 {q[94]:5.1f} ms; "
        f"{body / 1024:5.1f} KB ({wire / 1024:4.1f} KB gzip)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument(
        "--others", type=int, default=400, help="officers in other cohorts of the same database"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--course", default=COHORT_COURSES[0], choices=COHORT_COURSES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        url = args.database_url or f"sqlite:///{data_dir}/bench.db"
        if url.startswith("postgresql"):
            fresh_postgres(url)
        cohort_id = prepare(url, args.officers, args.others)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = start_server(url, data_dir, port)
        try:
            client = log_in(
                f"http://127.0.0.1:{port}", "instructora", PASSWORD, headers={"Accept-Encoding": "gzip"}
            )
            query = f"?course={args.course}&sort=-percent"
            print(
                f"cohort of {args.officers} officers ({args.others} more in other cohorts), "
                f"course {args.course}, {url.split(':')[0]}, {args.requests} requests each, one at a time:"
            )
            measure(client, "cohort page (reference)", f"/cohorts/{cohort_id}", args.requests, {})
            measure(client, "dashboard page", f"/cohorts/{cohort_id}/dashboard{query}", args.requests, {})
            measure(
                client,
                "table fragment (htmx sort)",
                f"/cohorts/{cohort_id}/dashboard{query}",
                args.requests,
                {"HX-Request": "true"},
            )
            measure(client, "CSV export", f"/cohorts/{cohort_id}/dashboard.csv{query}", args.requests, {})
            measure(
                client,
                "item analysis (final quiz)",
                _final_quiz_path(client, cohort_id, args.course),
                args.requests,
                {},
            )
        finally:
            server.terminate()
            server.wait(30)


def _final_quiz_path(client: httpx.Client, cohort_id: int, course: str) -> str:
    links = re.findall(
        rf'href="(/cohorts/{cohort_id}/analysis/{course}/[^"]+)"',
        client.get(f"/cohorts/{cohort_id}/analysis").text,
    )
    return links[-1]


if __name__ == "__main__":
    main()
