"""Roster enrolment in a real browser on a 360 px phone: upload, preview, codes, activation, join code."""

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import assert_accessible, log_in

PHONE = {"width": 360, "height": 740}


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def _create_cohort(page: Page, name: str) -> None:
    page.goto("/cohorts/new")
    page.get_by_label("Nombre").fill(name)
    page.get_by_label("Departamento").select_option("itapua")
    page.get_by_label("Inicio").fill("2026-03-02")
    page.get_by_label("Fin").fill("2026-06-30")
    page.locator("#course-trabajo-infantil").check()
    page.get_by_role("button", name="Crear cohorte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_an_instructor_enrols_a_roster_on_a_phone_and_a_newcomer_activates(
    new_context: Callable[..., BrowserContext],
) -> None:
    suffix = secrets.randbelow(10**6)
    cedula = f"{7_000_000 + suffix}"
    roster = f"\ufeffCédula;Nombre;Grado\n{cedula};Rocío Ñandutí Benítez;Suboficial\n".encode()
    instructor = new_context(viewport=PHONE).new_page()
    log_in(instructor, "instructora")
    _create_cohort(instructor, f"Cohorte Itapúa {suffix}")

    instructor.get_by_role("link", name="Participantes e inscripción").click()
    instructor.wait_for_url("**/roster")
    assert_accessible(instructor)
    _fits_the_phone(instructor)
    instructor.get_by_label("Archivo CSV").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": roster}]
    )
    instructor.get_by_role("button", name="Ver vista previa").click()
    expect(instructor.get_by_role("heading", level=1)).to_have_text("Vista previa de la inscripción")
    expect(instructor.get_by_role("region", name="Qué pasará con cada fila")).to_contain_text(
        "Cuenta nueva, con código de activación"
    )
    assert_accessible(instructor)
    _fits_the_phone(instructor)
    instructor.get_by_role("button", name="Confirmar la inscripción").click()
    codes = instructor.get_by_role("region", name="Códigos de activación")
    expect(codes).to_contain_text("Rocío Ñandutí Benítez")
    assert_accessible(instructor)
    _fits_the_phone(instructor)
    username = codes.locator("dd.code").nth(0).inner_text()
    code = codes.locator("dd.code").nth(1).inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)

    newcomer = new_context(viewport=PHONE).new_page()
    newcomer.goto("/login")
    newcomer.get_by_role("link", name="¿Tiene un código de activación?").click()
    newcomer.wait_for_url("**/activate")
    assert_accessible(newcomer)
    newcomer.get_by_label("Usuario").fill(username)
    newcomer.get_by_label("Código de activación").fill(code.lower())
    newcomer.get_by_label("Nueva contraseña").fill("mi frase de prueba segura")
    newcomer.get_by_role("button", name="Activar y entrar").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Hola, Rocío Ñandutí Benítez")


def test_an_officer_joins_with_the_code_on_a_phone(new_context: Callable[..., BrowserContext]) -> None:
    suffix = secrets.randbelow(10**6)
    instructor = new_context(viewport=PHONE).new_page()
    log_in(instructor, "instructora")
    _create_cohort(instructor, f"Cohorte abierta {suffix}")
    instructor.get_by_role("link", name="Participantes e inscripción").click()
    join_code = instructor.locator(".join-code").inner_text()

    officer = new_context(viewport=PHONE).new_page()
    log_in(officer, "oficial")
    officer.goto("/cohorts")
    officer.get_by_role("link", name="Unirse a una cohorte con un código").click()
    officer.wait_for_url("**/cohorts/join")
    assert_accessible(officer)
    _fits_the_phone(officer)
    officer.get_by_label("Código de la cohorte").fill("ZZZZ-ZZZZ")
    officer.get_by_role("button", name="Unirme").click()
    expect(officer.get_by_role("alert")).to_contain_text("Ese código no corresponde")
    officer.get_by_label("Código de la cohorte").fill(join_code)
    officer.get_by_role("button", name="Unirme").click()
    expect(officer.get_by_role("status")).to_contain_text(f"Cohorte abierta {suffix}")
