"""Scoring, on the server only: each question type's fraction of points, and the grade that counts."""

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from app.courses import schema
from app.courses.schema import GradingMethod, Text

EPSILON = 1e-9
# A plain decimal number ("12", "-12.5", ".5"); Python's float() would also take "1_8", "1e3", "nan", "inf".
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")

Choice = schema.SingleChoice | schema.MultipleResponse


def _choice_weights(question: Choice) -> list[float]:
    """Percent per option: explicit weights, else single 100/0, multiple +100/k and -100/(n-k)."""
    correct = sum(1 for option in question.options if option.correct)
    wrong = len(question.options) - correct
    return [
        _default_weight(question, option.correct, correct, wrong) if option.weight is None else option.weight
        for option in question.options
    ]


def _default_weight(question: Choice, is_correct: bool, correct: int, wrong: int) -> float:
    """One option's percent when the course file gives no explicit weight."""
    if isinstance(question, schema.SingleChoice):
        return 100.0 if is_correct else 0.0
    if is_correct:
        return 100 / correct
    return -100 / wrong if wrong else 0.0


# A number sign before digits: "N°", "Nº" (º becomes "o" in the compatibility form), "N.º", "Nro.", "No.",
# "Núm.", "número". Only before a digit, so the word "no" stays a word.
_NUMBER_SIGN = re.compile(r"\b(?:numero|num|nro|no|n)\s*\.?\s*[°o]?\s*\.?\s*(?=\d)")
_SPACE_AROUND_PUNCTUATION = re.compile(r"\s*([^\w\s])\s*")
_TRAILING_PUNCTUATION = ".,;:"


def normalize(text: str) -> str:
    """The form in which a typed short answer is compared with the accepted ones.

    In order: Unicode compatibility form (NFKC: full-width digits, the ordinal indicators º/ª become
    o/a), case folded, accents removed (Ñeembucú = neembucu), a number sign before digits removed
    ("Decreto Nº 4951" = "Nro. 4951" = "N° 4951" = "4951"), no spaces around punctuation
    ("4951 / 2005" = "4951/2005"), single spaces, and no full stop or comma at the end.
    """
    compatible = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", compatible)
    plain = " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
    plain = _NUMBER_SIGN.sub("", plain)
    plain = _SPACE_AROUND_PUNCTUATION.sub(r"\1", plain)
    return plain.rstrip(_TRAILING_PUNCTUATION).strip()


def parse_number(text: Any) -> float | None:
    """A typed number with a decimal point or comma ("12", "12.5", "12,5"); None for anything else."""
    if not isinstance(text, str | int | float) or isinstance(text, bool):
        return None
    cleaned = str(text).strip().replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def _is_index(value: Any, size: int) -> bool:
    """An index in range (JSON true/false are not indexes, though Python counts them as ints)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size


def _clamp(value: float) -> float:
    """The value limited to [0, 1]."""
    return max(0.0, min(1.0, value))


def _is_empty(response: Any) -> bool:
    """Whether nothing was answered: None, blank text, or an empty list or mapping."""
    if isinstance(response, str):
        return not response.strip()
    return response is None or response == [] or response == {}


def _score_single(question: schema.SingleChoice, response: Any) -> float:
    """The chosen option's weight as a fraction."""
    weights = _choice_weights(question)
    return _clamp(weights[response] / 100) if _is_index(response, len(weights)) else 0.0


def _score_multiple(question: schema.MultipleResponse, response: Any) -> float:
    """The sum of the chosen options' weights (each counted once) as a fraction, never negative."""
    if not isinstance(response, list):
        return 0.0
    weights = _choice_weights(question)
    chosen = {i for i in response if _is_index(i, len(weights))}
    return _clamp(sum(weights[i] for i in chosen) / 100)


def _score_true_false(question: schema.TrueFalse, response: Any) -> float:
    """Full points for the stated answer, as a JSON boolean."""
    return 1.0 if isinstance(response, bool) and response is question.answer else 0.0


def _matched_right(response: dict[Any, Any], left: int) -> Any:
    """The right-hand index given for a left-hand index, whether the key is an int or its string."""
    return response[left] if left in response else response.get(str(left))


def _score_matching(question: schema.Matching, response: Any) -> float:
    """The share of left-hand items matched to their own right-hand item."""
    if not isinstance(response, dict):
        return 0.0
    size = len(question.pairs)
    right = sum(
        1 for i in range(size) if _is_index(given := _matched_right(response, i), size) and given == i
    )
    return right / size


def _short_matches(question: schema.ShortAnswer, response: Any) -> list[schema.AcceptedAnswer]:
    """The accepted answers equal to the typed text once both are normalised."""
    if not isinstance(response, str):
        return []
    typed = normalize(response)
    return [answer for answer in question.answers if normalize(answer.text) == typed]


