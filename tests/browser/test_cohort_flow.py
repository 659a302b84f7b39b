"""The training-of-trainers loop in a real browser on a phone: an instructor creates a ToT cohort,
enrols a roster, takes attendance (also without signal), scores the practicum, certifies the graduate
and sees the cascade; the new trainer then creates a cohort of their own. axe-core on every page."""

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from app.accounts.models import User
from app.db import make_engine, transaction
from tests.browser.conftest import Server, assert_accessible, log_in
from tests.certificates.helpers import complete

PHONE = {"width": 360, "height": 740}


def _checked(page: Page) -> None:
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def _create_cohort(page: Page, name: str, kind: str, courses: list[str]) -> None:
    page.goto("/cohorts")
    page.get_by_role("link", name="Nueva cohorte").click()
    _checked(page)
    page.get_by_label("Nombre").fill(name)
    page.get_by_label("Tipo").select_option(kind)
    page.get_by_label("Departamento").select_option("boqueron")
    page.get_by_label("Inicio").fill("2026-03-02")
    page.get_by_label("Fin", exact=True).fill("2026-06-30")
    for slug in courses:
        page.locator(f"#course-{slug}").check()
    page.get_by_role("button", name="Crear cohorte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    _checked(page)


def _enrol_roster(page: Page, cedula: str, name: str) -> tuple[str, str]:
    page.get_by_role("link", name="Participantes e inscripción").click()
    roster = f"\ufeffCédula;Nombre;Grado\n{cedula};{name};Suboficial\n".encode()
    page.get_by_label("Archivo CSV").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": roster}]
    )
    page.get_by_role("button", name="Ver vista previa").click()
    page.get_by_role("button", name="Confirmar la inscripción").click()
    codes = page.get_by_role("region", name="Códigos de activación")
    expect(codes).to_contain_text(name)
    return codes.locator("dd.code").nth(0).inner_text(), codes.locator("dd.code").nth(1).inner_text()


def _schedule(page: Page, cohort_url: str, hours: str) -> None:
    page.goto(cohort_url)
    page.get_by_role("link", name="Sesiones presenciales y asistencia").click()
    page.get_by_label("Fecha", exact=True).fill("2026-03-02")
    page.get_by_label("Horas", exact=True).fill(hours)
    page.get_by_label("Lugar").fill("Comisaría de Filadelfia")
    page.get_by_role("button", name="Programar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asistencia")


def _mark_present(page: Page, name: str) -> None:
    """Tap "Presente" and wait until the server has it: the row shows the tap at once, flagged as not
    sent, and leaving the page before the answer would leave the tap queued on this device."""
    row = page.locator(".roll-row", has_text=name)
    page.get_by_role("button", name=f"Presente: {name}").click()
    expect(row.locator(".roll-state")).to_have_text(re.compile(r"Presente$"))
    expect(row.locator("[data-queued]")).to_be_hidden()


def _complete_online_part(
    server: Server, username: str, slugs: tuple[str, ...] = ("formacion-de-formadores",)
) -> None:
    engine = make_engine(f"sqlite:///{server.log_path.parent / 'data' / 'cascada.db'}")
    with transaction(engine, write=True) as session:
        trainee = session.exec(select(User).where(User.username == username)).one()
        for slug in slugs:
            complete(session, trainee, slug)
    engine.dispose()


def test_an_instructor_certifies_a_trainer_who_then_leads_a_cohort(
    new_context: Callable[..., BrowserContext], cascada_server: Server
) -> None:
    suffix = secrets.randbelow(10**6)
    tot_name, name = f"Formadores Chaco {suffix}", "Celeste Ñandutí Gómez"
    context = new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, "instructora")
    _create_cohort(page, tot_name, "training_of_trainers", ["formacion-de-formadores", "trata-de-personas"])
    cohort_url = page.url
    page.get_by_role("link", name="Editar la cohorte").click()
    page.get_by_label("Fecha límite de Formación de formadores").fill("2026-07-31")
    _checked(page)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tot_name)
    username, code = _enrol_roster(page, f"{8_000_000 + suffix}", name)

    _schedule(page, cohort_url, "8")
    _mark_present(page, name)
    _checked(page)
    _schedule(page, cohort_url, "7")
    context.set_offline(True)
    page.get_by_role("button", name=f"Presente: {name}").click()
    expect(page.locator("#roll-status")).to_contain_text("Sin conexión")
    expect(page.locator(".roll-row [data-queued]")).to_be_visible()  # this row's tap waits to be sent
    context.set_offline(False)
    expect(page.locator("#roll-status")).to_contain_text("Guardado", timeout=40_000)
    expect(page.locator(".roll-row [data-queued]")).to_be_hidden()
    page.reload()
    expect(page.locator(".roll-row .roll-state")).to_have_text("✓ Presente")

    _complete_online_part(cascada_server, username, ("formacion-de-formadores", "trata-de-personas"))
    page.goto(cohort_url)
    page.get_by_role("link", name="Práctica y certificación de formadores").click()
    expect(page.locator(".trainee-facts")).to_contain_text("15 de 15 horas")
    _checked(page)
    page.get_by_role("link", name=re.compile(f"^Puntuar la práctica\\W+{name}$")).click()
    _checked(page)
    for radio in page.locator("input[type=radio][value='3']").all():
        radio.check()
    page.get_by_label("Comentarios para la persona evaluada").fill("Clara y bien citada.")
    page.get_by_role("button", name="Guardar puntuación").click()
    expect(page.locator(".trainee-facts")).to_contain_text("aprobada")
    page.get_by_role("link", name=re.compile(f"^Certificar como formador.a\\W+{name}$")).click()
    expect(page.locator(".confirm-box")).to_contain_text(f"¿Certificar a {name} como formador/a?")
    page.get_by_role("button", name="Sí, certificar").click()
    expect(page.locator("#alerts")).to_contain_text(f"{name} ya es formador/a certificado/a.")
    expect(page.locator("p.ok")).to_contain_text("Formador/a certificado/a")

    page.goto("/cascade")
    expect(page.locator("main")).to_contain_text(tot_name)
    _checked(page)

    trainer = new_context(viewport=PHONE).new_page()
    trainer.goto("/activate")
    trainer.get_by_label("Usuario").fill(username)
    trainer.get_by_label("Código de activación").fill(code)
    trainer.get_by_label("Nueva contraseña").fill("una frase de formadora")
    trainer.get_by_role("button", name="Activar y entrar").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text(f"Hola, {name}")
    _create_cohort(
        trainer, f"Oficiales de Mariscal Estigarribia {suffix}", "officer_course", ["trata-de-personas"]
    )
    trainer.goto("/cascade")
    expect(trainer.locator("main")).to_contain_text(f"Oficiales de Mariscal Estigarribia {suffix}")
