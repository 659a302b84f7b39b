"""The demo data set: idempotent, three generations of cascade, and the three demo accounts as they were."""

from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import demo
from app.accounts.models import User
from app.cascade import service as cascade_service
from app.cascade import tree
from app.cohorts.models import Cohort, CohortMember, TrainerCertification
from app.courses import catalog
from app.courses import service as course_service
from app.courses.files import folders
from app.db import transaction
from app.learning import service as learning
from app.learning.models import Enrollment
from app.models import metadata
from app.quizzes.models import QuizAttempt

COURSES = Path(__file__).parent.parent / "courses"


@cache
def real_courses() -> list[catalog.Course]:
    """The real courses, parsed once for the whole test run (parsing them takes seconds)."""
    courses, problems = folders.load_all(COURSES)
    assert not problems
    return courses


def _seed(app: FastAPI) -> list[tuple[str, str]]:
    with transaction(app.state.engine, write=True) as session:
        return demo.seed(session, app.state.hasher)


def _counts(session: Session) -> dict[str, int]:
    session.rollback()  # a fresh snapshot
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


def _accounts(session: Session) -> dict[str, tuple[object, ...]]:
    users = session.exec(
        select(User).where(col(User.username).in_(["admin", "instructora", "oficial"]))
    ).all()
    return {u.username: (u.id, u.full_name, u.role, u.department, u.password_hash, u.active) for u in users}


@pytest.fixture
def seeded(app: FastAPI, session: Session) -> dict[str, tuple[object, ...]]:
    for course in real_courses():
        course_service.load(session, course)
    session.commit()
    _seed(app)
    return _accounts(session)


def test_seeding_twice_adds_nothing(
    app: FastAPI, session: Session, seeded: dict[str, tuple[object, ...]]
) -> None:
    before = _counts(session)

    printed = _seed(app)

    assert _counts(session) == before
    assert _accounts(session) == seeded
    assert printed[:3] == [("admin", "admin"), ("instructora", "instructor"), ("oficial", "officer")]


def test_the_demo_cascade_has_three_generations_across_the_named_departments(
    session: Session, seeded: dict[str, tuple[object, ...]]
) -> None:
    admin = session.exec(select(User).where(User.username == "admin")).one()

    view = cascade_service.view_for(session, admin)

    generations = dict(view.generations)
    assert sorted(generations) == [1, 2, 3]
    assert all(group.cohorts and group.officers for group in generations.values())
    assert generations[1].trainers and generations[2].trainers and view.total.revoked == 1
    departments = {code for code, _ in view.departments}
    assert {"boqueron", "itapua", "neembucu", "guaira", "caaguazu"} <= departments
    assert {code for code, generation, _ in view.department_generations if generation == 3} >= {
        "boqueron",
        "itapua",
    }
    assert 0 < view.total.completed < view.total.enrolments and 0 < view.total.passed < view.total.assessed
    instructora = session.exec(select(User).where(User.username == "instructora")).one()
    assert all(root.cohort.lead_id == instructora.id for root in view.roots)


def test_the_three_demo_accounts_are_as_before_and_the_officer_has_no_cohort_or_course(
    session: Session, seeded: dict[str, tuple[object, ...]]
) -> None:
    assert {name: fields[1:4] for name, fields in seeded.items()} == {
        "admin": ("Admin Demo", "admin", "asuncion"),
        "instructora": ("María Benítez", "instructor", "central"),
        "oficial": ("Juan Ortiz", "officer", "boqueron"),
    }
    officer_id = seeded["oficial"][0]
    assert session.exec(select(CohortMember).where(CohortMember.user_id == officer_id)).first() is None
    assert session.exec(select(Enrollment).where(Enrollment.user_id == officer_id)).first() is None
    assert session.exec(select(QuizAttempt).where(QuizAttempt.user_id == officer_id)).first() is None
    newest = session.exec(select(User.username).order_by(col(User.id).desc()).limit(3)).all()
    assert sorted(newest) == ["admin", "instructora", "oficial"]  # first in the admin's user list
    for name in ("ortiz", "benítez"):  # searching the user list still finds one person
        assert len(session.exec(select(User).where(func.lower(User.full_name).like(f"%{name}%"))).all()) == 1


def test_demo_records_are_consistent_certified_trainers_completed_their_course(
    session: Session, seeded: dict[str, tuple[object, ...]]
) -> None:
    certified = session.exec(
        select(TrainerCertification.user_id).where(
            TrainerCertification.course_slug == "formacion-de-formadores"
        )
    ).all()
    completed = session.exec(select(Enrollment).where(col(Enrollment.completed_at).is_not(None))).all()

    assert certified
    for user_id in set(certified):
        enrolment = session.exec(
            select(Enrollment).where(
                Enrollment.user_id == user_id, Enrollment.course_slug == "formacion-de-formadores"
            )
        ).one()
        assert enrolment.completed_at is not None
        assert learning.progress(session, enrolment).outcome.complete, user_id
    for enrolment in completed[::7]:
        assert learning.progress(session, enrolment).outcome.complete, enrolment.id


def test_every_led_cohort_below_the_roots_names_the_certification_of_its_lead(
    session: Session, seeded: dict[str, tuple[object, ...]]
) -> None:
    cohorts = session.exec(select(Cohort)).all()
    certifications = {c.id: c for c in session.exec(select(TrainerCertification)).all()}

    for cohort in cohorts:
        if cohort.lead_certification_id is not None:
            assert certifications[cohort.lead_certification_id].user_id == cohort.lead_id
    built = tree.build(cascade_service._cohort_rows(session), [])
    assert len(built.nodes) == len(cohorts)  # every cohort is reachable from a root
