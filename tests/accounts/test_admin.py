"""Administration of users and institutions: admins only, validated, audited."""

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import ActivationCode, Institution, Role, User
from app.audit import AuditEntry
from app.timeutil import utcnow
from tests.factories import csrf_from, log_in, make_institution, make_user, post, reload

ADMIN_PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/institutions",
    "/admin/audit",
    "/admin/lockouts",
]


def test_officer_and_instructor_get_403_on_every_admin_page(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    for role in (Role.officer, Role.instructor):
        log_in(client, make_user(session, app, role=role))

        statuses = {page: client.get(page).status_code for page in ADMIN_PAGES}

        assert set(statuses.values()) == {403}, statuses


def test_officer_cannot_change_another_user_by_post(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    victim = make_user(session, app)
    log_in(client, make_user(session, app))

    response = post(client, f"/admin/users/{victim.id}/active", {"active": "false"})

    assert response.status_code == 403
    reload(session, victim)
    assert victim.active


def test_admin_creates_a_user_who_chooses_a_password_with_the_activation_code_shown(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    institution = make_institution(session, "Policía Nacional")

    response = post(
        client,
        "/admin/users/new",
        {
            "username": "Sub.Oficial.Rojas",
            "full_name": "Carlos Rojas",
            "national_id": "4567890",
            "rank": "Suboficial",
            "institution_id": institution.id,
            "department": "boqueron",
            "role": "officer",
            "language": "es",
            "password": "chosen by the admin",
        },
    )

    assert response.status_code == 200
    created = session.exec(select(User).where(User.username == "sub.oficial.rojas")).one()
    assert (created.department, created.institution_id, created.national_id) == (
        "boqueron",
        institution.id,
        "4567890",
    )
    assert created.password_hash == ""  # no password an admin chose or knows
    code = re.search(r'id="activation-code"[^>]*>([A-Z0-9-]+)<', response.text).group(1)  # type: ignore[union-attr]
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
    assert audit.target_id == str(created.id)
    with TestClient(app, follow_redirects=False) as person:
        activated = person.post(
            "/activate",
            data={
                "username": "sub.oficial.rojas",
                "code": code,
                "password": "guardia del chaco",
                "csrf_token": csrf_from(person),
            },
        )
        assert activated.status_code == 303 and person.get("/").status_code == 200


def test_admin_created_codes_expire_after_72_hours_by_default(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    post(client, "/admin/users/new", {"username": "nueva", "full_name": "Nueva", "role": "officer"})

    created = session.exec(select(User).where(User.username == "nueva")).one()
    stored = session.get(ActivationCode, created.id)
    assert stored is not None
    assert timedelta(hours=71) < stored.expires_at - utcnow() <= timedelta(hours=72)


def test_invalid_user_form_is_shown_again_with_the_field_error_and_nothing_saved(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    before = len(session.exec(select(User)).all())

    response = post(
        client,
        "/admin/users/new",
        {"username": "ok.user", "full_name": "Ana", "national_id": "12a", "role": "officer"},
    )

    assert response.status_code == 422
    assert "La cédula debe tener solo números" in response.text
    assert 'value="Ana"' in response.text  # what was typed is kept
    assert len(session.exec(select(User)).all()) == before


def test_duplicate_username_is_refused(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    make_user(session, app, username="taken")

    response = post(
        client,
        "/admin/users/new",
        {"username": "taken", "full_name": "Otra", "role": "officer", "password": "una frase larga"},
    )

    assert response.status_code == 422 and "Ya existe un usuario" in response.text


def test_user_list_searches_filters_and_paginates(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.admin, full_name="Admin Uno"))
    make_user(session, app, full_name="Lucía Benítez", department="itapua")
    for n in range(30):
        make_user(session, app, full_name=f"Agente {n:02d}", department="guaira")

    found = client.get("/admin/users", params={"q": "benítez"}).text
    by_department = client.get("/admin/users", params={"department": "guaira"}).text
    page_two = client.get("/admin/users", params={"department": "guaira", "page": 2}).text

    assert "Lucía Benítez" in found and "Agente 01" not in found
    assert "30 usuarios" in by_department and "Página 1 de 2" in by_department
    assert "Página 2 de 2" in page_two and page_two.count("Agente ") == 5


def test_user_list_as_htmx_returns_only_the_results_fragment(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get("/admin/users", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert '<div id="results">' in response.text and "<html" not in response.text


def test_unknown_user_id_is_404(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    assert client.get("/admin/users/99999").status_code == 404


def test_admin_cannot_deactivate_themselves(client: TestClient, session: Session, app: FastAPI) -> None:
    admin = make_user(session, app, role=Role.admin)
    log_in(client, admin)

    response = post(client, f"/admin/users/{admin.id}/active", {"active": "false"})

    assert response.status_code == 400
    reload(session, admin)
    assert admin.active


def test_institutions_are_created_renamed_and_deactivated_with_audit(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    assert post(client, "/admin/institutions", {"name": "  Fiscalía   Especializada "}).status_code == 303
    institution = session.exec(select(Institution)).one()
    assert institution.name == "Fiscalía Especializada"
    assert (
        post(
            client, "/admin/institutions", {"name": "Unidad Fiscal", "institution_id": institution.id}
        ).status_code
        == 303
    )
    assert (
        post(client, f"/admin/institutions/{institution.id}/active", {"active": "false"}).status_code == 303
    )

    reload(session, institution)
    assert (institution.name, institution.active) == ("Unidad Fiscal", False)
    actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert [a for a in actions if a.startswith("institution.")] == [
        "institution.save",
        "institution.save",
        "institution.deactivate",
    ]


def test_duplicate_institution_name_is_refused(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    make_institution(session, "Ministerio Público")

    response = post(client, "/admin/institutions", {"name": "ministerio público"})

    assert response.status_code == 422 and "Ya existe una institución" in response.text


def test_user_filter_form_with_all_institutions_selected_searches_normally(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))
    make_user(session, app, full_name="Lucía Benítez")

    response = client.get(
        "/admin/users",
        params={"q": "lucía", "role": "", "institution_id": "", "department": "", "active": ""},
    )

    assert response.status_code == 200 and "Lucía Benítez" in response.text
