"""An instructor of cohort A gets nothing of cohort B: every route that names a cohort answers 404
(403 where the route is for admins only), as a page, as an htmx fragment and as a form post.

The routes are read from the app, so a cohort route added later is checked without editing this test.
"""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.access import ROLE_PERMISSIONS
from app.accounts.models import Role, User
from app.cohorts.meetings import calendar
from app.cohorts.models import Cohort, Meeting
from app.main import route_rules
from app.timeutil import utcnow
from tests.factories import csrf_from, load_fixture_courses, log_in, make_cohort, make_user


@pytest.fixture
def lead_b(session: Session, app: FastAPI) -> User:
    return make_user(session, app, role=Role.instructor)


@pytest.fixture
def cohort_b(session: Session, app: FastAPI, lead_b: User) -> tuple[Cohort, User, int]:
    load_fixture_courses(session)
    member = make_user(session, app)
    cohort = make_cohort(session, lead_b, courses=("mini-formadores", "mini"), members=[member])
    meeting = Meeting(cohort_id=cohort.id or 0, starts_at=utcnow(), hours=3)
    session.add(meeting)
    session.commit()
    return cohort, member, meeting.id or 0


def _cohort_routes(app: FastAPI) -> list[tuple[str, str, bool]]:
    """(method, path template, for admins only) of every route with a {cohort_id:int}."""
    instructor = ROLE_PERMISSIONS[Role.instructor]
    found = []
    for key, rules in route_rules(app).items():
        methods, path = key.split(" ", 1)
        if "{cohort_id:int}" in path:
            admin_only = any(r.permission is not None and r.permission not in instructor for r in rules)
            found.extend((method, path, admin_only) for method in methods.split(",") if method != "HEAD")
    return found


def test_every_route_of_another_instructors_cohort_answers_404(
    client: TestClient, session: Session, app: FastAPI, cohort_b: tuple[Cohort, User, int]
) -> None:
    cohort, member, session_id = cohort_b
    values = {
        "cohort_id": cohort.id,
        "user_id": member.id,
        "session_id": session_id,
        "course_slug": "mini-formadores",
        "quiz_id": "final",
        "token": "not-the-feed-token",
    }
    routes = _cohort_routes(app)
    instructor_a = make_user(session, app, role=Role.instructor)
    make_cohort(session, instructor_a)
    log_in(client, instructor_a)
    token = csrf_from(client, "/cohorts")

    answers = {}
    for method, template, admin_only in routes:
        path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values[m.group(1)]), template)
        for headers in ({}, {"HX-Request": "true"}):
            if method == "GET":
                response = client.get(path, headers=headers)
            else:
                response = client.post(
                    path, data={"csrf_token": token, "present": "true", "username": "x"}, headers=headers
                )
            answers[(method, template, bool(headers))] = (response.status_code, 403 if admin_only else 404)

    assert len(routes) >= 20
    wrong = {route: got for route, (got, expected) in answers.items() if got != expected}
    assert wrong == {}, wrong


def test_the_lead_of_that_cohort_opens_every_page_of_it(
    client: TestClient, session: Session, app: FastAPI, lead_b: User, cohort_b: tuple[Cohort, User, int]
) -> None:
    """The other side of the test above: the same URLs do work for the one who may see them."""
    cohort, member, session_id = cohort_b
    values = {
        "cohort_id": cohort.id,
        "user_id": member.id,
        "session_id": session_id,
        "course_slug": "mini-formadores",
        "quiz_id": "final",
        "token": calendar.token(app.state.secret_key, "cohort", cohort.id or 0),
    }
    log_in(client, lead_b)

    statuses = {
        template: client.get(
            re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values[m.group(1)]), template)
        ).status_code
        for method, template, admin_only in _cohort_routes(app)
        if method == "GET" and not admin_only
    }

    assert statuses and all(code in (200, 303) for code in statuses.values()), statuses
