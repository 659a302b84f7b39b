"""Roster import over HTTP: preview, confirm, row/column errors, all-or-nothing, re-import, scope."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, func, select

from app.accounts import activation
from app.accounts.models import ActivationCode, Institution, Role, User
from app.cohorts.models import Cohort, CohortMember, MemberSource
from app.learning.models import Enrollment
from tests.factories import (
    PASSWORD,
    csrf_from,
    load_fixture_courses,
    log_in,
    make_cohort,
    make_user,
    post,
    reload,
)

ROSTER = (
    "\ufeffUsuario;Cédula;Nombre;Grado;Institución;Departamento\n"
    ";1.234.567;María José Ñandú Benítez;Suboficial;Policía Nacional;Alto Paraná\n"
    "jgomez;2345678;Juan Gómez;Oficial;;\n"
).encode()
CODE = re.compile(r'<dd class="code">([A-Z0-9]{4}-[A-Z0-9]{4})</dd>')


@pytest.fixture(autouse=True)
def courses(session: Session) -> None:
    load_fixture_courses(session)
    session.add(Institution(name="Policía Nacional"))
    session.commit()


@pytest.fixture
def lead(session: Session, app: FastAPI) -> User:
    return make_user(session, app, role=Role.instructor)


@pytest.fixture
def cohort(session: Session, lead: User) -> Cohort:
    return make_cohort(session, lead, department="itapua")


def upload(client: TestClient, cohort: Cohort, data: bytes) -> Response:
    return client.post(
        f"/cohorts/{cohort.id}/roster/preview",
        data={"csrf_token": csrf_from(client)},
        files={"file": ("roster.csv", data, "text/csv")},
    )


def confirm(client: TestClient, cohort: Cohort, preview: Response) -> Response:
    match = re.search(r'name="carried" value="([^"]*)"', preview.text)
    assert match, "the preview offers no confirmation"
    return post(client, f"/cohorts/{cohort.id}/roster/import", {"carried": match.group(1)})


def count(session: Session, model: type) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


def problem_rows(response: Response) -> list[tuple[str, str]]:
    """(row, column) of each problem in the preview's problem table."""
    return re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>", response.text)


def test_the_preview_shows_the_plan_and_stores_nothing(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)
    users_before = count(session, User)

    response = upload(client, cohort, ROSTER)

    assert response.status_code == 200
    assert "María José Ñandú Benítez" in response.text and "maria.benitez" in response.text
    assert response.text.count("Cuenta nueva, con código de activación") == 2
    assert count(session, User) == users_before and count(session, CohortMember) == 0


def test_confirming_creates_officers_with_hashed_codes_enrolled_in_the_courses(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)

    response = confirm(client, cohort, upload(client, cohort, ROSTER))

    assert response.status_code == 200
    codes = CODE.findall(response.text)
    assert len(codes) == 2
    session.rollback()
    maria = session.exec(select(User).where(User.national_id == "1234567")).one()
    assert (maria.username, maria.role, maria.password_hash) == ("maria.benitez", Role.officer, "")
    assert (maria.rank, maria.department) == ("Suboficial", "alto-parana")
    juan = session.exec(select(User).where(User.username == "jgomez")).one()
    assert juan.department == "itapua"  # none in the file: the cohort's
    stored = session.get(ActivationCode, maria.id)
    assert (
        stored is not None
        and stored.code_hash == activation.hash_code(codes[0])
        and codes[0] not in stored.code_hash
    )
    member = session.get(CohortMember, (cohort.id, maria.id))
    assert member is not None and member.source == MemberSource.roster
    assert session.exec(select(Enrollment).where(Enrollment.user_id == maria.id)).one().course_slug == "mini"


