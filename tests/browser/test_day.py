"""The instructor's and the admin's day in a real browser at 360 px and 1280 px: homes, dashboard,
activation cards, a lesson with a table, and the confirmations after actions. No page scrolls
sideways and axe reports nothing serious or critical."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import assert_accessible, log_in

WIDTHS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def _fits(page: Page, viewport: dict[str, int]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url} is {width}px wide on a {viewport['width']}px screen"
    assert_accessible(page)


@pytest.fixture(params=list(WIDTHS))
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return WIDTHS[request.param]


@pytest.fixture
def screen(new_context: Callable[..., BrowserContext], viewport: dict[str, int]) -> Page:
    return new_context(viewport=viewport).new_page()


def _first_led_cohort(page: Page) -> str:
    page.goto("/")
    link = page.get_by_role("region", name="Mis cohortes").get_by_role("link").first
    return link.get_attribute("href") or ""


def test_the_instructors_home_is_a_work_queue_that_fits(screen: Page, viewport: dict[str, int]) -> None:
    log_in(screen, "instructora")

    expect(screen.get_by_role("heading", level=2, name="Para hacer ahora")).to_be_visible()
    expect(screen.get_by_role("heading", level=3, name="Cohortes que dirijo")).to_be_visible()
    expect(screen.get_by_text("Todavía no tiene cohortes.")).to_have_count(0)
    _fits(screen, viewport)


def test_the_admins_home_lists_requests_unissued_cohorts_and_revocations(
    screen: Page, viewport: dict[str, int]
) -> None:
    log_in(screen, "admin")

    for heading in (
        "Solicitudes de certificados",
        "Cohortes con certificados sin emitir",
        "Revocaciones recientes",
    ):
        expect(screen.get_by_role("heading", level=2, name=re.compile(heading))).to_be_visible()
    expect(
        screen.get_by_role("navigation", name="Principal").get_by_role(
            "link", name=re.compile("^Certificados")
        )
    ).to_be_visible()
    _fits(screen, viewport)


def test_the_dashboard_uses_the_desktop_and_shows_cards_on_a_phone(
    screen: Page, viewport: dict[str, int]
) -> None:
    log_in(screen, "instructora")
    screen.goto(_first_led_cohort(screen))
    screen.get_by_role("link", name="Progreso").click()
    expect(screen.locator("h1")).to_have_text("Progreso de la cohorte")

    main_width = screen.evaluate("document.querySelector('main').getBoundingClientRect().width")
    row_display = screen.evaluate(
        "getComputedStyle(document.querySelector('.progress-table tbody tr')).display"
    )
    if viewport["width"] >= 1280:
        assert main_width > 1100 and row_display == "table-row"
    else:
        assert row_display == "block"  # one card per officer
    _fits(screen, viewport)


def test_activation_cards_fit_the_phone_with_a_print_button(screen: Page, viewport: dict[str, int]) -> None:
    log_in(screen, "instructora")
    screen.goto(_first_led_cohort(screen))
    screen.get_by_role("link", name="Participantes e inscripción").click()
    screen.get_by_role("button", name=re.compile("^Código para recuperar la cuenta de ")).first.click()

    expect(screen.locator(".code-card")).to_have_count(1)
    expect(screen.get_by_role("button", name="Imprimir las tarjetas")).to_be_visible()
    card = screen.locator(".code-card").bounding_box()
    assert card is not None and card["x"] + card["width"] <= viewport["width"]
    _fits(screen, viewport)


def test_a_lesson_table_scrolls_in_its_own_box(screen: Page, viewport: dict[str, int]) -> None:
    log_in(screen, "oficial")
    screen.goto("/courses/trabajo-infantil/conceptos-basicos")
    expect(screen.locator("h1")).to_have_text("¿Qué es el trabajo infantil?")

    box = screen.locator(".lesson .table-scroll").first
    expect(box).to_have_attribute("tabindex", "0")
    box.focus()
    expect(box).to_be_focused()
    _fits(screen, viewport)


def test_each_action_says_what_happened(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(viewport=WIDTHS["phone"]).new_page()
    log_in(page, "instructora")
    page.goto(_first_led_cohort(page))
    page.get_by_role("link", name="Sesiones presenciales y asistencia").click()
    page.get_by_label("Fecha", exact=True).fill("2026-12-20")
    page.get_by_label("Horas", exact=True).fill("2")
    page.get_by_role("button", name="Programar").click()
    expect(page.locator("#alerts")).to_have_text("Sesión programada.")
    _fits(page, WIDTHS["phone"])

    first = page.locator(".roll-row").first
    first.get_by_role("button", name=re.compile("^Tarde: ")).click()  # sent by attendance.js
    expect(page.locator("#roll-status")).to_have_text("Guardado")
    expect(first.locator(".roll-state")).to_have_text("◷ Tarde")
    expect(page.locator('[data-count="late"]')).to_have_text("1")
    page.get_by_role("button", name=re.compile("^Todos presentes")).click()
    expect(page.locator("#alerts")).to_contain_text("marcada")
    expect(page.locator('[data-count="pending"]')).to_have_text("0")
    _fits(page, WIDTHS["phone"])


def test_an_unknown_page_has_a_heading(page: Page, page_problems) -> None:  # type: ignore[no-untyped-def]
    page_problems.allow("status of 404")
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Página no encontrada")
