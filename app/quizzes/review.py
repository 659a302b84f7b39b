"""What an officer may see after an attempt: score, feedback, correct answers, per the quiz settings."""

import json
from dataclasses import dataclass
from typing import Any

from app.courses.schema import Question, Quiz, ReviewWhen, Text
from app.quizzes import grading
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt


@dataclass(frozen=True)
class Visibility:
    score: bool
    feedback: bool
    correct_answers: bool


def _allowed(when: ReviewWhen, finished: bool, all_done: bool) -> bool:
    if when is ReviewWhen.after_attempt:
        return finished
    if when is ReviewWhen.after_last_attempt:
        return finished and all_done
    return False


def visibility(quiz: Quiz, attempt: QuizAttempt, history: list[QuizAttempt]) -> Visibility:
    """Nothing before the attempt is finished; afterwards, what the review settings allow."""
    finished = attempt.state == AttemptState.finished
    used_up = bool(quiz.attempts) and sum(a.state == AttemptState.finished for a in history) >= quiz.attempts
    all_done = used_up or any(a.passed for a in history)
    return Visibility(
        score=_allowed(quiz.review.score, finished, all_done),
        feedback=_allowed(quiz.review.feedback, finished, all_done),
        correct_answers=_allowed(quiz.review.correct_answers, finished, all_done),
    )


@dataclass(frozen=True)
class Scores:
    """What the quiz's overview may show: each attempt's score, and the grade that counts."""

    shown: dict[int, bool]  # attempt id -> its score may be shown
    final: float | None  # only when every finished attempt's score may be shown


def scores(quiz: Quiz, history: list[QuizAttempt]) -> Scores:
    finished = [a.percent for a in history if a.state == AttemptState.finished and a.percent is not None]
    shown = {a.id or 0: visibility(quiz, a, history).score for a in history}
    every_one = all(
        shown[a.id or 0] for a in history if a.state == AttemptState.finished and a.percent is not None
    )
    return Scores(shown, grading.final_grade(quiz.grading, finished) if every_one else None)


@dataclass(frozen=True)
class Row:
    """One question of a finished attempt as the review page may show it."""

    position: int
    question: Question
    order: list[int]
    response: Any
    fraction: float | None  # None: hidden, or waiting for an instructor
    pending: bool
    correct: dict[str, Any] | None  # None: hidden
    feedback: list[Text]  # empty when hidden
    comment: str

    @property
    def mark(self) -> str | None:
        """right, partial or wrong; None while the score is hidden or an instructor has yet to mark it."""
        return None if self.pending else mark(self.fraction)

    @property
    def unanswered(self) -> bool:
        return self.response is None


def mark(fraction: float | None) -> str | None:
    """A share of the points as a mark: all of them right, some partial, none wrong (None: not shown)."""
    if fraction is None:
        return None
    if fraction >= 1 - grading.EPSILON:
        return "right"
    return "partial" if fraction > grading.EPSILON else "wrong"


def rows(
    slots: list[AttemptSlot], answers: dict[int, Answer], questions: dict[str, Question], shown: Visibility
) -> list[Row]:
    """Each question with only the parts the review settings allow."""
    result = []
    for slot in slots:
        question = questions[slot.question_id]
        answer = answers.get(slot.position)
        response = json.loads(answer.response) if answer else None
        pending = answer is not None and question.type == "open" and answer.fraction is None
        feedback = (
            ([question.feedback] if question.feedback else []) + grading.feedback_for(question, response)
            if shown.feedback
            else []
        )
        result.append(
            Row(
                slot.position,
                question,
                json.loads(slot.option_order),
                response,
                answer.fraction if answer and shown.score else (0.0 if shown.score else None),
                pending,
                grading.correct_answer(question) if shown.correct_answers else None,
                feedback,
                answer.comment if answer and shown.feedback else "",
            )
        )
    return result
