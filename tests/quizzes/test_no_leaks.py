"""Canaries: no feedback, accepted answer, guidance or correct-option marker reaches an officer before
finishing, and afterwards only what the quiz's review settings allow."""

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.accounts.models import Role, User
from app.courses import catalog
from app.learning import service as learning
from tests.factories import csrf_from, log_in, make_cohort, make_user
from tests.quizzes.canary import ACCEPTED, GUIDANCE, SECRETS, canary_course
from tests.quizzes.flow import (
    OPEN_TEXT,
    finish,
    load_courses,
    option_values,
    questions_of,
    right_form,
    save,
    slots,
    start,
)

# What names a correct answer. The review's per-question mark ("✓ Correcta", "✗ Incorrecta") is not
# here: it follows the score setting and says no more than the question's points do.
CORRECT_MARKUP = [
    "(correcta)",
    "correcta:",
    "Correcta:",
    "Respuestas aceptadas",
    "Respuesta correcta",
    "(correct)",
    "correct answer",
]


@pytest.fixture
def course(session: Session, tmp_path: Path) -> catalog.Course:
    return load_courses(session, canary_course(tmp_path))


@pytest.fixture
def officer(session: Session, app: FastAPI, course: catalog.Course) -> User:
    user = make_user(session, app)
    learning.enroll(session, user, "mini")
    session.commit()
    return user


def _text(response: Response) -> str:
    """Everything the browser receives: status line, headers and body."""
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return f"{response.status_code}\n{headers}\n{response.text}"


def _leaks(responses: list[Response], secrets: list[str]) -> list[tuple[str, str]]:
    return [(secret, str(r.request.url)) for r in responses for secret in secrets if secret in _text(r)]


def _before_finishing(
    app: FastAPI, client: TestClient, session: Session, course: catalog.Course, quiz: str
) -> tuple[int, list[Response]]:
    """Every response an officer gets from opening the quiz to the confirmation page, saving right answers."""
    responses = [
        client.get(f"/courses/mini/{quiz}"),
        client.get(f"/quizzes/mini/{quiz}"),
        client.post(f"/quizzes/mini/{quiz}/start", data={"csrf_token": csrf_from(client)}),
    ]
    attempt_id = int(responses[-1].headers["location"].rsplit("/", 1)[1])
    questions = questions_of(course, quiz)
    for slot in slots(session, attempt_id):
        question = questions[slot.question_id]
        responses.append(client.get(f"/attempts/{attempt_id}?q={slot.position}"))
        form = right_form(question, slot, app.state.secret_key)
        responses.append(save(client, attempt_id, slot.position, form))
        responses.append(
            save(client, attempt_id, slot.position, {**form, "go": str(slot.position)}, htmx=False)
        )
        if question.type in ("short", "numeric"):  # the player shows typed answers again: type a wrong one
            save(client, attempt_id, slot.position, "otra cosa")
        responses.append(
            client.get(f"/attempts/{attempt_id}?q={slot.position}")
        )  # the saved answer shown again
    responses += [
        client.get(f"/attempts/{attempt_id}"),
        save(client, attempt_id, 0, "not-a-token"),
        save(client, attempt_id, 999, "x"),
        save(client, attempt_id, 999, "x", htmx=False),
        client.post(f"/attempts/{attempt_id}/answers/0", data={"response": "x"}),  # no CSRF token
        client.get(f"/attempts/{attempt_id}/review"),
        client.get(f"/attempts/{attempt_id}/finish"),
        client.get(f"/quizzes/mini/{quiz}"),
        client.get("/learn/mini/continue"),
        client.get("/courses/mini"),
    ]
    return attempt_id, responses


@pytest.mark.parametrize("quiz", ["control-basico", "final"])
def test_nothing_secret_reaches_the_officer_before_finishing(
    app: FastAPI, client: TestClient, session: Session, officer: User, course: catalog.Course, quiz: str
) -> None:
    log_in(client, officer)

    _, responses = _before_finishing(app, client, session, course, quiz)

    assert _leaks(responses, SECRETS + CORRECT_MARKUP) == []
    assert {r.status_code for r in responses} <= {200, 303, 403, 404, 422}  # 422: the made-up token


