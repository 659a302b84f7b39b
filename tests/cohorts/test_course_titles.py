"""Pages name courses by their titles; course ids appear only in URLs (and CSV id columns)."""

import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.cohorts.models import Cohort
from tests.certificates.helpers import attend, complete, issue, pass_practicum
from tests.factories import certify_trainer, log_in, make_cohort, make_user

TITLES = {"mini": "Curso mínimo", "mini-formadores": "Formación de formadores mínima"}


class _Text(HTMLParser):
    """What a person reads: text nodes, and option labels (not attributes, not scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_titles_not_ids(html: str, *slugs: str) -> None:
    text = shown(html)
    for slug in slugs:
        assert TITLES[slug] in text, f"{TITLES[slug]!r} not shown"
        assert not re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", text), (
            f"course id {slug!r} shown: {text}"
        )


pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def graduate(session: Session, app: FastAPI) -> User:
    return make_user(session, app, full_name="Rosa Giménez")


@pytest.fixture
def tot(session: Session, instructor: User, graduate: User) -> Cohort:
    return make_cohort(session, instructor, courses=("mini-formadores", "mini"), members=[graduate])


@pytest.mark.parametrize("page", ["", "/sessions", "/edit", "/dashboard"])
def test_the_cohort_pages_name_its_courses_by_title(
    client: TestClient, instructor: User, tot: Cohort, page: str
) -> None:
    log_in(client, instructor)

    response = client.get(f"/cohorts/{tot.id}{page}")

    assert response.status_code == 200
    assert_titles_not_ids(response.text, "mini", "mini-formadores")


def test_trainer_certifications_are_listed_by_course_title(
    client: TestClient, session: Session, app: FastAPI, instructor: User, graduate: User, tot: Cohort
) -> None:
    certify_trainer(session, graduate, tot, instructor)
    admin = make_user(session, app, role=Role.admin)

    log_in(client, graduate)
    own = client.get("/cohorts").text
    log_in(client, admin)
    everyone = client.get("/cohorts/trainers").text

    assert_titles_not_ids(own[own.index("Mis certificaciones") :], "mini", "mini-formadores")
    assert_titles_not_ids(everyone, "mini", "mini-formadores")


def test_the_admin_certificate_pages_name_courses_by_title(
    client: TestClient, session: Session, app: FastAPI, instructor: User, graduate: User, tot: Cohort
) -> None:
    admin = make_user(session, app, role=Role.admin)
    complete(session, graduate, "mini")
    complete(session, graduate, "mini-formadores")
    attend(session, tot, graduate, 6, instructor)
    pass_practicum(session, tot, graduate, instructor)
    issue(session, graduate, admin, "mini", cohort=tot)
    log_in(client, admin)

    index = client.get("/admin/certificates").text
    grid = client.get(f"/admin/certificates/cohorts/{tot.id}").text
    versions = client.get("/admin/courses").text

    assert_titles_not_ids(index[index.index("<table") :], "mini")
    assert_titles_not_ids(grid, "mini", "mini-formadores")
    assert_titles_not_ids(versions, "mini", "mini-formadores")