def _numeric_matches(question: schema.Numeric, response: Any) -> list[schema.NumericAnswer]:
    """The numeric answers whose tolerance includes the typed number."""
    value = parse_number(response)
    if value is None:
        return []
    return [a for a in question.answers if abs(value - a.value) <= a.tolerance + EPSILON]


def _best_match(question: schema.ShortAnswer | schema.Numeric, response: Any) -> Any:
    """The matched answer with the highest weight (the first on ties), or None."""
    if isinstance(question, schema.ShortAnswer):
        matches: Sequence[Any] = _short_matches(question, response)
    else:
        matches = _numeric_matches(question, response)
    return max(matches, key=lambda answer: answer.weight, default=None)


def _score_typed(question: schema.ShortAnswer | schema.Numeric, response: Any) -> float:
    """The best matched answer's weight as a fraction."""
    best = _best_match(question, response)
    return best.weight / 100 if best else 0.0


_SCORERS: dict[str, Callable[[Any, Any], float]] = {
    "single": _score_single,
    "multiple": _score_multiple,
    "true_false": _score_true_false,
    "matching": _score_matching,
    "short": _score_typed,
    "numeric": _score_typed,
}


def score(question: schema.Question, response: Any) -> float | None:
    """The fraction of points earned in [0, 1], None for an answered open response; never raises."""
    if _is_empty(response):
        return 0.0
    if isinstance(question, schema.OpenResponse):
        return None
    return _SCORERS[question.type](question, response)


def _choice_feedback(question: Choice, response: Any) -> list[Text | None]:
    """The feedback of each chosen option, in the order chosen, each once."""
    chosen = (
        response
        if isinstance(question, schema.MultipleResponse) and isinstance(response, list)
        else [response]
    )
    indexes = dict.fromkeys(i for i in chosen if _is_index(i, len(question.options)))
    return [question.options[i].feedback for i in indexes]


def feedback_for(question: schema.Question, response: Any) -> list[Text]:
    """The option or answer feedback that applies to this response, for the review page."""
    found: list[Text | None] = []
    if isinstance(question, Choice):
        found = _choice_feedback(question, response)
    elif isinstance(question, schema.TrueFalse) and isinstance(response, bool):
        found = [question.feedback_true if response else question.feedback_false]
    elif isinstance(question, schema.ShortAnswer | schema.Numeric):
        best = _best_match(question, response)
        found = [best.feedback] if best else []
    return [text for text in found if text is not None]


def _top(answers: Sequence[schema.AcceptedAnswer | schema.NumericAnswer]) -> list[Any]:
    """The answers with the highest weight: those of weight 100 whenever there is one."""
    top = max(answer.weight for answer in answers)
    return [answer for answer in answers if answer.weight == top]


def correct_answer(question: schema.Question) -> dict[str, Any]:
    """What the right answer is, in JSON terms, for the review page."""
    if isinstance(question, schema.SingleChoice):
        weights = _choice_weights(
            question
        )  # the full-credit option; one with partial credit is not "correct"
        return {"options": [i for i, w in enumerate(weights) if w > 0 and w == max(weights)]}
    if isinstance(question, schema.MultipleResponse):
        return {"options": [i for i, w in enumerate(_choice_weights(question)) if w > 0]}
    if isinstance(question, schema.TrueFalse):
        return {"value": question.answer}
    if isinstance(question, schema.Matching):
        return {"pairs": [[i, i] for i in range(len(question.pairs))]}
    if isinstance(question, schema.ShortAnswer):
        return {"answers": [answer.text for answer in _top(question.answers)]}
    if isinstance(question, schema.Numeric):
        return {"values": [[answer.value, answer.tolerance] for answer in _top(question.answers)]}
    return {}


def attempt_percent(scores: Sequence[tuple[float, float | None]]) -> float | None:
    """Percent of points earned (2 decimals), or None while any question waits for an instructor."""
    if any(fraction is None for _, fraction in scores):
        return None
    total = sum(points for points, _ in scores)
    earned = sum(points * (fraction or 0.0) for points, fraction in scores)
    return round(100 * earned / total, 2) if total else 0.0


def final_grade(method: GradingMethod, percents: Sequence[float]) -> float | None:
    """The grade that counts over finished attempts in the order made; None without any."""
    if not percents:
        return None
    if method is GradingMethod.highest:
        return round(max(percents), 2)
    if method is GradingMethod.last:
        return round(percents[-1], 2)
    return round(sum(percents) / len(percents), 2)


def passed(percent: float | None, pass_mark: float) -> bool:
    """Whether a grade reaches the pass mark (float noise at the mark still passes)."""
    return percent is not None and percent + EPSILON >= pass_mark