@pytest.mark.parametrize("quiz", ["control-basico", "final"])
def test_option_tokens_are_opaque_and_options_look_alike(
    client: TestClient, session: Session, officer: User, quiz: str
) -> None:
    log_in(client, officer)
    attempt_id = start(client, quiz)
    pages = [client.get(f"/attempts/{attempt_id}?q={s.position}").text for s in slots(session, attempt_id)]

    values = [option_values(page) for page in pages]
    choices = [v for page_values in values for v in page_values if v not in ("true", "false")]
    selects = [re.findall(r'<option value="([^"]+)"', page) for page in pages]

    assert choices and all(re.fullmatch(r"[0-9a-f]{12}", v) for v in choices)
    assert len(set(choices)) == len(choices)  # no token repeats across questions
    assert all(re.fullmatch(r"[0-9a-f]{12}", v) for page in selects for v in page)
    for page in pages:  # right and wrong options differ only in their token and text
        inputs = {
            re.sub(r'value="[^"]*"', "", tag)
            for tag in re.findall(r"<input [^>]*>", page)
            if 'name="response"' in tag and ('type="radio"' in tag or 'type="checkbox"' in tag)
        }
        assert len(inputs) <= 1


def test_tokens_differ_between_attempts_of_the_same_quiz(client: TestClient, officer: User) -> None:
    log_in(client, officer)
    first = start(client)
    first_tokens = option_values(client.get(f"/attempts/{first}?q=0").text)
    finish(client, first)
    second = start(client)

    second_tokens = option_values(client.get(f"/attempts/{second}?q=0").text)

    assert len(first_tokens) == 2 and not set(first_tokens) & set(second_tokens)


def test_after_the_only_attempt_of_final_the_review_shows_score_and_feedback_but_never_correct_answers(
    app: FastAPI, client: TestClient, session: Session, officer: User, course: catalog.Course
) -> None:
    log_in(client, officer)
    attempt_id = start(client, "final")
    questions = questions_of(course, "final")
    drawn = slots(session, attempt_id)
    for slot in drawn:  # choices answered right; typed answers left blank, so the page can't echo them
        question = questions[slot.question_id]
        if question.type in ("single", "multiple", "true_false", "matching", "open"):
            save(client, attempt_id, slot.position, right_form(question, slot, app.state.secret_key))
    finish(client, attempt_id)

    page = client.get(f"/attempts/{attempt_id}/review").text

    general = {
        "edad-nino": "CANARY-BANK-FEEDBACK-1",
        "formas": "CANARY-BANK-FEEDBACK-2",
        "pares": "CANARY-BANK-FEEDBACK-3",
        "plan": "CANARY-BANK-FEEDBACK-4",
    }
    expected = [text for qid, text in general.items() if qid in {s.question_id for s in drawn}]
    assert all(text in page for text in expected + ["CANARY-GIFT-3", "CANARY-GIFT-2", "CANARY-GIFT-5"])
    assert "Su intento tiene respuestas abiertas" in page and "Puntaje:" in page  # score: after the attempt
    assert [m for m in CORRECT_MARKUP + ACCEPTED + [GUIDANCE] if m in page] == []
    assert OPEN_TEXT in page


def test_the_grading_guidance_is_for_the_instructor_only(
    app: FastAPI, client: TestClient, session: Session, officer: User
) -> None:
    grader = make_user(session, app, role=Role.instructor)
    make_cohort(session, grader, members=[officer])
    log_in(client, officer)
    attempt_id = start(client, "final")
    open_slots = [s for s in slots(session, attempt_id) if s.question_id in ("plan", "reflexion")]
    for slot in open_slots:
        save(client, attempt_id, slot.position, OPEN_TEXT)
    finish(client, attempt_id)
    officer_pages = [
        client.get(f"/attempts/{attempt_id}/review"),
        client.get("/quizzes/mini/final"),
        client.get("/grading"),
    ]

    with TestClient(app, follow_redirects=False) as instructor:
        log_in(instructor, grader)
        queue = instructor.get("/grading").text

    assert _leaks(officer_pages, [GUIDANCE]) == [] and officer_pages[-1].status_code == 403
    assert (GUIDANCE in queue) == any(s.question_id == "plan" for s in open_slots)
    assert queue.count(OPEN_TEXT) == len(open_slots)
