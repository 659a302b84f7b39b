"""Each person's home is a work queue: what needs them now, by role."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.certificates import service as certificate_service
from app.cohorts.models import Meeting
from app.learning import service as learning
from app.learning.models import Enrollment
from app.timeutil import local_today, utcnow
from tests.certificates.helpers import attend, complete, issue, officer_cohort
from tests.factories import log_in, make_cohort, make_user, post

pytestmark = pytest.mark.usefixtures("courses")


def _section(page: str, heading: str, until: str) -> str:
    return page.split(heading, 1)[1].split(until, 1)[0]


def test_the_instructor_sees_cohorts_led_and_co_trained_separately(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    maria = make_user(session, app, role=Role.instructor)
    other = make_user(session, app, role=Role.instructor)
    make_cohort(session, maria, name="Cohorte de María 1")
    make_cohort(session, maria, name="Cohorte de María 2")
    make_cohort(session, other, name="Cohorte ajena", co_trainers=[maria])
    log_in(client, maria)

    page = client.get("/").text

    assert "Todavía no tiene cohortes." not in page
    led = _section(page, "Cohortes que dirijo", "Cohortes en las que co-formo")
    assert "Cohorte de María 1" in led and "Cohorte de María 2" in led and "Cohorte ajena" not in led
    assert "Cohorte ajena" in _section(page, "Cohortes en las que co-formo", "Todas las cohortes")


def test_the_instructors_queue_counts_overdue_officers_practicums_and_graduates(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    maria = make_user(session, app, role=Role.instructor)
    late, ready = (
        make_user(session, app, full_name="Lucía Atrasada"),
        make_user(session, app, full_name="Pedro Listo"),
    )
    officers_cohort = make_cohort(session, maria, members=[late], name="Oficiales")
    tot = make_cohort(session, maria, courses=("mini-formadores",), members=[ready], name="Formadores")
    found = learning.enrolled(session, late, "mini")
    found.due_on = local_today() - timedelta(days=2)
    session.add(found)
    complete(session, ready, "mini-formadores")
    attend(session, tot, ready, 6, maria)
    upcoming = Meeting(
        cohort_id=officers_cohort.id or 0,
        starts_at=utcnow() + timedelta(days=3),
        hours=3,
        place="Comisaría 3ª",
    )
    session.add(upcoming)
    session.commit()
    log_in(client, maria)

    todo = _section(client.get("/").text, "Para hacer ahora", "Mis cohortes")

    assert "1 oficial con la fecha límite vencida" in todo and "Lucía Atrasada" in todo
    assert "1 práctica por puntuar" in todo  # Pedro has no score yet
    assert "graduado" not in todo  # the practicum is still missing
    assert "Comisaría 3ª" in todo  # the next sessions


def test_a_graduate_who_meets_every_rule_is_listed_as_ready_to_certify(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    maria = make_user(session, app, role=Role.instructor)
    ready = make_user(session, app)
    tot = make_cohort(session, maria, courses=("mini-formadores",), members=[ready])
    complete(session, ready, "mini-formadores")
    attend(session, tot, ready, 6, maria)
    log_in(client, maria)
    post(client, f"/cohorts/{tot.id}/practicum/{ready.id}", {"level_objetivos": "2", "level_fuentes": "2"})

    todo = _section(client.get("/").text, "Para hacer ahora", "Mis cohortes")

    assert "1 graduado/a listo/a para certificar" in todo and "por puntuar" not in todo


def test_the_admin_sees_open_requests_with_a_count_in_the_navigation(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    learning.record_completion(session, learning.enrolled(session, officer, "mini"))  # as the last step does
    session.commit()
    lead = session.get(User, cohort.lead_id)
    assert lead is not None
    log_in(client, lead)
    post(client, f"/cohorts/{cohort.id}/certificates/request")
    log_in(client, admin)

    page = client.get("/").text

    nav = page.split('aria-label="Principal"', 1)[1].split("</nav>", 1)[0]
    assert '<span class="count">1<span class="visually-hidden"> solicitudes abiertas</span>' in nav
    assert cohort.name in _section(
        page, "Solicitudes de certificados", "Cohortes con certificados sin emitir"
    )
    unissued = _section(page, "Cohortes con certificados sin emitir", "Revocaciones recientes")
    assert cohort.name in unissued and "1 curso completado sin certificado" in unissued


def test_issuing_answers_the_request_and_a_revocation_shows_on_the_admin_home(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    lead = session.get(User, cohort.lead_id)
    assert lead is not None
    log_in(client, lead)
    post(client, f"/cohorts/{cohort.id}/certificates/request")
    session.rollback()
    certificate = issue(session, officer, admin, cohort=cohort)
    certificate_service.revoke(
        session, certificate.id or 0, "Error de carga", public_reason=False, actor=admin
    )
    session.commit()

    assert "Estado: atendido" in client.get(f"/cohorts/{cohort.id}").text
    log_in(client, admin)
    page = client.get("/").text
    assert 'class="count"' not in page.split("</nav>", 1)[0]
    assert "No hay solicitudes abiertas." in page
    assert certificate.serial in _section(page, "Revocaciones recientes", "Administración")


def test_the_requester_sees_that_the_request_waits(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)
    lead = session.get(User, cohort.lead_id)
    assert lead is not None
    log_in(client, lead)

    response = post(client, f"/cohorts/{cohort.id}/certificates/request")

    page = client.get(response.headers["location"]).text
    assert "Pedido enviado a la administración: 1 certificado listo para emitir." in page
    assert "Estado: en espera de la administración." in page


def test_the_officer_sees_the_next_due_date_the_next_session_and_start_before_continue(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    cohort, (officer,) = officer_cohort(session, app)
    found = session.get(Enrollment, learning.enrolled(session, officer, "mini").id)
    assert found is not None
    found.due_on = local_today() + timedelta(days=10)
    session.add(found)
    session.add(
        Meeting(
            cohort_id=cohort.id or 0, starts_at=utcnow() + timedelta(days=1), hours=2, place="Salón de actos"
        )
    )
    session.commit()
    log_in(client, officer)

    fresh = client.get("/").text
    complete(session, officer, skip={"segunda", "tercera", "control-basico", "final"})
    started = client.get("/").text

    assert (
        "Próxima fecha límite:" in fresh
        and "Próxima sesión presencial:" in fresh
        and "Salón de actos" in fresh
    )
    assert ">Comenzar</a>" in fresh and ">Continuar</a>" not in fresh
    assert ">Continuar</a>" in started


def test_a_past_due_date_is_not_announced_as_the_next_one(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    """Only a day still ahead (or today) is "the next due date"; a past one reads as overdue on its card."""
    _, (officer,) = officer_cohort(session, app)
    found = session.get(Enrollment, learning.enrolled(session, officer, "mini").id)
    assert found is not None
    found.due_on = local_today() - timedelta(days=1)
    session.add(found)
    session.commit()
    log_in(client, officer)

    page = client.get("/").text

    assert "Próxima fecha límite:" not in page and "Venció el" in page
