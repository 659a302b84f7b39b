"""The audit log reads like a register: names, actions in words, linked objects, filters, pages and CSV."""

import csv
import io
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import audit_view
from app.accounts.models import Role
from app.audit import AuditEntry
from app.timeutil import utcnow
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user, post


def test_entries_show_the_actors_name_the_action_in_words_and_link_the_object(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    admin = make_user(session, app, role=Role.admin, full_name="Ana Administradora")
    instructor = make_user(session, app, role=Role.instructor, full_name="Marta Instructora")
    cohort = make_cohort(session, instructor, name="Formadores de Itapúa")  # made by the instructor: audited
    log_in(client, admin)

    page = client.get("/admin/audit").text

    assert "Marta Instructora" in page and "Creó una cohorte" in page
    assert f'<a href="/cohorts/{cohort.id}">Formadores de Itapúa</a>' in page
    assert "create_cohort" not in page.split("<tbody>", 1)[1]
    english = post(client, "/language", {"language": "en", "next": "/admin/audit"})
    assert "Created a cohort" in client.get(english.headers["location"]).text


def _entries(session: Session, actor_id: int | None, action: str, count: int, days_ago: int = 0) -> None:
    for n in range(count):
        session.add(
            AuditEntry(
                actor_id=actor_id,
                action=action,
                target_type="cohort",
                target_id=str(1000 + n),
                at=utcnow() - timedelta(days=days_ago),
                details=f'{{"n": {n}}}',
            )
        )
    session.commit()


def test_filters_by_who_what_and_when_and_pages_through(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin, full_name="Ana Administradora")
    rocio = make_user(session, app, role=Role.instructor, full_name="Rocío Núñez", username="rnunez")
    _entries(session, rocio.id, "session.create", audit_view.PAGE_SIZE + 5)
    _entries(session, admin.id, "certificate.revoke", 2, days_ago=40)
    log_in(client, admin)

    by_who = client.get("/admin/audit", params={"who": "núñez"}).text
    by_what = client.get("/admin/audit", params={"action": "certificate.revoke"}).text
    by_when = client.get(
        "/admin/audit", params={"until": (utcnow() - timedelta(days=30)).date().isoformat()}
    ).text
    second = client.get("/admin/audit", params={"who": "rnunez", "page": "2"}).text

    assert f"{audit_view.PAGE_SIZE + 5} registros" in by_who and "Página 1 de 2" in by_who
    assert "Ana Administradora" not in by_who.split("<tbody>", 1)[1]
    assert "2 registros" in by_what and "Revocó un certificado" in by_what
    assert "2 registros" in by_when
    assert (
        "Página 2 de 2" in second and second.count("Programó una sesión presencial") == 5 + 1
    )  # + the filter list


def test_htmx_filtering_answers_only_the_results(client: TestClient, session: Session, app: FastAPI) -> None:
    admin = make_user(session, app, role=Role.admin)
    _entries(session, admin.id, "user.update", 3)
    log_in(client, admin)

    response = client.get("/admin/audit", params={"action": "user.update"}, headers={"HX-Request": "true"})

    assert response.text.lstrip().startswith('<div id="results">') and "3 registros" in response.text


def test_the_csv_export_has_the_filtered_rows_in_words_and_neutralises_formulas(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin, full_name='=HYPERLINK("x")')
    _entries(session, admin.id, "user.update", 3)
    _entries(session, admin.id, "course.publish", 1)
    log_in(client, admin)

    response = client.get("/admin/audit.csv", params={"action": "user.update"})

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Fecha", "Quién", "Acción", "Objeto", "Detalles"]
    assert len(rows) == 4 and {r[2] for r in rows[1:]} == {"Editó un usuario"}
    assert rows[1][1].startswith("'=")


def test_the_audit_pages_are_for_admins_only(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.instructor))

    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_who_finds_a_name_typed_without_its_accents_or_with_other_capitals(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin, full_name="Ana Administradora")
    rocio = make_user(session, app, role=Role.instructor, full_name="Rocío Núñez Ibáñez", username="rn")
    _entries(session, rocio.id, "session.create", 3)
    log_in(client, admin)

    for typed in ("rocio nunez", "NUNEZ IBAÑEZ", "Ibanez"):
        found = client.get("/admin/audit", params={"who": typed}).text

        assert "3 registros" in found, typed
