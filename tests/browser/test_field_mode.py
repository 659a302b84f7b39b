"""Field mode in a real browser: saved courses, marks and quiz answers without signal, late answers, 503s.

Each test gets an officer of its own (made in the server's database, as an earlier enrolment would
have), so what one test leaves on the server cannot change another.
"""

import itertools
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password, make_hasher
from app.db import make_engine
from app.learning import service as learning
from app.learning.models import Enrollment, ItemProgress
from app.quizzes.models import Answer, QuizAttempt
from app.timeutil import utcnow
from tests.browser.conftest import DEMO_PASSWORD, PageProblems, Server, assert_accessible, log_in
from tests.browser.test_learning import _answer_current_question
from tests.factories import make_cohort

PHONE = {"width": 360, "height": 740}
_seq = itertools.count(1)


@pytest.fixture
def server_db(cascada_server: Server) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{cascada_server.log_path.parent / 'data' / 'cascada.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def offline_ok(page_problems: PageProblems) -> PageProblems:
    """Failed loads while offline are expected in the console; the page itself must show no error."""
    for fragment in ("ERR_INTERNET_DISCONNECTED", "Failed to load resource", "Failed to fetch", "503"):
        page_problems.allow(fragment)
    return page_problems


def _officer(engine: Engine, slug: str, *, in_cohort_of: str | None = None) -> User:
    """A new officer enrolled in `slug` (through a cohort of `in_cohort_of` when given)."""
    n = next(_seq)
    with Session(engine) as session:
        user = User(
            username=f"campo{n}-{utcnow():%H%M%S%f}",
            full_name=f"Oficial de Campo {n}",
            role=Role.officer,
            department="boqueron",
            password_hash=hash_password(make_hasher(1, 64), DEMO_PASSWORD),
        )
        session.add(user)
        session.commit()
        if in_cohort_of:
            lead = session.exec(select(User).where(User.username == in_cohort_of)).one()
            make_cohort(
                session, lead, courses=(slug,), members=[user], name=f"Cohorte de campo {user.username}"
            )
        else:
            learning.enroll(session, user, slug)
            session.commit()
        session.refresh(user)
        session.expunge(user)
        return user


def _watch_for_error_pages(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: seen.append(frame.url) if frame.url.startswith("chrome-error") else None,
    )
    return seen


def _wait_until(page: Page, expression: str, seconds: float = 10) -> None:
    """Poll a condition from Python: the page's CSP rightly refuses Playwright's eval-based polling."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds}s: {expression}"
        page.wait_for_timeout(100)


def _controlled(page: Page) -> None:
    """The service worker answers for this page (it claims pages as soon as it is active)."""
    _wait_until(page, "!!navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def _start_attempt(page: Page, slug: str, quiz: str) -> int:
    page.goto(f"/quizzes/{slug}/{quiz}")
    _controlled(page)
    page.get_by_role("button", name="Comenzar un intento").click()
    expect(page.locator("form[data-autosave]")).to_be_visible()
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    _wait_until(page, f"localStorage.getItem('cascada-attempt-saved:{attempt_id}') === '1'")
    return attempt_id


def _answer_everything_offline(page: Page) -> int:
    """Answer each question and move on with the page's own buttons, all without signal."""
    status, answered = page.locator("#save-status"), 0
    while True:
        _answer_current_question(page)
        answered += 1
        expect(status).to_contain_text(f"en espera en este teléfono: {answered}")
        more = page.get_by_role("button", name="Guardar y seguir")
        button = more if more.count() else page.get_by_role("button", name="Guardar y terminar")
        with page.expect_navigation():
            button.click()
        if not more.count() and page.locator("h1").inner_text() == "Terminar el intento":
            return answered


def test_an_officer_saves_a_course_reads_and_marks_three_lessons_offline_and_the_marks_arrive(
    new_context: Callable[..., BrowserContext], server_db: Engine, offline_ok: PageProblems
) -> None:
    officer = _officer(server_db, "trabajo-infantil")
    context = new_context(viewport=PHONE)
    page = context.new_page()
    errors = _watch_for_error_pages(page)
    log_in(page, officer.username)
    page.goto("/courses/trabajo-infantil")
    _controlled(page)
    size = page.locator("[data-field-size]")
    expect(size).to_contain_text(re.compile(r"Ocupará unos \d+(,\d)? (kB|MB)"))
    remove = page.get_by_role("button", name="Quitar de este teléfono")
    expect(remove).to_be_hidden()  # nothing saved yet
    assert_accessible(page)

    page.get_by_role("button", name="Guardar para leer sin conexión").click()

    expect(size).to_contain_text("Guardado en este teléfono el")
    expect(remove).to_be_visible()
    lessons = [
        a.get_attribute("href")
        for a in page.locator("ol.items a").all()
        if "Lección" in (a.locator("xpath=..").inner_text())
    ][:3]
    assert len(lessons) == 3
    context.set_offline(True)
    for count, href in enumerate(lessons, start=1):
        page.goto(href or "")
        expect(page.locator("article.lesson")).to_be_visible()
        expect(page.locator("#saved-copy")).to_contain_text("Copia guardada en este teléfono el")
        with page.expect_navigation():  # on to the next lesson, from the device
            page.get_by_role("button", name=re.compile("Marcar como leída|Leída")).click()
        expect(page.locator("#field-status")).to_contain_text(f"en espera en este teléfono: {count}")
    page.close()
    page = context.new_page()  # the browser closed and opened again, still without signal
    errors += _watch_for_error_pages(page)
    page.goto(lessons[1] or "")
    page.reload()
    expect(page.locator("article.lesson")).to_be_visible()
    expect(page.locator("#field-status")).to_contain_text("en espera en este teléfono: 3")

    context.set_offline(False)

    expect(page.locator("#field-status")).to_contain_text("Guardado", timeout=15_000)
    with Session(server_db) as session:
        enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == officer.id)).one()
        done = {
            p.item_id
            for p in session.exec(select(ItemProgress).where(ItemProgress.enrollment_id == enrollment.id))
        }
    assert {href.rsplit("/", 1)[1] for href in lessons if href} <= done
    assert errors == []


