"""No input reaches a 500: unstorable characters are refused at the edge, ids beyond a column are 404."""

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import spreadsheets
from app.accounts.models import Role
from app.inputs import DB_INT_MAX
from app.main import walk_routes
from app.web import safe_next
from tests.factories import PASSWORD, csrf_from, log_in, make_user

HUGE = "99999999999999999999999"


def test_a_nul_in_the_login_form_is_refused_with_a_message_not_a_500(client: TestClient) -> None:
    response = client.post(
        "/login",
        content=f"username=adm%00in&password=x&csrf_token={csrf_from(client)}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 422
    assert "caracteres no permitidos" in response.text and "Traceback" not in response.text


def test_a_nul_in_a_path_is_refused(client: TestClient) -> None:
    response = client.get("/verify/AAAAAAAAAAAAAAAAAAAA%00AAA/credential.json")

    assert response.status_code == 422 and "caracteres no permitidos" in response.text


def test_a_nul_or_control_character_in_a_query_string_is_refused(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    assert client.get("/admin/users?q=ana%00").status_code == 422
    assert client.get("/admin/users?q=ana%1b").status_code == 422
    assert client.get("/admin/users?q=Ña%C3%B1a").status_code == 200  # accents are text, not controls


def test_a_nul_in_a_multipart_upload_is_refused(client: TestClient, session: Session, app: FastAPI) -> None:
    log_in(client, make_user(session, app, role=Role.instructor))

    response = client.post(
        "/cohorts/1/roster/preview",
        data={"csrf_token": csrf_from(client, "/")},
        files={"file": ("roster.csv", b"name\nAna\x00\n", "text/csv")},
    )

    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        f"/attempts/{HUGE}",
        f"/cohorts/{HUGE}",
        f"/admin/users/{HUGE}",
        f"/admin/certificates/{HUGE}",
        "/admin/users/2147483648",
        "/admin/users/-99999999999999999999",
        f"/cohorts/1/sessions/{HUGE}",
    ],
)
def test_an_id_beyond_the_column_is_404_and_the_next_request_still_works(
    client: TestClient, session: Session, app: FastAPI, path: str
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get(path)

    assert response.status_code == 404 and "Traceback" not in response.text
    assert client.get("/").status_code == 200


def test_the_largest_id_the_column_holds_is_an_ordinary_404(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    assert client.get("/admin/users/2147483647").status_code == 404


def test_a_huge_id_in_a_form_field_is_refused_not_a_500(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.post(
        "/admin/institutions",
        data={"name": "X Y", "institution_id": HUGE, "csrf_token": csrf_from(client, "/")},
    )

    assert response.status_code in (404, 422)


@pytest.mark.parametrize("cell", ["\x00=cmd|' /C calc'!A0", "\x01+1", "\x7f@SUM(A1)"])
def test_csv_cells_starting_with_a_control_character_are_neutralised(cell: str) -> None:
    assert spreadsheets.neutralise(cell) == "'" + cell.lstrip("\x00\x01\x7f")


def test_control_characters_inside_a_csv_cell_are_dropped() -> None:
    assert spreadsheets.neutralise("Ana\x00 Ro\x1bjas") == "Ana Rojas"


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/\n/evil.example",
        "https://evil.example/",
        "/ /evil.example",
        "/%0a",
        "javascript:alert(1)",
    ],
)
def test_next_accepts_only_plain_same_site_paths(target: str) -> None:
    assert safe_next(target) is None or target == "/%0a"  # percent-encoded stays encoded: a plain path


def test_next_keeps_an_ordinary_path_with_its_query() -> None:
    assert safe_next("/cohorts/3/dashboard?course=mini") == "/cohorts/3/dashboard?course=mini"


def test_htmx_login_never_redirects_off_site(client: TestClient, session: Session, app: FastAPI) -> None:
    user = make_user(session, app)

    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "next": "/\t/evil.example",
            "csrf_token": csrf_from(client),
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith("/")
    assert "evil" not in response.headers["HX-Redirect"]


def _integer_fields(app: FastAPI) -> list[tuple[str, str, object]]:
    found = []
    for route in _api_routes(app):
        for field in route.dependant.query_params + route.dependant.body_params:
            annotation = field.field_info.annotation
            if annotation in (int, int | None):
                found.append((route.path, field.name, field.field_info))
    return found


def _api_routes(app: FastAPI) -> list[APIRoute]:
    return [route for route in walk_routes(app.routes) if isinstance(route, APIRoute)]


def test_every_integer_query_or_form_field_that_reaches_a_query_is_bounded_by_the_column(
    app: FastAPI,
) -> None:
    unbounded = []
    for path, name, info in _integer_fields(app):
        limits = [m.le for m in info.metadata if hasattr(m, "le")] + [
            m.lt for m in info.metadata if hasattr(m, "lt")
        ]
        clamped = (path, name) in CLAMPED  # the route clamps it to a page count before any query
        if not clamped and not any(limit is not None and limit <= DB_INT_MAX + 1 for limit in limits):
            unbounded.append(f"{path} {name}")

    assert unbounded == []


CLAMPED = {("/cascade", "page")}
