"""Creating a cohort: what the form checks, who leads it, and what admins may do for others."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit import AuditEntry
from app.cohorts.models import Cohort, CohortCourse, CoTrainer
from tests.factories import log_in, make_user, post, reload

VALID = {
    "name": "Taller Boquerón 2026",
    "kind": "officer_course",
    "department": "boqueron",
    "starts_on": "2026-03-02",
    "ends_on": "2026-03-20",
    "course": "mini",
    "due_mini": "2026-04-30",
}


pytestmark = pytest.mark.usefixtures("courses")


def test_an_instructor_creates_a_cohort_with_courses_due_dates_and_a_co_trainer(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    lead = make_user(session, app, role=Role.instructor)
    co = make_user(session, app, role=Role.instructor, username="cotrainer")
    log_in(client, lead)

    response = post(client, "/cohorts/new", {**VALID, "co_trainers": "cotrainer"})

    assert response.status_code == 303
    session.rollback()
    cohort = session.exec(select(Cohort)).one()
    assert (cohort.name, cohort.lead_id, cohort.lead_certification_id) == (
        "Taller Boquerón 2026",
        lead.id,
        None,
    )
    assert [(c.course_slug, str(c.due_on)) for c in session.exec(select(CohortCourse))] == [
        ("mini", "2026-04-30")
    ]
    assert [c.user_id for c in session.exec(select(CoTrainer))] == [co.id]
    assert len(cohort.join_code or "") == 8
    assert client.get(response.headers["location"]).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": " "}, "Escriba un nombre"),
        ({"department": "atlantida"}, "Elija un departamento"),
        ({"ends_on": "2026-03-01"}, "La fecha de fin es anterior"),
        ({"starts_on": "mañana"}, "Indique las fechas"),
        ({"course": "no-existe"}, "No puede incluir el curso"),
        ({"course": "mini-formadores"}, "Una cohorte de formación de formadores incluye"),
        ({"due_mini": "30/04/2026"}, "La fecha límite no es válida"),
        ({"co_trainers": "nadie"}, "No existe el usuario «nadie»"),
    ],
)
def test_a_bad_cohort_form_says_what_to_fix_and_creates_nothing(
    client: TestClient, session: Session, app: FastAPI, change: dict[str, str], message: str
) -> None:
    log_in(client, make_user(session, app, role=Role.instructor))

    response = post(client, "/cohorts/new", {**VALID, **change})

    assert response.status_code == 422 and message in response.text
    assert 'value="Taller Boquerón 2026"' in response.text or change.get("name")
    session.rollback()
    assert session.exec(select(Cohort)).all() == []


def test_an_officer_who_is_not_a_trainer_cannot_be_a_co_trainer(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    make_user(session, app, username="agente")
    log_in(client, make_user(session, app, role=Role.instructor))

    response = post(client, "/cohorts/new", {**VALID, "co_trainers": "agente"})

    assert response.status_code == 422 and "no es instructor/a ni formador/a" in response.text


def test_an_admin_creates_a_cohort_for_another_lead_and_it_is_audited(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    lead = make_user(session, app, role=Role.instructor, username="lider")
    log_in(client, admin)

    response = post(client, "/cohorts/new", {**VALID, "lead": "lider"})

    assert response.status_code == 303
    session.rollback()
    cohort = session.exec(select(Cohort)).one()
    assert cohort.lead_id == lead.id and cohort.created_by_id == admin.id
    assert (
        session.exec(select(AuditEntry).where(AuditEntry.action == "create_cohort")).one().actor_id
        == admin.id
    )


def test_an_instructor_cannot_name_someone_else_as_lead(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    me = make_user(session, app, role=Role.instructor)
    make_user(session, app, role=Role.instructor, username="otra")
    log_in(client, me)

    post(client, "/cohorts/new", {**VALID, "lead": "otra"})

    session.rollback()
    assert session.exec(select(Cohort)).one().lead_id == me.id


def test_members_are_enrolled_in_the_cohorts_courses_with_its_due_date(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    from app.cohorts import service
    from app.cohorts.models import MemberSource
    from app.learning.models import Enrollment

    lead, officer = make_user(session, app, role=Role.instructor), make_user(session, app)
    log_in(client, lead)
    post(client, "/cohorts/new", VALID)
    session.rollback()
    cohort = session.exec(select(Cohort)).one()

    first = service.add_member(session, cohort, officer, MemberSource.manual)
    again = service.add_member(session, cohort, officer, MemberSource.manual)
    session.commit()

    enrolment = session.exec(select(Enrollment).where(Enrollment.user_id == officer.id)).one()
    assert (first, again) == (True, False)
    assert (enrolment.course_slug, str(enrolment.due_on)) == ("mini", "2026-04-30")


def test_an_admin_reassigns_the_lead_who_must_be_entitled_and_the_old_lead_loses_the_cohort(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    from tests.factories import make_cohort

    old = make_user(session, app, role=Role.instructor)
    new = make_user(session, app, role=Role.instructor, username="nueva")
    make_user(session, app, username="agente")
    admin = make_user(session, app, role=Role.admin)
    cohort = make_cohort(session, old)
    log_in(client, admin)

    refused = post(client, f"/cohorts/{cohort.id}/lead", {"username": "agente"})
    moved = post(client, f"/cohorts/{cohort.id}/lead", {"username": "nueva"})

    assert refused.status_code == 403 and moved.status_code == 303
    assert reload(session, cohort).lead_id == new.id
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "reassign_cohort_lead")).one()
    log_in(client, old)
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404
    assert post(client, f"/cohorts/{cohort.id}/lead", {"username": "nueva"}).status_code == 403


def test_the_lead_edits_the_cohort_and_a_new_due_date_moves_the_members_due_dates(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    from app.learning.models import Enrollment
    from tests.factories import make_cohort

    lead, officer = make_user(session, app, role=Role.instructor), make_user(session, app)
    log_in(client, lead)
    post(client, "/cohorts/new", VALID)
    session.rollback()
    cohort = session.exec(select(Cohort)).one()
    from app.cohorts import service
    from app.cohorts.models import MemberSource

    service.add_member(session, cohort, officer, MemberSource.manual)
    session.commit()
    make_cohort(session, lead)  # another cohort of the same lead, untouched by the edit

    response = post(
        client,
        f"/cohorts/{cohort.id}/edit",
        {
            "name": "Taller Boquerón (corregido)",
            "department": "itapua",
            "starts_on": "2026-03-09",
            "ends_on": "2026-03-27",
            "due_mini": "2026-05-15",
            "co_trainers": "",
        },
    )

    assert response.status_code == 303
    edited = reload(session, cohort)
    assert (edited.name, edited.department, str(edited.starts_on)) == (
        "Taller Boquerón (corregido)",
        "itapua",
        "2026-03-09",
    )
    due = session.exec(select(Enrollment.due_on).where(Enrollment.user_id == officer.id)).one()
    assert str(due) == "2026-05-15"
    assert "Taller Boquerón (corregido)" in client.get(f"/cohorts/{cohort.id}").text


def test_a_bad_edit_says_what_to_fix_and_changes_nothing(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    lead = make_user(session, app, role=Role.instructor)
    log_in(client, lead)
    post(client, "/cohorts/new", VALID)
    session.rollback()
    cohort = session.exec(select(Cohort)).one()

    response = post(client, f"/cohorts/{cohort.id}/edit", {**VALID, "name": "Otro", "ends_on": "2026-01-01"})

    assert response.status_code == 422 and "La fecha de fin es anterior" in response.text
    assert reload(session, cohort).name == "Taller Boquerón 2026"


def test_the_cohort_page_is_titled_with_the_cohorts_name_only(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.instructor))

    page = client.get(post(client, "/cohorts/new", VALID).headers["location"]).text

    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Taller Boquerón 2026") and "<form" not in title
    assert page.count("Pedir la emisión de certificados") == 1
