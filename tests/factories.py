"""Plain factories; they commit, standing in for earlier requests."""

import itertools
import re
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.accounts.models import Institution, Role, User
from app.accounts.passwords import hash_password
from app.cohorts import service as cohort_service
from app.cohorts.models import Cohort, CohortKind, MemberSource, TrainerCertification
from app.cohorts.trainers import certification as trainers
from app.courses import service as course_service
from tests.conftest import FIXTURES

PASSWORD = "correct horse battery"
T = TypeVar("T")
_seq = itertools.count(1)
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def make_user(
    session: Session,
    app: FastAPI,
    *,
    role: Role = Role.officer,
    username: str | None = None,
    password: str = PASSWORD,
    **fields: object,
) -> User:
    n = next(_seq)
    user = User(
        username=username or f"user{n}",
        full_name=fields.pop("full_name", f"Usuario {n}"),
        role=role,
        password_hash=hash_password(app.state.hasher, password),
        **fields,
    )
    session.add(user)
    session.commit()
    return user


def make_institution(session: Session, name: str | None = None) -> Institution:
    institution = Institution(name=name or f"Institución {next(_seq)}")
    session.add(institution)
    session.commit()
    return institution


def csrf_from(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page would put in its forms for this client (following redirects)."""
    match = _CSRF.search(client.get(path, follow_redirects=True).text)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def log_in(client: TestClient, user: User, password: str = PASSWORD) -> Response:
    response = client.post(
        "/login", data={"username": user.username, "password": password, "csrf_token": csrf_from(client)}
    )
    assert response.status_code == 303, response.text
    return response


def post(client: TestClient, path: str, data: dict[str, object] | None = None, **kwargs: object) -> Response:
    """A form post carrying the CSRF token of the client's current session."""
    token = csrf_from(client)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


def reload(session: Session, obj: T) -> T:
    """The object as the database has it now (ending the test's read snapshot first)."""
    session.rollback()
    session.refresh(obj)
    return obj


def load_fixture_courses(session: Session) -> None:
    """Publish the fixture courses: `mini` (an officer course) and `mini-formadores` (a ToT course)."""
    for root in (FIXTURES / "courses", FIXTURES / "tot"):
        _, problems = course_service.load_directory(session, root)
        assert not problems, problems
    session.commit()


def make_cohort(
    session: Session,
    lead: User,
    *,
    courses: Sequence[str] = ("mini",),
    kind: CohortKind | None = None,
    department: str = "boqueron",
    members: Sequence[User] = (),
    name: str | None = None,
    co_trainers: Sequence[User] = (),
) -> Cohort:
    """A cohort made by the service, as the lead would (so the lead must be entitled to lead it)."""
    if kind is None:
        kind = CohortKind.training_of_trainers if "mini-formadores" in courses else CohortKind.officer_course
    form = cohort_service.CohortForm(
        name=name or f"Cohorte {next(_seq)}",
        kind=kind,
        department=department,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 6, 30),
        courses=dict.fromkeys(courses),
        co_trainer_ids=[u.id or 0 for u in co_trainers],
    )
    cohort = cohort_service.create(session, form, actor=lead)
    for member in members:
        cohort_service.add_member(session, cohort, member, MemberSource.manual)
    session.commit()
    return cohort


def certify_trainer(
    session: Session, trainee: User, tot_cohort: Cohort, actor: User
) -> list[TrainerCertification]:
    """Record `trainee` as a certified trainer from `tot_cohort` (as a successful practicum would)."""
    made = trainers.certify(session, trainee.id or 0, tot_cohort, actor=actor)
    session.commit()
    return made
