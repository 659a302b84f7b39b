"""The optional sex field: on the profile and in the roster CSV, with "not stated" when absent."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role, Sex, User
from app.cohorts.roster.parsing import parse
from tests.cohorts.test_roster_import import confirm, upload
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user, post, reload


def test_roster_reads_a_sexo_column_in_the_ways_people_write_it() -> None:
    data = (
        "nombre;cedula;sexo\nAna;1111;F\nLuis;2222;masculino\nRo;3333;\nEli;4444;No declarado\n"
        "Mar;5555;Mujer\n"
    )

    result = parse(data.encode())

    assert result.ok, result.problems
    assert [row.sex for row in result.rows] == ["female", "male", None, None, "female"]


def test_roster_names_an_unknown_sex_by_row_and_column() -> None:
    result = parse(b"nombre,cedula,sexo\nAna,1111,x\n")

    assert [(p.row, p.column) for p in result.problems] == [(2, "sexo")]
    assert "F, M" in result.problems[0].message


def test_officer_states_or_withdraws_their_sex_on_the_profile(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    officer = make_user(session, app)
    log_in(client, officer)

    stated = post(client, "/profile/sex", {"sex": "female"})
    after_stating = reload(session, officer).sex
    bad = post(client, "/profile/sex", {"sex": "other-value"})
    withdrawn = post(client, "/profile/sex", {"sex": ""})

    assert stated.status_code == 303 and after_stating == Sex.female
    assert bad.status_code == 422 and "Elija una opción" in bad.text
    assert withdrawn.status_code == 303 and reload(session, officer).sex is None
    assert "No declarado" in client.get("/profile").text


def test_a_roster_import_records_each_new_officers_stated_sex(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    lead = make_user(session, app, role=Role.instructor)
    cohort = make_cohort(session, lead)
    log_in(client, lead)
    data = "nombre;cedula;sexo\nAna Ruiz;1111111;F\nRo Díaz;2222222;\n".encode()

    preview = upload(client, cohort, data)
    assert confirm(client, cohort, preview).status_code == 200  # the page of activation codes

    session.rollback()
    found = {u.full_name: u.sex for u in session.exec(select(User).where(col(User.national_id).is_not(None)))}
    assert found == {"Ana Ruiz": Sex.female, "Ro Díaz": None}
