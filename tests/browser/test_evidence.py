"""A commission member for Boquerón reads the department's evidence report on a phone and downloads it."""

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from app.certificates import keys
from app.evidence import signing
from tests.browser.conftest import Server, assert_accessible, log_in

PHONE = {"width": 360, "height": 740}


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def _download(page: Page, name: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


def test_commission_member_reads_boqueron_on_a_phone_and_downloads_pdf_and_csv(
    new_context: Callable[..., BrowserContext], tmp_path: Path, cascada_server: Server
) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True).new_page()
    log_in(page, "comision")

    page.get_by_role("link", name="Evidencia").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Informe de evidencia: Boquerón")
    expect(page.get_by_role("img", name="Media inicial y final por generación")).to_be_visible()
    expect(page.get_by_role("region", name="Aprendizaje por generación")).to_contain_text(
        re.compile(r"\d+,\d")
    )
    expect(page.get_by_role("link", name="Cohortes")).to_have_count(0)  # no door to officers' records
    assert_accessible(page)
    _fits_the_phone(page)

    page.get_by_label("Desde").fill("2020-01-01")
    page.get_by_role("button", name="Ver período").click()
    expect(page.locator("#figures")).to_contain_text("desde 01/01/2020")
    assert "start=2020-01-01" in page.url
    _fits_the_phone(page)

    pdf = _download(page, "PDF firmado", tmp_path)
    signature = _download(page, "Firma del PDF (.sig)", tmp_path)
    csv = _download(page, "Hoja de cálculo (CSV)", tmp_path).decode("utf-8-sig")

    server_keys = keys.all_keys(cascada_server.log_path.parent / "data")
    assert pdf.startswith(b"%PDF-")
    assert signing.verify(pdf, signature, {k.multibase: k.public for k in server_keys})[0]
    assert csv.startswith("Alcance\r\n") and "Aprendizaje por generación" in csv and "Definiciones" in csv