def test_an_officer_takes_a_quiz_offline_closes_the_page_and_gets_the_review_when_back(
    new_context: Callable[..., BrowserContext], server_db: Engine, offline_ok: PageProblems
) -> None:
    officer = _officer(server_db, "trabajo-forzoso")
    context = new_context(viewport=PHONE)
    page = context.new_page()
    errors = _watch_for_error_pages(page)
    log_in(page, officer.username)
    attempt_id = _start_attempt(page, "trabajo-forzoso", "control-indicadores")
    context.set_offline(True)

    answered = _answer_everything_offline(page)
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Salir").click()  # logging out with answers waiting asks first
    assert questions and questions[0].startswith(f"Hay {answered} respuestas o marcas sin enviar")
    page.get_by_role("button", name="Terminar y enviar").click()
    expect(page.locator("#field-status")).to_contain_text("Intento terminado en este teléfono")
    page.close()
    page = context.new_page()
    errors += _watch_for_error_pages(page)
    page.goto(f"/attempts/{attempt_id}")
    expect(page.locator("#save-status")).to_contain_text(f"en espera en este teléfono: {answered + 1}")

    context.set_offline(False)

    expect(page.locator("h1")).to_contain_text("Revisión del intento 1", timeout=20_000)
    expect(page.locator(".review-question")).to_have_count(answered)
    with Session(server_db) as session:
        assert len(session.exec(select(Answer).where(Answer.attempt_id == attempt_id)).all()) == answered
        assert session.get(QuizAttempt, attempt_id).state == "finished"  # type: ignore[union-attr]
    assert errors == []


def test_a_timed_quiz_answered_offline_past_its_deadline_shows_late_answers_the_instructor_accepts(
    new_context: Callable[..., BrowserContext], server_db: Engine, offline_ok: PageProblems
) -> None:
    officer = _officer(server_db, "trata-de-personas", in_cohort_of="instructora")
    context = new_context(viewport=PHONE)
    page = context.new_page()
    errors = _watch_for_error_pages(page)
    log_in(page, officer.username)
    attempt_id = _start_attempt(page, "trata-de-personas", "evaluacion-final")
    context.set_offline(True)
    answered = _answer_everything_offline(page)
    page.get_by_role("button", name="Terminar y enviar").click()
    with Session(server_db) as session:  # the signal stays away past the deadline and its grace
        session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)  # type: ignore[arg-type]
            .values(deadline_at=utcnow() - timedelta(minutes=2))
        )
        session.commit()

    context.set_offline(False)

    expect(page.locator("h1")).to_contain_text("Revisión del intento 1", timeout=30_000)
    expect(page.locator(".late-note")).to_have_count(answered)
    expect(page.locator(".late-note").first).to_contain_text("Su instructor decidirá si cuenta")
    assert_accessible(page)
    instructor = new_context(viewport=PHONE).new_page()
    log_in(instructor, "instructora")
    instructor.goto("/grading/late")
    mine = instructor.locator("section.card", has_text=officer.full_name)
    expect(mine).to_have_count(answered)
    expect(mine.first).to_contain_text("Tiempo contado por el teléfono")
    assert_accessible(instructor)
    for _ in range(answered):
        mine.first.get_by_role("button", name="Aceptar").click()
        expect(instructor.locator("h1")).to_have_text("Respuestas que llegaron tarde")
    expect(mine).to_have_count(0)
    page.reload()
    expect(page.locator(".late-note", has_text="la aceptó")).to_have_count(answered)
    with Session(server_db) as session:
        assert len(session.exec(select(Answer).where(Answer.attempt_id == attempt_id)).all()) == answered
    assert errors == []


