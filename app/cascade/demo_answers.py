"""Demo quiz attempts with real answers: the questions drawn as a real attempt draws them, each answered
right or wrong by chance (more often right for a stronger learner), and scored by the real grading, so
the item analysis of the demo cohorts shows figures. Pure: a seeded random generator in, rows out."""

import json
import random
from dataclasses import dataclass
from typing import Any

from app.courses import drawing, schema
from app.quizzes import grading


@dataclass(frozen=True)
class DemoAttempt:
    slots: list[dict[str, Any]]  # AttemptSlot values, without attempt_id
    answers: list[dict[str, Any]]  # Answer values, without attempt_id
    percent: float


def attempt(quiz: schema.Quiz, banks: drawing.Banks, rng: random.Random, skill: float) -> DemoAttempt:
    """One finished attempt: each question answered right with probability `skill`."""
    index = drawing.question_index(quiz, banks)
    slots, answers, scores = [], [], []
    for position, slot in enumerate(drawing.draw(quiz, banks, rng)):
        question = index[slot.question_id]
        given = response(question, rng.random() < skill, rng)
        fraction = grading.score(question, given)
        if fraction is None:  # an open response, as an instructor would have marked it
            fraction = rng.choice([0.5, 1.0, 1.0])
        slots.append(
            {
                "position": position,
                "question_id": slot.question_id,
                "option_order": json.dumps(list(slot.option_order)),
                "points": 1.0,
            }
        )
        answers.append(
            {"position": position, "response": json.dumps(given, ensure_ascii=False), "fraction": fraction}
        )
        scores.append((1.0, fraction))
    return DemoAttempt(slots, answers, grading.attempt_percent(scores) or 0.0)


def response(question: schema.Question, right: bool, rng: random.Random) -> Any:
    """A response in the stored JSON form: the correct one, or a plausible wrong one."""
    correct = grading.correct_answer(question)
    if isinstance(question, schema.SingleChoice):
        wrong = [i for i in range(len(question.options)) if i not in correct["options"]]
        return correct["options"][0] if right or not wrong else rng.choice(wrong)
    if isinstance(question, schema.MultipleResponse):
        if right:
            return correct["options"]
        others = [i for i in range(len(question.options)) if i not in correct["options"]]
        return sorted(set(correct["options"][:1] + rng.sample(others, min(1, len(others)))))
    if isinstance(question, schema.TrueFalse):
        return question.answer if right else not question.answer
    if isinstance(question, schema.Matching):
        size = len(question.pairs)
        pairs = {str(i): i for i in range(size)}
        if not right:
            pairs["0"], pairs["1"] = 1, 0
        return pairs
    if isinstance(question, schema.ShortAnswer):
        return correct["answers"][0] if right else "No sé"
    if isinstance(question, schema.Numeric):
        value, tolerance = correct["values"][0]
        return f"{value:g}" if right else f"{value + 10 * tolerance + abs(value) + 1:g}"
    return "Explicaría el caso a mis colegas con un ejemplo del departamento."
