"""An instructor follows a cohort's progress and item analysis in a browser, with and without JavaScript."""

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from app.accounts.models import User
from app.cohorts import service as cohort_service
from app.cohorts.models import CohortKind, MemberSource
from app.courses import service as course_service
from app.db import make_engine, transaction
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.browser.conftest import Server, assert_accessible, log_in

NAMES = ("Zulma Acosta", "Ángel Benítez", '=HYPERLINK("http://x.test","y")')


@pytest.fixture(scope="module")
def cohort_id(cascada_server: Server) -> int:
    """A cohort of the demo instructor with three officers at different points, seeded in the database."""
    engine = make_engine(f"sqlite:///{cascada_server.log_path.parent / 'data' / 'cascada.db'}")
    with transaction(engine, write=True) as session:
        lead = session.exec(select(User).where(User.username == "instructora")).one()
        today = date.today()
        form = cohort_service.CohortForm(
            name="Cohorte del tablero",
            kind=CohortKind.officer_course,
            department="central",
            starts_on=today - timedelta(days=20),
            ends_on=today + timedelta(days=20),
            courses={"trata-de-personas": today - timedelta(days=1)},
        )
        cohort = cohort_service.create(session, form, actor=lead)
        for n, name in enumerate(NAMES):
            officer = User(username=f"tablero{n}", full_name=name, password_hash="!")
            session.add(officer)
            session.flush()
            cohort_service.add_member(session, cohort, officer, MemberSource.manual)
            for number in range(1, n + 1):
                session.add(
                    QuizAttempt(
                        user_id=officer.id or 0,
                        course_slug="trata-de-personas",
                        quiz_id="control-palermo",
                        version_id=_version(session),
                        number=number,
                        max_attempts=0,
                        state=AttemptState.finished,
                        finished_at=utcnow(),
                        percent=40.0 * number,
                    )
                )
        found = cohort.id or 0
    engine.dispose()
    return found


def _version(session: Session) -> int:
    version, _ = course_service.published(session, "trata-de-personas")
    return version.id or 0


def test_instructor_sorts_the_progress_table_with_htmx(page: Page, cohort_id: int) -> None:
    log_in(page, "instructora")
    page.goto(f"/cohorts/{cohort_id}/dashboard")
    expect(page.locator("h1")).to_have_text("Progreso de la cohorte")
    assert_accessible(page)

    page.locator("th a", has_text="Control").first.click()

    expect(page.locator("th[aria-sort]")).to_contain_text("Control")
    expect(page).to_have_url(re.compile(r"sort=quiz%3Acontrol-palermo"))
    names = page.locator("tbody th[scope=row]").all_inner_texts()
    # Ángel 40, the =HYPERLINK officer 80 (best of 40 and 80), Zulma no grade: always last
    assert [name.split()[0] for name in names] == ["Ángel", '=HYPERLINK("http://x.test","y")', "Zulma"]
    expect(page.locator("svg[role=img]")).to_have_count(2)
    assert_accessible(page)


def test_sorting_works_without_javascript(new_context: Callable[..., BrowserContext], cohort_id: int) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "instructora")
    page.goto(f"/cohorts/{cohort_id}/dashboard")

    page.locator("th a", has_text="Nombre").click()

    expect(page).to_have_url(re.compile(r"sort=-name"))
    assert page.locator("tbody th[scope=row]").first.inner_text().startswith("Zulma")


def test_item_analysis_pages_are_accessible(page: Page, cohort_id: int) -> None:
    log_in(page, "instructora")
    page.goto(f"/cohorts/{cohort_id}/analysis")
    assert_accessible(page)

    page.locator("tbody a").first.click()

    expect(page.locator("details summary")).to_be_visible()
    assert_accessible(page)
