"""An admin issues a cohort's certificates in bulk, an officer downloads theirs, and the QR opens the
public verification page; axe-core finds nothing serious on any of those pages."""

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import BrowserContext, Page, expect

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password, make_hasher
from app.cohorts import service as cohort_service
from app.cohorts.models import CohortKind, MemberSource
from app.db import make_engine, transaction
from tests.browser.conftest import DEMO_PASSWORD, Server, assert_accessible, log_in
from tests.certificates.helpers import complete

COURSE = "trabajo-infantil"
OFFICERS = 7  # more than one htmx step of five, so the progress bar moves


def _arrange(server: Server) -> tuple[int, str]:
    """In the server's own database: an admin, a cohort of officers who completed the course."""
    engine = make_engine(f"sqlite:///{server.log_path.parent / 'data' / 'cascada.db'}")
    password_hash = hash_password(make_hasher(1, 64), DEMO_PASSWORD)
    with transaction(engine, write=True) as session:
        admin = User(
            username="emisora",
            full_name="Emisora de Certificados",
            role=Role.admin,
            password_hash=password_hash,
        )
        officers = [
            User(
                username=f"certificado{n}",
                full_name=f"Ñandutí Güemes {n}",
                role=Role.officer,
                password_hash=password_hash,
            )
            for n in range(OFFICERS)
        ]
        session.add_all([admin, *officers])
        session.flush()
        form = cohort_service.CohortForm(
            name="Cohorte Certificados",
            kind=CohortKind.officer_course,
            department="itapua",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 6, 30),
            courses={COURSE: None},
        )
        cohort = cohort_service.create(session, form, actor=admin)
        for officer in officers:
            cohort_service.add_member(session, cohort, officer, MemberSource.manual)
        cohort_id = cohort.id or 0
    with transaction(engine, write=True) as session:
        for officer in officers:
            complete(session, session.get(User, officer.id), COURSE)
    engine.dispose()
    return cohort_id, officers[0].username


@pytest.fixture(scope="module")
def arranged(cascada_server: Server) -> tuple[int, str]:
    return _arrange(cascada_server)


def test_bulk_issue_download_and_verify_from_the_qr(
    page: Page,
    base_url: str,
    arranged: tuple[int, str],
    new_context: Callable[..., BrowserContext],
    tmp_path: Path,
) -> None:
    cohort_id, officer = arranged
    log_in(page, "emisora")
    page.goto(f"/admin/certificates/cohorts/{cohort_id}")
    assert_accessible(page)
    one_by_one = page.locator("td").get_by_role("button", name="Emitir").first
    colours = one_by_one.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(document.documentElement).backgroundColor]"
    )
    assert colours[0] != colours[1], "the per-cell 'Emitir' is written in the page's own background colour"

    page.get_by_role("link", name=f"Emitir los {OFFICERS} certificados elegibles").click()
    expect(page.locator(".confirm-box")).to_contain_text(f"¿Emitir {OFFICERS} certificados?")
    assert_accessible(page)
    page.get_by_role("button", name="Sí, emitir").click()

    expect(page.locator("#bulk-progress")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Listo: todos los certificados elegibles están emitidos.")
    expect(page.locator("#bulk-progress")).to_have_attribute("value", str(OFFICERS))
    expect(page.locator("td .ok")).to_have_count(OFFICERS)
    assert_accessible(page)

    officer_page = new_context().new_page()
    log_in(officer_page, officer)
    officer_page.get_by_role("link", name="Mis certificados").click()
    expect(officer_page.locator("h1")).to_have_text("Mis certificados")
    assert_accessible(officer_page)
    with officer_page.expect_download() as download_info:
        officer_page.get_by_role("link", name="Descargar PDF").click()
    pdf_path = tmp_path / "certificado.pdf"
    download_info.value.save_as(pdf_path)
    image = pypdfium2.PdfDocument(pdf_path.read_bytes())[0].render(scale=2).to_pil()
    (qr_url,) = [result.text for result in zxingcpp.read_barcodes(image)]
    assert re.fullmatch(r"https?://[^/]+/verify/[A-Za-z0-9_-]{43}", qr_url)

    public = new_context().new_page()  # anyone, not logged in
    public.goto(urlsplit(qr_url).path)  # the QR names the configured base URL; this server is on another port
    expect(public.locator(".verdict")).to_have_text("VÁLIDO")
    expect(public.locator("dl")).to_contain_text("Ñandutí Güemes 0")
    assert_accessible(public)
