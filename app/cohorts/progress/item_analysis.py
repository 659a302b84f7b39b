"""Item analysis of a quiz: how hard each question was and whether it told stronger officers apart.

Pure statistics over (attempt, question, points, fraction, response) records, with the
definitions of Moodle's quiz statistics report ("Quiz statistics calculations", MoodleDocs):

- Which attempts count: each officer's *first* finished attempt, Moodle's default. Later
  attempts build on the first (the officer has seen the questions and the feedback), which
  breaks the assumptions behind item analysis. The caller picks the attempts; see
  `first_attempts`.
- x_i(s): the points earned on question i in attempt s (points × fraction). A question that
  was shown but left unanswered scores 0, as the attempt's grade counts it.
- T(s): the attempt's total, the sum of x_i(s) over the questions of the attempt.
- X_i(s) = T(s) − x_i(s): the score on the *rest* of the test.
- Facility index F_i = 100 × mean(x_i) / x_i(max), with x_i(min) = 0 here (scores are never
  negative after grading): the mean score on the item as a percent of its maximum. High is
  easy; 35–64 is about right for the average officer.
- Discrimination index D_i = 100 × r(x_i, X_i), Pearson's correlation between the item score
  and the rest-of-test score over the attempts that contained the item:
  r = C(x_i, X_i) / sqrt(V(x_i) × V(X_i)). Above 30 discriminates well; near 0 or negative
  the item does not separate those who know more (or its key may be wrong).
  Undefined (None, shown "—") with fewer than two attempts or when either score does not
  vary (everyone got the item right, or every rest-of-test score is equal).

Questions drawn at random from a bank appear in only some attempts; each question is analysed
over the attempts that contained it (as Moodle analyses random questions).

Option choice counts (single choice, multiple response, true/false) read `Answer.response`
as the player stores it: an option index (single), a list of option indexes (multiple) or a
JSON boolean (true/false), always in the course file's option order, not the shuffled order.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.courses import schema
from app.quizzes import grading

TRUE_FALSE = (schema.Text(es="Verdadero", en="True"), schema.Text(es="Falso", en="False"))


@dataclass(frozen=True)
class ItemResult:
    """One question as answered in one attempt."""

    attempt_id: int
    question_id: str
    points: float  # the question's maximum in this attempt
    fraction: float  # 0..1 of the points earned
    response: Any = None  # decoded Answer.response; None when unanswered


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    attempts: int
    facility: float | None  # percent, None without attempts
    discrimination: float | None  # 100 × r, None when undefined


@dataclass(frozen=True)
class OptionCount:
    label: schema.Text
    correct: bool
    count: int


@dataclass(frozen=True)
class Choices:
    """How often each option was chosen, and how many attempts left the question blank."""

    options: tuple[OptionCount, ...]
    unanswered: int
    answered: int


def first_attempts(attempts: Iterable[tuple[int, int, int]]) -> set[int]:
    """The id of each officer's first attempt, from (attempt id, user id, attempt number) triples."""
    first: dict[int, tuple[int, int]] = {}
    for attempt_id, user_id, number in attempts:
        if user_id not in first or number < first[user_id][0]:
            first[user_id] = (number, attempt_id)
    return {attempt_id for _, attempt_id in first.values()}


def analyse(results: Iterable[ItemResult]) -> dict[str, QuestionStats]:
    """Facility and discrimination of every question found in `results`, by question id."""
    rows = list(results)
    totals: dict[int, float] = defaultdict(float)
    for row in rows:
        totals[row.attempt_id] += row.points * row.fraction
    by_question: dict[str, list[ItemResult]] = defaultdict(list)
    for row in rows:
        by_question[row.question_id].append(row)
    return {qid: _stats(qid, found, totals) for qid, found in by_question.items()}


def _stats(question_id: str, rows: list[ItemResult], totals: dict[int, float]) -> QuestionStats:
    scores = [row.points * row.fraction for row in rows]
    rest = [totals[row.attempt_id] - score for row, score in zip(rows, scores, strict=True)]
    facility = 100 * mean([row.fraction for row in rows]) if rows else None
    r = pearson(scores, rest)
    return QuestionStats(question_id, len(rows), facility, None if r is None else 100 * r)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than two pairs or when either series does not vary."""
    if len(xs) < 2:
        return None
    mx, my = mean(xs), mean(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    if vx <= 1e-12 or vy <= 1e-12:
        return None
    return cov / math.sqrt(vx * vy)


def choices(question: schema.Question, responses: Sequence[Any]) -> Choices | None:
    """Option choice counts for choice-type questions; None for other types."""
    if isinstance(question, schema.SingleChoice | schema.MultipleResponse):
        right = set(grading.correct_answer(question)["options"])
        counts = [0] * len(question.options)
        for response in responses:
            for index in _chosen(response, len(counts)):
                counts[index] += 1
        options = tuple(
            OptionCount(option.text, i in right, counts[i]) for i, option in enumerate(question.options)
        )
    elif isinstance(question, schema.TrueFalse):
        picked = [r for r in responses if isinstance(r, bool)]
        options = tuple(
            OptionCount(label, value is question.answer, sum(1 for r in picked if r is value))
            for label, value in zip(TRUE_FALSE, (True, False), strict=True)
        )
    else:
        return None
    answered = sum(1 for r in responses if not _blank(r))
    return Choices(options, len(responses) - answered, answered)


def _chosen(response: Any, size: int) -> set[int]:
    """The valid option indexes in a single (int) or multiple (list) response, each once."""
    found = response if isinstance(response, list) else [response]
    return {i for i in found if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < size}


def _blank(response: Any) -> bool:
    return response is None or response == [] or (isinstance(response, str) and not response.strip())
