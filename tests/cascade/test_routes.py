"""The cascade pages and CSV through the real app: who sees what, the counts on a three-generation example."""

import csv
import io
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.cohorts.models import Cohort
from app.cohorts.trainers import certification as trainers
from app.courses import service as course_service
from app.learning import service as learning
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.factories import certify_trainer, load_fixture_courses, log_in, make_cohort, make_user


class _Tables(HTMLParser):
    """The text of each cell, row by row, of every table with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id")
            if self._table:
                self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@dataclass
class Example:
    admin: User
    instructor: User
    t1: User
    t2: User
    t3: User
    officer: User
    g1: Cohort
    g2a: Cohort
    g2b: Cohort
    g3: Cohort


def _pass_every_quiz(session: Session, user: User, slug: str, only: str | None = None) -> None:
    version, course = course_service.published(session, slug)
    for item in course.items():
        if item.kind == "quiz" and only in (None, item.id):
            session.add(
                QuizAttempt(
                    user_id=user.id or 0,
                    course_slug=slug,
                    quiz_id=item.id,
                    version_id=version.id or 0,
                    number=1,
                    max_attempts=0,
                    state=AttemptState.finished,
                    finished_at=utcnow(),
                    percent=100,
                    passed=True,
                )
            )


@pytest.fixture
def example(session: Session, app: FastAPI) -> Example:
    """G1 (ISEPOL, asuncion, ToT) certifies t1, t2; t1 leads G2a (itapua, ToT) which certifies t3;
    t2 leads G2b (boqueron); t3 leads G3 (itapua). o1 is in G2a and G3; o4 completes and passes G3."""
    load_fixture_courses(session)
    admin = make_user(session, app, role=Role.admin)
    instructor = make_user(session, app, role=Role.instructor, full_name="Instructora ISEPOL")
    t1, t2, t3, x1 = (
        make_user(session, app, full_name=name)
        for name in ("Ana Gauto", "Blas Rojas", "Carla Duarte", "Dario Sosa")
    )
    o1, o2, o3, o4 = (make_user(session, app, full_name=f"Oficial {n}") for n in range(1, 5))
    tot = ("mini-formadores", "mini")
    g1 = make_cohort(
        session, instructor, courses=tot, department="asuncion", members=[t1, t2, x1], name="G1 Asunción"
    )
    certify_trainer(session, t1, g1, instructor)
    certify_trainer(session, t2, g1, instructor)
    g2a = make_cohort(session, t1, courses=tot, department="itapua", members=[t3, o1], name="G2a Itapúa")
    certify_trainer(session, t3, g2a, t1)
    g2b = make_cohort(session, t2, department="boqueron", members=[o2, o3], name="G2b Boquerón")
    g3 = make_cohort(session, t3, department="itapua", members=[o4, o1], name="G3 Encarnación")
    enrolment = learning.enrolled(session, o4, "mini")
    enrolment.completed_at = utcnow()
    session.add(enrolment)
    _pass_every_quiz(session, o4, "mini")
    session.commit()
    return Example(admin, instructor, t1, t2, t3, o1, g1, g2a, g2b, g3)


def _figures(rows: list[list[str]]) -> list[list[str]]:
    """Generation table rows without the header: generation, cohorts, trainers, officers, completion, pass."""
    return rows[1:]


def test_admin_sees_every_generation_with_its_counts(client: TestClient, example: Example) -> None:
    log_in(client, example.admin)

    response = client.get("/cascade")

    assert response.status_code == 200
    found = tables(response.text)
    assert _figures(found["generation-table"]) == [
        ["1", "1", "2", "3", "0 %", "0 %"],
        ["2", "2", "1", "4", "0 %", "0 %"],
        ["3", "1", "0", "2", "50 %", "50 %"],
        ["Total", "4", "3", "8", "7 %", "11 %"],
    ]
    by_department = [row[:3] for row in found["department-generation-table"][1:]]
    assert by_department == [
        ["Asunción", "1", "1"],
        ["Itapúa", "2", "1"],
        ["Itapúa", "3", "1"],
        ["Boquerón", "2", "1"],
    ]
    for cohort in (example.g1, example.g2a, example.g2b, example.g3):
        assert cohort.name in response.text


def test_a_trainer_sees_only_the_tree_under_their_own_cohorts(client: TestClient, example: Example) -> None:
    log_in(client, example.t1)

    page = client.get("/cascade")
    rows = csv_rows(client.get("/cascade.csv").text)

    assert page.status_code == 200
    assert _figures(tables(page.text)["generation-table"]) == [
        ["2", "1", "1", "2", "0 %", "0 %"],
        ["3", "1", "0", "2", "50 %", "50 %"],
        ["Total", "2", "1", "3", "17 %", "25 %"],
    ]
    assert example.g2a.name in page.text and example.g3.name in page.text
    assert example.g1.name not in page.text and example.g2b.name not in page.text
    assert [row[1] for row in rows[1:]] == [example.g2a.name, example.g3.name]
    assert client.get(f"/cascade/cohorts/{example.g3.id}").status_code == 200
    assert client.get(f"/cascade/cohorts/{example.g2b.id}").status_code == 404
    assert client.get(f"/cascade/cohorts/{example.g1.id}").status_code == 404


def test_officers_without_a_certification_get_403_everywhere(client: TestClient, example: Example) -> None:
    log_in(client, example.officer)

    for path in (
        "/cascade",
        "/cascade.csv",
        f"/cascade/cohorts/{example.g3.id}",
        "/cascade/departments",
        "/cascade/departments/itapua",
    ):
        assert client.get(path).status_code == 403, path


def test_the_department_views_are_open_to_trainers_for_their_own_part(
    client: TestClient, example: Example
) -> None:
    for trainer in (example.instructor, example.t1):
        log_in(client, trainer)
        tree_page = client.get("/cascade")
        overview = client.get("/cascade/departments")
        assert tree_page.status_code == overview.status_code == 200
        assert client.get("/cascade/departments/itapua").status_code == 200
        total = tables(overview.text)["department-table"][-1]
        assert total[0] == "Total"


def test_csv_has_one_row_per_cohort_equal_to_the_department_table(
    client: TestClient, example: Example
) -> None:
    log_in(client, example.admin)

    response = client.get("/cascade.csv")
    rows = csv_rows(response.text)
    page = client.get("/cascade/departments/itapua")

    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert rows[0][:3] == ["Generación", "Cohorte", "Departamento"]
    assert [row[1] for row in rows[1:]] == [
        example.g1.name,
        example.g2a.name,
        example.g3.name,
        example.g2b.name,
    ]
    itapua_csv = [
        [r[0], r[1], r[3], r[4], r[5], r[6], f"{r[7]} %" if r[7] else "—", f"{r[8]} %" if r[8] else "—"]
        for r in rows[1:]
        if r[2] == "Itapúa"
    ]
    assert itapua_csv == tables(page.text)["cohort-table"][1:]
    assert itapua_csv == [
        ["2", "G2a Itapúa", "Ana Gauto", "G1 Asunción", "2", "1", "0 %", "0 %"],
        ["3", "G3 Encarnación", "Carla Duarte", "G2a Itapúa", "2", "0", "50 %", "50 %"],
    ]


def test_csv_neutralises_cells_a_spreadsheet_would_run(
    client: TestClient, session: Session, app: FastAPI, example: Example
) -> None:
    make_cohort(session, example.instructor, name='=HYPERLINK("http://x","y")', department="guaira")
    make_cohort(session, example.instructor, name="@SUM(1)", department="guaira")
    log_in(client, example.admin)

    rows = csv_rows(client.get("/cascade.csv").text)

    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x","y")' in names and "'@SUM(1)" in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_department_page_lists_cohorts_and_trainers_and_a_revocation_shows(
    client: TestClient, session: Session, example: Example
) -> None:
    log_in(client, example.admin)
    trainer_rows = tables(client.get("/cascade/departments/itapua").text)["trainer-table"][1:]
    assert trainer_rows == [["Carla Duarte", "G2a Itapúa", "1", "Vigente"]]

    for certification in trainers.active_certifications(session, example.t3.id or 0):
        trainers.revoke(session, certification.id or 0, "Prueba", actor=example.admin)
    session.commit()

    trainer_rows = tables(client.get("/cascade/departments/itapua").text)["trainer-table"][1:]
    generations = tables(client.get("/cascade").text)["generation-table"]
    assert trainer_rows == [["Carla Duarte", "G2a Itapúa", "1", "Revocada"]]
    assert generations[2][:3] == ["2", "2", "0 (+1 revocado)"]
    assert generations[3][:2] == ["3", "1"]  # the revoked trainer's cohort stays in the tree


def test_departments_overview_and_unknown_department(client: TestClient, example: Example) -> None:
    log_in(client, example.admin)

    overview = tables(client.get("/cascade/departments").text)["department-table"]

    assert [row[:4] for row in overview[1:]] == [
        ["Asunción", "1", "2", "3"],
        ["Itapúa", "2", "1", "3"],
        ["Boquerón", "1", "0", "2"],
        ["Total", "4", "3", "8"],
    ]
    assert client.get("/cascade/departments/atlantida").status_code == 404
    empty = client.get("/cascade/departments/amambay")
    assert empty.status_code == 200 and "Todavía no hay cohortes" in empty.text


def test_a_pass_needs_every_required_quiz_of_every_course_of_the_cohort(
    client: TestClient, session: Session, example: Example
) -> None:
    t3 = example.t3
    o1 = session.get(User, example.officer.id)
    assert o1 is not None
    _pass_every_quiz(
        session, o1, "mini"
    )  # o1: all of mini (G3 passes) but nothing of mini-formadores (G2a not)
    _pass_every_quiz(session, t3, "mini")  # t3: all of mini, one of the two quizzes of mini-formadores
    _pass_every_quiz(session, t3, "mini-formadores", only="final")
    session.add(
        QuizAttempt(
            user_id=t3.id or 0,
            course_slug="mini-formadores",
            quiz_id="control-basico",
            version_id=course_service.published(session, "mini-formadores")[0].id or 0,
            number=1,
            max_attempts=0,
            state=AttemptState.finished,
            percent=20,
            passed=False,
        )
    )
    session.commit()
    log_in(client, example.admin)

    rows = {row[1]: row for row in csv_rows(client.get("/cascade.csv").text)[1:]}

    assert rows[example.g3.name][8] == "100"
    assert rows[example.g2a.name][8] == "0"
    assert rows[example.g2b.name][8] == "0"
