"""Demo evidence: pre/post results for the demo cascade whose gain thins a little by generation, the
sex of the demo officers, police headcounts, and a commission member for Boquerón.

Deterministic (seeded) so the demo report reads the same on every machine. Plausible, not real:
pre-tests around 45 %, a gain of about 30 points in generation 1 that loses about 4 points per
generation, one officer in ten leaving before the post-test.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from app.accounts.models import Role, Sex, User
from app.cascade import service as cascade_service
from app.cohorts.models import Cohort, CohortCourse, CohortMember
from app.courses import evaluation
from app.courses import service as course_service
from app.evidence.models import DepartmentHeadcount
from app.quizzes.models import AttemptState, QuizAttempt

COMMISSION = ("comision", "Rosa Giménez", "boqueron")
# Illustrative headcounts for the demo departments (not official figures).
HEADCOUNTS = {"boqueron": 420, "itapua": 1350, "neembucu": 380, "guaira": 640, "caaguazu": 1100}
GAIN, THINNING, SPREAD, LEFT = 30.0, 4.0, 9.0, 0.1


def add_commission(session: Session, password_hash: str, institution_id: int | None) -> None:
    """The commission member account, made once."""
    username, full_name, department = COMMISSION
    if session.exec(select(User.id).where(User.username == username)).first() is None:
        session.add(
            User(
                username=username,
                full_name=full_name,
                role=Role.commission,
                department=department,
                institution_id=institution_id,
                password_hash=password_hash,
            )
        )
        session.flush()


def add_evidence(session: Session, admin_id: int) -> None:
    """Sexes, headcounts and pre/post attempts for every member of the demo cohorts, in bulk."""
    rng = random.Random(15)
    _sexes(session, rng)
    for code, officers in HEADCOUNTS.items():
        if session.get(DepartmentHeadcount, code) is None:
            session.add(DepartmentHeadcount(department=code, officers=officers, updated_by_id=admin_id))
    rows = _attempts(session, rng)
    if rows:
        session.execute(insert(QuizAttempt), rows)


def _sexes(session: Session, rng: random.Random) -> None:
    members = sorted(set(session.exec(select(CohortMember.user_id))))
    chosen: dict[Sex | None, list[int]] = {Sex.female: [], Sex.male: [], None: []}
    for user_id in members:
        draw = rng.random()
        chosen[Sex.female if draw < 0.46 else Sex.male if draw < 0.92 else None].append(user_id)
    for sex, ids in chosen.items():
        if sex is not None and ids:
            session.execute(update(User).where(col(User.id).in_(ids)).values(sex=sex))


def _attempts(session: Session, rng: random.Random) -> list[dict[str, object]]:
    generations = cascade_service.generations(session)
    versions = {v.slug: v for v in course_service.published_versions(session)}
    has_forms = {
        slug for slug, v in versions.items() if course_service.course_of(session, v.id or 0).evaluation
    }
    query = (
        select(Cohort.id, Cohort.starts_on, Cohort.ends_on, CohortCourse.course_slug, CohortMember.user_id)
        .join(CohortCourse, col(CohortCourse.cohort_id) == Cohort.id)
        .join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
        .order_by(Cohort.id, CohortMember.user_id)
    )
    rows, seen = [], set()
    for cohort_id, starts_on, ends_on, slug, user_id in session.execute(query).all():
        if slug not in has_forms or (user_id, slug) in seen:
            continue
        seen.add((user_id, slug))
        pre = min(max(rng.gauss(45, 12), 5), 90)
        gain = rng.gauss(GAIN - THINNING * (generations.get(cohort_id, 1) - 1), SPREAD)
        post = None if rng.random() < LEFT else min(max(pre + gain, 0), 100)
        for quiz_id, percent, day in (
            (evaluation.PRE_TEST, pre, starts_on),
            (evaluation.POST_TEST, post, ends_on),
        ):
            if percent is not None:
                at = datetime.combine(day, time(13), tzinfo=UTC)
                rows.append(
                    {
                        "user_id": user_id,
                        "course_slug": slug,
                        "quiz_id": quiz_id,
                        "version_id": versions[slug].id,
                        "number": 1,
                        "max_attempts": 1,
                        "state": AttemptState.finished,
                        "started_at": at,
                        "finished_at": at + timedelta(minutes=15),
                        "percent": round(percent, 1),
                        "passed": percent >= 80,
                    }
                )
    return rows
