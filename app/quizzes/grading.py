"""Scoring, on the server only: each question type's fraction of points, and the grade that counts."""

import unicodedata
from collections.abc import Sequence
from typing import Any

from app.courses import schema
from app.courses.schema import GradingMethod, Text

EPSILON = 1e-9


def _choice_weights(question: schema.SingleChoice | schema.MultipleResponse) -> list[float]:
    """Percent per option: explicit weights, else single 100/0, multiple +100/k and -100/(n-k)."""
    options = question.options
    correct = sum(1 for o in options if o.correct)
    wrong = len(options) - correct
    weights = []
    for option in options:
        if option.weight is not None:
            weights.append(option.weight)
        elif isinstance(question, schema.SingleChoice):
            weights.append(100.0 if option.correct else 0.0)
        else:
            weights.append(100 / correct if option.correct else (-100 / wrong if wrong else 0.0))
    return weights


def normalize(text: str) -> str:
    """Trimmed, case-folded, without accents and with single spaces: "Ñeembucú " == "neembucu"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def parse_number(text: Any) -> float | None:
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError:
        return None


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def score(question: schema.Question, response: Any) -> float | None:
    """Fraction of the question's points in [0, 1]; None for an answered open response (pending)."""
    if isinstance(question, schema.OpenResponse):
        return None if isinstance(response, str) and response.strip() else 0.0
    if response is None or response == "" or response == [] or response == {}:
        return 0.0
    if isinstance(question, schema.SingleChoice):
        weights = _choice_weights(question)
        return _clamp(weights[response] / 100) if isinstance(response, int) and 0 <= response < len(weights) else 0.0
    if isinstance(question, schema.MultipleResponse):
        weights = _choice_weights(question)
        chosen = {i for i in response if isinstance(i, int) and 0 <= i < len(weights)}
        return _clamp(sum(weights[i] for i in chosen) / 100)
    if isinstance(question, schema.TrueFalse):
        return 1.0 if response is question.answer else 0.0
    if isinstance(question, schema.Matching):
        right = sum(1 for i in range(len(question.pairs)) if response.get(str(i)) == i)
        return right / len(question.pairs)
    if isinstance(question, schema.ShortAnswer):
        given = normalize(str(response))
        return max((a.weight / 100 for a in question.answers if normalize(a.text) == given), default=0.0)
    return _numeric(question, response)


def _numeric(question: schema.Numeric, response: Any) -> float:
    value = parse_number(response)
    if value is None:
        return 0.0
    return max((a.weight / 100 for a in question.answers if abs(value - a.value) <= a.tolerance + EPSILON),
               default=0.0)


def feedback_for(question: schema.Question, response: Any) -> list[Text]:
    """The option or answer feedback that applies to this response, for the review page."""
    found: list[Text | None] = []
    if isinstance(question, schema.SingleChoice) and isinstance(response, int) and 0 <= response < len(
            question.options):
        found.append(question.options[response].feedback)
    elif isinstance(question, schema.MultipleResponse) and isinstance(response, list):
        found += [question.options[i].feedback for i in response if 0 <= i < len(question.options)]
    elif isinstance(question, schema.TrueFalse) and isinstance(response, bool):
        found.append(question.feedback_true if response else question.feedback_false)
    elif isinstance(question, schema.ShortAnswer) and isinstance(response, str):
        found += [a.feedback for a in question.answers if normalize(a.text) == normalize(response)]
    elif isinstance(question, schema.Numeric) and (value := parse_number(response)) is not None:
        found += [a.feedback for a in question.answers if abs(value - a.value) <= a.tolerance + EPSILON]
    return [text for text in found if text is not None]


def correct_answer(question: schema.Question) -> dict[str, Any]:
    """What the right answer is, in JSON terms, for the review page."""
    if isinstance(question, schema.SingleChoice | schema.MultipleResponse):
        return {"options": [i for i, w in enumerate(_choice_weights(question)) if w > 0]}
    if isinstance(question, schema.TrueFalse):
        return {"value": question.answer}
    if isinstance(question, schema.Matching):
        return {"pairs": [[i, i] for i in range(len(question.pairs))]}
    if isinstance(question, schema.ShortAnswer):
        return {"answers": [a.text for a in question.answers if a.weight == 100]}
    if isinstance(question, schema.Numeric):
        return {"values": [[a.value, a.tolerance] for a in question.answers if a.weight == 100]}
    return {}


def attempt_percent(scores: Sequence[tuple[float, float | None]]) -> float | None:
    """Percent of points earned, or None while any question waits for an instructor."""
    if any(fraction is None for _, fraction in scores):
        return None
    total = sum(points for points, _ in scores)
    earned = sum(points * (fraction or 0.0) for points, fraction in scores)
    return round(100 * earned / total, 2) if total else 0.0


def final_grade(method: GradingMethod, percents: Sequence[float]) -> float | None:
    """The grade that counts over finished attempts, in the order they were made."""
    if not percents:
        return None
    if method is GradingMethod.highest:
        return round(max(percents), 2)
    if method is GradingMethod.last:
        return round(percents[-1], 2)
    return round(sum(percents) / len(percents), 2)


def passed(percent: float | None, pass_mark: float) -> bool:
    return percent is not None and percent + EPSILON >= pass_mark
