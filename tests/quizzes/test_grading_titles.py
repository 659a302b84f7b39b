"""The grading queue names the course and the quiz by their titles, not their ids."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.courses import catalog
from tests.cohorts.test_course_titles import shown
from tests.factories import log_in, make_cohort, make_user
from tests.quizzes.flow import answer_all_right, finish, start


def test_the_grading_queue_names_course_and_quiz_by_title(
    app: FastAPI, client: TestClient, session: Session, officer: User, mini: catalog.Course
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    make_cohort(session, instructor, members=[officer])
    log_in(client, officer)
    attempt_id = start(client, "final")
    answer_all_right(client, app, session, mini, attempt_id, "final")
    finish(client, attempt_id)
    log_in(client, instructor)

    text = shown(client.get("/grading").text)

    quiz_title = mini.item("final").title.get("es")  # type: ignore[union-attr]
    assert f"Curso mínimo / {quiz_title}" in text
    assert "mini / final" not in text
