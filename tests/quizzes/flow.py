"""Steps of taking a quiz through HTTP, shared by the quiz and learning tests."""

import re
import shutil
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.courses import catalog, drawing, schema
from app.courses import service as course_service
from app.quizzes import grading, player
from app.quizzes.models import Answer, AttemptSlot, QuizAttempt
from tests.conftest import FIXTURES
from tests.factories import csrf_from

OPEN_TEXT = "Primero aviso a la fiscalía y protejo a la víctima."


def load_courses(session: Session, root: Path = FIXTURES / "courses", slug: str = "mini") -> catalog.Course:
    """Load (and publish) the courses under `root`; the published content of `slug`."""
    _, problems = course_service.load_directory(session, root)
    session.commit()
    assert problems == [], problems
    return course_service.published(session, slug)[1]


def copy_mini(tmp_path: Path) -> Path:
    """A courses root holding an editable copy of the `mini` fixture course."""
    root = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses" / "mini", root / "mini")
    return root


def start(client: TestClient, quiz: str = "control-basico", slug: str = "mini") -> int:
    response = client.post(f"/quizzes/{slug}/{quiz}/start", data={"csrf_token": csrf_from(client)})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def option_values(page: str) -> list[str]:
    return re.findall(r'name="response" value="([^"]+)"', page)


def tokens(client: TestClient, attempt_id: int, position: int) -> list[str]:
    return option_values(client.get(f"/attempts/{attempt_id}?q={position}").text)


def save(
    client: TestClient, attempt_id: int, position: int, data: dict[str, Any] | str, *, htmx: bool = True
) -> Response:
    form = {"response": data} if isinstance(data, str) else data
    headers = {"X-CSRF-Token": csrf_from(client)}
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(f"/attempts/{attempt_id}/answers/{position}", data=form, headers=headers)


def finish(client: TestClient, attempt_id: int) -> Response:
    return client.post(f"/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(client)})


def slots(session: Session, attempt_id: int) -> list[AttemptSlot]:
    session.rollback()
    return list(
        session.exec(
            select(AttemptSlot)
            .where(AttemptSlot.attempt_id == attempt_id)
            .order_by(col(AttemptSlot.position))
        )
    )


def questions_of(course: catalog.Course, quiz_id: str) -> dict[str, schema.Question]:
    item = course.item(quiz_id)
    assert item is not None and item.quiz is not None
    return drawing.question_index(item.quiz, course.banks)


def right_form(question: schema.Question, slot: AttemptSlot, secret: str) -> dict[str, Any]:
    """The form fields that earn the question's full points (open: a text for the instructor)."""

    def token(index: int) -> str:
        return player.token(secret, slot.attempt_id, slot.position, index)

    if isinstance(question, schema.SingleChoice | schema.MultipleResponse):
        right = grading.correct_answer(question)["options"]
        return {"response": token(right[0]) if question.type == "single" else [token(i) for i in right]}
    if isinstance(question, schema.TrueFalse):
        return {"response": "true" if question.answer else "false"}
    if isinstance(question, schema.Matching):
        return {f"match-{i}": token(i) for i in range(len(question.pairs))}
    if isinstance(question, schema.ShortAnswer):
        return {"response": next(a.text for a in question.answers if a.weight == 100)}
    if isinstance(question, schema.Numeric):
        return {"response": str(next(a.value for a in question.answers if a.weight == 100))}
    return {"response": OPEN_TEXT}


def answer_all_right(
    client: TestClient, app: FastAPI, session: Session, course: catalog.Course, attempt_id: int, quiz_id: str
) -> list[AttemptSlot]:
    """Save the right answer at every position of the attempt; its slots."""
    found = slots(session, attempt_id)
    questions = questions_of(course, quiz_id)
    for slot in found:
        response = save(
            client,
            attempt_id,
            slot.position,
            right_form(questions[slot.question_id], slot, app.state.secret_key),
        )
        assert response.status_code == 200, response.text
    return found


def answer_rows(session: Session, attempt_id: int) -> dict[int, Answer]:
    session.rollback()
    return {a.position: a for a in session.exec(select(Answer).where(Answer.attempt_id == attempt_id))}


def attempt_row(session: Session, attempt_id: int) -> QuizAttempt:
    session.rollback()
    found = session.get(QuizAttempt, attempt_id)
    assert found is not None
    session.refresh(found)
    return found
