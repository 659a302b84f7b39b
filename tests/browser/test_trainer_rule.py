"""One rule for what a ToT graduate is certified for, seen in a real browser: an instructor runs a ToT
cohort with two courses; one graduate finishes both, the other only the ToT course. Only the first is
certified for both; the practicum page, the admin's grid, the trainer certificates, the cascade and the
second graduate's own "new cohort" form all agree."""

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Server, assert_accessible, log_in
from tests.browser.test_cohort_flow import (
    PHONE,
    _checked,
    _complete_online_part,
    _create_cohort,
    _mark_present,
    _schedule,
)

TOT, CONTENT = "formacion-de-formadores", "trabajo-infantil"
TOT_TITLE, CONTENT_TITLE = "Formación de formadores", "Trabajo infantil"
DESKTOP = {"width": 1280, "height": 900}


def _enrol_two(page: Page, suffix: int, names: tuple[str, str]) -> list[tuple[str, str]]:
    """Enrol both from a roster CSV; (username, activation code) of each, in roster order."""
    page.get_by_role("link", name="Participantes e inscripción").click()
    rows = "".join(f"{7_000_000 + 2 * suffix + n};{name};Suboficial\n" for n, name in enumerate(names))
    roster = f"\ufeffCédula;Nombre;Grado\n{rows}".encode()
    page.get_by_label("Archivo CSV").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": roster}]
    )
    page.get_by_role("button", name="Ver vista previa").click()
    page.get_by_role("button", name="Confirmar la inscripción").click()
    codes = page.get_by_role("region", name="Códigos de activación")
    found = []
    for name in names:
        card = codes.locator("li.code-card", has_text=name)
        found.append(
            (card.locator("dd.code").nth(0).inner_text(), card.locator("dd.code").nth(1).inner_text())
        )
    return found


def _section(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("section.card", has=page.get_by_role("heading", level=2, name=name))


def _certify_both(page: Page, cohort_url: str, names: tuple[str, str]) -> None:
    page.goto(cohort_url)
    page.get_by_role("link", name="Práctica y certificación de formadores").click()
    for name in names:
        page.get_by_role("link", name=re.compile(f"^Puntuar la práctica\\W+{name}$")).click()
        expect(page.locator("input[type=radio][value='3']").first).to_be_visible()
        for radio in page.locator("input[type=radio][value='3']").all():
            radio.check()
        page.get_by_role("button", name="Guardar puntuación").click()
        expect(_section(page, name).locator(".trainee-facts")).to_contain_text("aprobada")
        page.get_by_role("link", name=re.compile(f"^Certificar como formador.a\\W+{name}$")).click()
        page.get_by_role("button", name="Sí, certificar").click()
        expect(_section(page, name).locator("p.ok")).to_have_text("Formador/a certificado/a")


def test_only_the_graduate_who_finished_both_courses_is_certified_for_both_and_every_page_agrees(
    new_context: Callable[..., BrowserContext], cascada_server: Server
) -> None:
    suffix = secrets.randbelow(10**6)
    tot_name = f"Formadores Concepción {suffix}"
    both, tot_only = f"Ana Benítez {suffix}", f"Hugo Rojas {suffix}"
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "instructora")
    _create_cohort(page, tot_name, "training_of_trainers", [TOT, CONTENT])
    cohort_url = page.url
    expect(page.locator("main")).to_contain_text(CONTENT_TITLE)
    (both_user, _), (tot_only_user, tot_only_code) = _enrol_two(page, suffix, (both, tot_only))
    for hours in ("8", "7"):
        _schedule(page, cohort_url, hours)
        for name in (both, tot_only):
            _mark_present(page, name)
    _complete_online_part(cascada_server, both_user, (TOT, CONTENT))
    _complete_online_part(cascada_server, tot_only_user, (TOT,))

    _certify_both(page, cohort_url, (both, tot_only))

    courses_of_both = _section(page, both).locator(".trainee-courses li")
    expect(courses_of_both).to_have_text(
        [
            re.compile(f"{TOT_TITLE}: formador/a certificado/a"),
            re.compile(f"{CONTENT_TITLE}: formador/a certificado/a"),
        ]
    )
    courses_of_second = _section(page, tot_only).locator(".trainee-courses li")
    expect(courses_of_second.nth(0)).to_have_text(re.compile(f"{TOT_TITLE}: formador/a certificado/a"))
    expect(courses_of_second.nth(1)).to_have_text(
        re.compile(f"{CONTENT_TITLE}: No elegible: .*lecciones sin leer")
    )
    _checked(page)
    page.goto(cohort_url.replace("/cohorts/", "/cascade/cohorts/"))
    node = page.locator("main")
    expect(node).to_contain_text(f"{CONTENT_TITLE}: 1")
    expect(node).to_contain_text(f"{TOT_TITLE}: 2")

    admin = new_context(viewport=DESKTOP).new_page()
    log_in(admin, "admin")
    admin.goto(cohort_url.replace("/cohorts/", "/admin/certificates/cohorts/"))
    trainers = admin.get_by_role("region", name="Certificados de formador/a")
    expect(trainers.locator("thead th")).to_have_text(["Graduado/a", TOT_TITLE, CONTENT_TITLE])
    expect(trainers.locator("tr", has_text=both).locator("td")).to_have_text(["Elegible", "Elegible"])
    second_row = trainers.locator("tr", has_text=tot_only).locator("td")
    expect(second_row.nth(0)).to_have_text("Elegible")
    expect(second_row.nth(1)).to_contain_text("No elegible")
    assert_accessible(admin)
    admin.get_by_role("link", name=re.compile("^Emitir (los )?[0-9]+ certificados? elegibles?$")).click()
    admin.get_by_role("button", name="Sí, emitir").click()
    expect(admin.get_by_role("status")).to_contain_text("Listo", timeout=30_000)
    admin.reload()
    expect(trainers.locator("tr", has_text=both).locator("td .ok")).to_have_count(2)
    expect(second_row.nth(0)).to_contain_text("Emitido")
    expect(second_row.nth(1)).to_contain_text("No elegible")

    graduate = new_context(viewport=DESKTOP).new_page()
    graduate.goto("/activate")
    graduate.get_by_label("Usuario").fill(tot_only_user)
    graduate.get_by_label("Código de activación").fill(tot_only_code)
    graduate.get_by_label("Nueva contraseña").fill("una frase de formador nuevo")
    graduate.get_by_role("button", name="Activar y entrar").click()
    graduate.goto("/cohorts")
    mine = graduate.locator("main")
    expect(mine).to_contain_text(f"{CONTENT_TITLE}: No elegible")
    graduate.goto("/cohorts/new")
    expect(graduate.locator(f"#course-{TOT}")).to_have_count(1)
    expect(graduate.locator(f"#course-{CONTENT}")).to_have_count(0)