def test_errors_name_row_and_column_and_nothing_is_written(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    data = (
        b"usuario;cedula;nombre;departamento\nana;1111111;Ana;Central\nbeto;2222222;=CMD();Chaco Sur\n"
        b"ana;3333333;Ana Dos;\n"
    )
    log_in(client, lead)
    users_before = count(session, User)

    response = upload(client, cohort, data)

    assert response.status_code == 422
    assert problem_rows(response) == [("3", "nombre"), ("3", "departamento"), ("4", "usuario")]
    assert "Repite «ana» de la fila 2." in response.text and 'name="carried"' not in response.text
    assert count(session, User) == users_before and count(session, CohortMember) == 0


def test_a_file_that_became_invalid_after_the_preview_imports_nothing(
    client: TestClient, session: Session, app: FastAPI, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)
    preview = upload(client, cohort, ROSTER)
    make_user(session, app, username="jgomez", national_id="9999999")  # someone else took the username

    response = confirm(client, cohort, preview)

    assert response.status_code == 422
    assert problem_rows(response) == [("3", "Cédula")]
    assert count(session, CohortMember) == 0 and count(session, ActivationCode) == 0
    session.rollback()
    assert session.exec(select(User).where(User.national_id == "1234567")).first() is None


def test_reimporting_the_same_file_changes_nothing(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)
    confirm(client, cohort, upload(client, cohort, ROSTER))
    session.rollback()
    hashes = {c.user_id: c.code_hash for c in session.exec(select(ActivationCode))}
    users = count(session, User)

    preview = upload(client, cohort, ROSTER)
    response = confirm(client, cohort, preview)

    assert preview.text.count("Ya participa: sin cambios") == 2
    assert response.status_code == 200 and CODE.findall(response.text) == []
    assert count(session, User) == users and count(session, CohortMember) == 2
    assert {c.user_id: c.code_hash for c in session.exec(select(ActivationCode))} == hashes


def test_existing_users_are_matched_by_username_and_by_national_id(
    client: TestClient, session: Session, app: FastAPI, lead: User, cohort: Cohort
) -> None:
    beto = make_user(session, app, username="beto", full_name="Beto Báez")
    carla = make_user(session, app, username="carla.r", national_id="7654321", full_name="Carla Ruiz")
    data = b"usuario,cedula,nombre\nbeto,,Roberto Baez\n,7.654.321,Carla Ruiz\n"
    log_in(client, lead)

    preview = upload(client, cohort, data)
    response = confirm(client, cohort, preview)

    assert "Se agrega la cuenta existente «beto» (por usuario)" in preview.text
    assert "Se agrega la cuenta existente «carla.r» (por cédula)" in preview.text
    assert response.status_code == 200 and CODE.findall(response.text) == []
    assert count(session, ActivationCode) == 0
    assert {m.user_id for m in session.exec(select(CohortMember))} == {beto.id, carla.id}
    assert reload(session, beto).full_name == "Beto Báez"  # existing accounts are never modified
    log_in(client, carla, PASSWORD)


def test_a_username_and_national_id_of_different_people_is_a_row_error(
    client: TestClient, session: Session, app: FastAPI, lead: User, cohort: Cohort
) -> None:
    make_user(session, app, username="beto")
    make_user(session, app, username="carla", national_id="7654321")
    log_in(client, lead)

    response = upload(client, cohort, b"usuario,cedula,nombre\nbeto,7654321,Beto\n")

    assert response.status_code == 422
    assert problem_rows(response) == [("2", "cedula")]
    assert "pertenecen a personas distintas" in response.text


def test_two_rows_for_the_same_existing_person_name_both_rows(
    client: TestClient, session: Session, app: FastAPI, lead: User, cohort: Cohort
) -> None:
    make_user(session, app, username="carla", national_id="7654321")
    log_in(client, lead)

    response = upload(client, cohort, b"usuario,cedula,nombre\ncarla,,Carla\n,7654321,Carla R\n")

    assert problem_rows(response) == [("3", "—")]
    assert "Es la misma persona que la fila 2 (carla)." in response.text


def test_an_unknown_institution_is_a_row_error(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)

    response = upload(
        client,
        cohort,
        b"cedula,nombre,institucion\n1234567,Ana,policia nacional\n2345678,Beto,Fuerza Espacial\n",
    )

    assert problem_rows(response) == [("3", "institucion")]


def test_too_big_and_badly_encoded_uploads_say_what_to_do(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)

    too_big = upload(client, cohort, b"nombre,cedula\n" + b"x" * (300 * 1024))
    latin1 = upload(client, cohort, "nombre,cedula\nJosé,1234567\n".encode("latin-1"))
    empty = upload(client, cohort, b"")

    assert too_big.status_code == 422 and "256 KB" in too_big.text
    assert latin1.status_code == 422 and "UTF-8" in latin1.text and "Guardar como" in latin1.text
    assert empty.status_code == 422 and "Elija un archivo CSV" in empty.text


def test_a_new_code_replaces_the_old_one_and_an_activated_officer_gets_a_recovery_code(
    client: TestClient, session: Session, app: FastAPI, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)
    first = CODE.findall(confirm(client, cohort, upload(client, cohort, ROSTER)).text)[0]
    session.rollback()
    maria = session.exec(select(User).where(User.national_id == "1234567")).one()
    activated = make_user(session, app)
    session.add(CohortMember(cohort_id=cohort.id or 0, user_id=activated.id or 0))
    session.commit()

    response = post(client, f"/cohorts/{cohort.id}/members/{maria.id}/code")
    recovery = post(client, f"/cohorts/{cohort.id}/members/{activated.id}/code")

    second = CODE.findall(response.text)
    assert response.status_code == 200 and len(second) == 1 and second[0] != first
    session.rollback()
    assert session.get(ActivationCode, maria.id).code_hash == activation.hash_code(second[0])  # type: ignore[union-attr]
    (recovery_code,) = CODE.findall(recovery.text)
    assert session.get(ActivationCode, activated.id).code_hash == activation.hash_code(recovery_code)  # type: ignore[union-attr]


def test_the_roster_page_shows_activation_status_and_the_join_code(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)
    confirm(client, cohort, upload(client, cohort, ROSTER))

    page = client.get(f"/cohorts/{cohort.id}/roster")

    assert page.status_code == 200
    assert page.text.count("Sin activar: código válido hasta") == 2
    assert cohort.join_code and cohort.join_code in page.text


def test_the_join_code_can_be_regenerated_and_closed(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    old = cohort.join_code
    log_in(client, lead)

    regenerated = post(client, f"/cohorts/{cohort.id}/join-code", {"action": "new"})
    new = reload(session, cohort).join_code
    closed = post(client, f"/cohorts/{cohort.id}/join-code", {"action": "close"})

    assert regenerated.status_code == 303 and new and new != old
    assert closed.status_code == 303 and reload(session, cohort).join_code is None


def test_another_instructor_gets_404_on_every_roster_route(
    client: TestClient, session: Session, app: FastAPI, lead: User, cohort: Cohort
) -> None:
    member = make_user(session, app)
    session.add(CohortMember(cohort_id=cohort.id or 0, user_id=member.id or 0))
    session.commit()
    log_in(client, make_user(session, app, role=Role.instructor))
    base = f"/cohorts/{cohort.id}"

    assert client.get(f"{base}/roster").status_code == 404
    assert upload(client, cohort, ROSTER).status_code == 404
    assert post(client, f"{base}/roster/import", {"carried": "bm9tYnJlLGNlZHVsYQ=="}).status_code == 404
    assert post(client, f"{base}/members/{member.id}/code").status_code == 404
    assert post(client, f"{base}/join-code", {"action": "close"}).status_code == 404
    assert count(session, User) == 3 and reload(session, cohort).join_code is not None


def test_roster_changes_need_the_csrf_token(
    client: TestClient, session: Session, lead: User, cohort: Cohort
) -> None:
    log_in(client, lead)
    preview = upload(client, cohort, ROSTER)
    carried = re.search(r'name="carried" value="([^"]*)"', preview.text).group(1)  # type: ignore[union-attr]

    no_token_preview = client.post(
        f"/cohorts/{cohort.id}/roster/preview", files={"file": ("roster.csv", ROSTER, "text/csv")}
    )
    no_token_import = client.post(f"/cohorts/{cohort.id}/roster/import", data={"carried": carried})
    no_token_join_code = client.post(f"/cohorts/{cohort.id}/join-code", data={"action": "close"})

    assert [no_token_preview.status_code, no_token_import.status_code, no_token_join_code.status_code] == [
        403
    ] * 3
    assert count(session, CohortMember) == 0
    session.rollback()
    assert (
        session.exec(select(func.count()).select_from(User).where(col(User.national_id) == "1234567")).one()
        == 0
    )
