"""The trainer's kit: every sheet reads on a 360 px phone and prints on A4 without sideways scroll."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import SPARE_USER, assert_accessible, log_in

KIT = [
    "kit-plan-de-sesion",
    "kit-directorio-de-derivacion",
    "kit-plan-de-accion",
    "kit-hoja-de-retroalimentacion",
    "kit-tarjetas-de-rol",
    "kit-guia-de-replicacion",
    "kit-verificar-antes-de-ensenar",
    "kit-repaso-y-autocuidado",
]
PHONE = {"width": 360, "height": 740}
A4_PRINTABLE = {"width": 680, "height": 1000}  # 210 mm less 2 × 15 mm margins, at 96 px per inch


def _no_sideways_scroll(page: Page, where: str) -> None:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{page.url} ({where}) is {scroll}px wide in a {client}px viewport"
    # a table wider than its region scrolls inside it: the page fits, but the last column is cut off
    regions = page.evaluate(
        "[...document.querySelectorAll('article.lesson .table-scroll')]"
        ".map(region => [region.scrollWidth, region.clientWidth])"
    )
    wide = [(scroll, client) for scroll, client in regions if scroll > client]
    assert not wide, f"{page.url} ({where}): tables wider than their region (scroll, visible): {wide}"


def _check_every_sheet(page: Page) -> None:
    for sheet in KIT:
        page.set_viewport_size(PHONE)
        page.emulate_media(media="screen")
        page.goto(f"/courses/formacion-de-formadores/{sheet}")
        expect(page.locator("article.lesson h1")).to_be_visible()
        expect(page.locator("article.lesson h2").first).to_be_visible()
        _no_sideways_scroll(page, "phone")

        page.set_viewport_size(A4_PRINTABLE)
        page.emulate_media(media="print")
        expect(page.locator("header.site")).to_be_hidden()  # only the sheet is printed
        expect(page.locator("nav.pager")).to_be_hidden()
        _no_sideways_scroll(page, "print")
    page.emulate_media(media="screen")


def test_every_kit_sheet_fits_a_phone_and_an_a4_print_in_spanish(page: Page) -> None:
    log_in(page, "instructora")

    _check_every_sheet(page)

    page.set_viewport_size(PHONE)
    page.goto(f"/courses/formacion-de-formadores/{KIT[1]}")
    assert_accessible(page)


def test_every_kit_sheet_fits_a_phone_and_an_a4_print_in_english(page: Page) -> None:
    log_in(page, SPARE_USER[0])  # the language is stored on the user: the demo accounts stay Spanish
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    try:
        _check_every_sheet(page)
        expect(page.locator("article.lesson h1")).to_have_text("Refresher and trainer self-care")
    finally:
        page.goto("/")
        page.get_by_role("button", name="Español").click()
        expect(page.locator("html")).to_have_attribute("lang", "es")


def test_the_facilitator_notes_link_to_the_kit(page: Page) -> None:
    log_in(page, "instructora")

    page.goto("/courses/formacion-de-formadores/modules/planificar-una-sesion/facilitator")
    page.get_by_role("link", name="Plantilla de plan de sesión").click()

    expect(page.locator("article.lesson h1")).to_have_text("Plantilla: plan de sesión")
