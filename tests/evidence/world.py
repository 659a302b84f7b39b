"""A small world for the report tests: two departments, cohorts, officers with pre/post results."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlmodel import Session

from app.accounts.models import Role, Sex, User
from app.cohorts.models import Cohort, Meeting
from app.courses import evaluation
from app.courses import service as course_service
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.evidence.forms_fixture import mini_with_forms
from tests.factories import make_cohort, make_user
from tests.quizzes.flow import load_courses

# (pre, post, sex) of Boquerón's officers: five pairs, one who left after the pre-test, one who took neither.
BOQUERON = [
    (40, 70, Sex.female),
    (50, 80, Sex.female),
    (60, 70, Sex.male),
    (30, 60, None),
    (45, 85, Sex.female),
    (55, None, Sex.male),
    (None, None, Sex.male),
]
ITAPUA = [(20, 90, Sex.female)] * 5


@dataclass
class World:
    instructor: User
    boqueron: Cohort
    itapua: Cohort
    officers: list[User]
    commission: User  # a commission member for Boquerón


def give_forms(
    session: Session, user: User, pre: float | None, post: float | None, slug: str = "mini"
) -> None:
    """Finished pre-test and post-test attempts with these percents (standing in for taking them)."""
    version, _ = course_service.published(session, slug)
    for quiz_id, percent in ((evaluation.PRE_TEST, pre), (evaluation.POST_TEST, post)):
        if percent is not None:
            session.add(
                QuizAttempt(
                    user_id=user.id or 0,
                    course_slug=slug,
                    quiz_id=quiz_id,
                    version_id=version.id or 0,
                    number=1,
                    max_attempts=1,
                    state=AttemptState.finished,
                    finished_at=utcnow(),
                    percent=percent,
                    passed=percent >= 70,
                )
            )
    session.commit()


def build(session: Session, app: FastAPI, tmp_path: Path) -> World:
    load_courses(session, mini_with_forms(tmp_path))
    instructor = make_user(session, app, role=Role.instructor, full_name="Instructora Prueba")
    officers, cohorts = [], []
    for department, rows in (("boqueron", BOQUERON), ("itapua", ITAPUA)):
        people = []
        for n, (pre, post, sex) in enumerate(rows):
            person = make_user(
                session, app, full_name=f"Oficial {department.title()} {n}", sex=sex, department=department
            )
            give_forms(session, person, pre, post)
            people.append(person)
        cohort = make_cohort(
            session, instructor, department=department, members=people, name=f"Cohorte {department}"
        )
        session.add(Meeting(cohort_id=cohort.id or 0, starts_at=utcnow() - timedelta(days=3), hours=4))
        session.commit()
        officers += people
        cohorts.append(cohort)
    commission = make_user(
        session, app, role=Role.commission, department="boqueron", full_name="Comisión Boquerón"
    )
    return World(instructor, cohorts[0], cohorts[1], officers, commission)
