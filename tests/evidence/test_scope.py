"""A commission member reads their department only, as aggregates, on every route that takes a department or
cohort."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.evidence.models import DepartmentHeadcount
from app.main import route_rules
from tests.evidence.world import World
from tests.factories import log_in, make_user, post

SCOPED = re.compile(r"\{(cohort_id|code|department)(:\w+)?\}")
FILLERS = {
    "slug": "mini",
    "quiz_id": "pre-test",
    "item_id": "primera",
    "module_id": "basico",
    "session_id": "1",
    "attempt_id": "1",
    "certificate_id": "1",
    "version_id": "1",
    "name": "flujo.svg",
    "position": "0",
}


def _scoped_paths(app: FastAPI, cohort_id: int, code: str, user_id: int) -> list[str]:
    """Every GET route taking a cohort or a department, with its ids filled in."""
    paths = []
    values = {
        **FILLERS,
        "cohort_id": str(cohort_id),
        "code": code,
        "department": code,
        "user_id": str(user_id),
    }
    for key in route_rules(app):
        methods, path = key.split(" ", 1)
        if "GET" in methods.split(",") and SCOPED.search(path):
            paths.append(re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values.get(m.group(1), "1"), path))
    return paths


def test_commission_member_gets_nothing_of_another_department_as_page_fragment_or_export(
    client: TestClient, world: World, app: FastAPI
) -> None:
    log_in(client, world.commission)
    paths = _scoped_paths(app, world.itapua.id or 0, "itapua", world.officers[-1].id or 0)
    paths += [
        "/evidence/reports/paraguay",
        "/evidence/reports/paraguay.csv",
        "/evidence/reports/paraguay.pdf",
    ]

    assert "/evidence/reports/itapua.pdf.sig" in paths and f"/evidence/cohorts/{world.itapua.id}" in paths
    for path in paths:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            assert response.status_code in (403, 404), (path, headers, response.status_code)
            assert "Itapua" not in response.text and "Cohorte itapua" not in response.text, path


def test_commission_member_reads_own_department_as_aggregates_never_a_name_or_answer(
    client: TestClient, world: World, app: FastAPI
) -> None:
    log_in(client, world.commission)
    readable = []
    for path in _scoped_paths(app, world.boqueron.id or 0, "boqueron", world.officers[0].id or 0):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            assert response.status_code in (200, 403, 404), (path, response.status_code)
            if response.status_code == 200:
                readable.append(path)
                body = response.text if not path.endswith(".pdf") else ""
                assert "Oficial Boqueron" not in body, path  # no officer is ever named
                assert "Instructora Prueba" not in body, path

    assert set(readable) >= {
        "/evidence/reports/boqueron",
        "/evidence/reports/boqueron.csv",
        "/evidence/reports/boqueron.pdf",
        "/evidence/reports/boqueron.pdf.sig",
        f"/evidence/cohorts/{world.boqueron.id}",
    }
    assert not any(path.startswith(("/cohorts", "/cascade", "/quizzes", "/admin")) for path in readable), (
        readable
    )


def test_report_fragment_is_the_figures_block_and_small_groups_hide_their_scores(
    client: TestClient, world: World
) -> None:
    log_in(client, world.commission)

    fragment = client.get("/evidence/reports/boqueron?start=2026-01-01", headers={"HX-Request": "true"})
    csv = client.get("/evidence/reports/boqueron.csv").content.decode("utf-8-sig")

    assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="figures"' in fragment.text
    women = next(line for line in csv.splitlines() if line.startswith("Mujeres;") and line.count(";") > 5)
    assert women.split(";")[1:4] == ["3", "3", "0\xa0%"] and women.split(";")[4:] == ["—"] * 7
    assert "Total;6;5;16,7\xa0%;45\xa0%;73\xa0%;28,0;" in csv


def test_commission_member_lands_on_their_report_and_a_bad_period_is_422(
    client: TestClient, world: World
) -> None:
    log_in(client, world.commission)

    landing = client.get("/evidence")
    bad = client.get("/evidence/reports/boqueron?start=2026-13-01")
    backwards = client.get("/evidence/reports/boqueron?start=2026-05-01&end=2026-01-01")

    assert landing.status_code == 303 and landing.headers["location"].endswith("/evidence/reports/boqueron")
    assert bad.status_code == 422 and "no es una fecha" in bad.text
    assert backwards.status_code == 422 and "termina antes de empezar" in backwards.text


def test_admin_appoints_a_commission_member_only_with_a_department(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    fields = {
        "username": "comision.boqueron",
        "full_name": "Ana Comisión",
        "role": "commission",
        "language": "es",
    }

    without = post(client, "/admin/users/new", fields)
    with_department = post(client, "/admin/users/new", {**fields, "department": "boqueron"})

    assert without.status_code == 422 and "Un miembro de comisión ve solo su departamento" in without.text
    assert with_department.status_code == 200 and 'id="activation-code"' in with_department.text
    created = session.exec(select(User).where(User.username == "comision.boqueron")).one()
    assert (created.role, created.department) == (Role.commission, "boqueron")
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "user.create")).one()


def test_admin_enters_headcounts_bad_numbers_save_nothing_and_commission_cannot(
    client: TestClient, session: Session, app: FastAPI, world: World
) -> None:
    admin = make_user(session, app, role=Role.admin)
    log_in(client, admin)

    bad = post(client, "/evidence/headcounts", {"officers-boqueron": "70", "officers-itapua": "muchos"})
    good = post(client, "/evidence/headcounts", {"officers-boqueron": "1.400", "officers-itapua": ""})
    report = client.get("/evidence/reports/boqueron").text
    commission_client = TestClient(app, follow_redirects=False)
    log_in(commission_client, world.commission)
    refused = commission_client.get("/evidence/headcounts")

    assert bad.status_code == 422 and "número entero" in bad.text
    assert good.status_code == 303
    session.expire_all()
    assert [(h.department, h.officers) for h in session.exec(select(DepartmentHeadcount))] == [
        ("boqueron", 1400)
    ]
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "headcount.set")).one()
    assert "0,5\xa0%" in report  # 7 officers of 1.400
    assert refused.status_code == 403


def test_the_reports_period_reads_as_the_readers_dates(client: TestClient, world: World) -> None:
    log_in(client, world.commission)

    page = client.get("/evidence/reports/boqueron?start=2026-01-01&end=2026-06-30")

    assert "desde 01/01/2026 hasta 30/06/2026" in page.text