def test_the_quiz_keeps_an_answer_through_two_503s_and_stores_it_once_the_server_accepts(
    new_context: Callable[..., BrowserContext], server_db: Engine, offline_ok: PageProblems
) -> None:
    officer = _officer(server_db, "trabajo-forzoso")
    # Playwright's interception does not see requests that pass through a service worker.
    page = new_context(viewport=PHONE, service_workers="block").new_page()
    log_in(page, officer.username)
    page.goto("/quizzes/trabajo-forzoso/control-que-es-trabajo-forzoso")
    page.get_by_role("button", name="Comenzar un intento").click()
    expect(page.locator("form[data-autosave]")).to_be_visible()
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    refused = []

    def overloaded(route: Route) -> None:
        if route.request.method == "POST" and len(refused) < 2:
            refused.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    page.route(re.compile(r"/attempts/\d+/answers/\d+$"), overloaded)
    status = page.locator("#save-status")
    # Every text the status line shows, recorded as it changes: "retrying" may last only a second.
    page.evaluate("""() => { const line = document.querySelector('#save-status'); window.statusTexts = [];
        new MutationObserver(() => window.statusTexts.push(line.textContent))
            .observe(line, {childList: true, subtree: true, characterData: true}); }""")

    _answer_current_question(page)

    expect(status).to_have_text("Guardado", timeout=15_000)
    assert any("reintentando" in text for text in page.evaluate("window.statusTexts"))
    assert len(refused) == 2
    with Session(server_db) as session:
        assert [a.position for a in session.exec(select(Answer).where(Answer.attempt_id == attempt_id))] == [
            0
        ]


def test_a_question_page_the_busy_server_refused_while_saving_the_attempt_is_fetched_again(
    new_context: Callable[..., BrowserContext], server_db: Engine, offline_ok: PageProblems
) -> None:
    officer = _officer(server_db, "trabajo-forzoso")
    # Without the worker Playwright sees the page's fetches; the attempt's pages are still kept.
    page = new_context(viewport=PHONE, service_workers="block").new_page()
    log_in(page, officer.username)
    page.goto("/quizzes/trabajo-forzoso/control-que-es-trabajo-forzoso")
    refused: list[str] = []

    def busy_once(route: Route) -> None:
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    page.route(re.compile(r"/attempts/\d+\?q=2$"), busy_once)
    page.get_by_role("button", name="Comenzar un intento").click()
    expect(page.locator("form[data-autosave]")).to_be_visible()
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    key = f"cascada-attempt-saved:{attempt_id}"
    page.wait_for_timeout(2000)
    assert refused and page.evaluate(f"localStorage.getItem('{key}')") is None

    page.reload()  # the next page of the attempt tries again

    _wait_until(page, f"localStorage.getItem('{key}') === '1'")
    kept = f"caches.open('cascada-attempt-{attempt_id}').then(c => c.match('/attempts/{attempt_id}?q=2'))"
    assert page.evaluate(f"{kept}.then(r => r ? r.status : 0)") == 200


@pytest.mark.parametrize(("locale", "heading"), [("es-PY", "Sin conexión"), ("en-GB", "Offline")])
def test_a_page_opened_without_signal_before_anything_was_saved_says_so_in_the_visitors_language(
    new_context: Callable[..., BrowserContext], offline_ok: PageProblems, locale: str, heading: str
) -> None:
    context = new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    errors = _watch_for_error_pages(page)
    page.goto("/login")
    _controlled(page)
    context.set_offline(True)

    page.reload()

    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("p")).to_have_count(1)  # what to do: open the page again with signal
    assert page.evaluate("[document.documentElement.scrollWidth, innerWidth]") == [360, 360]
    assert errors == []
