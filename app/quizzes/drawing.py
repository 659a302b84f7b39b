"""Which questions an attempt gets, in which order: fixed at start and stored with the attempt."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.courses import schema


@dataclass(frozen=True)
class Slot:
    question_id: str
    source: str  # "quiz" or "bank:<id>"
    option_order: tuple[int, ...]  # options (single/multiple) or right-hand items (matching)


def question_index(quiz: schema.Quiz, banks: Mapping[str, Sequence[schema.Question]]) -> dict[str, schema.Question]:
    """Every question this quiz can use, by id."""
    found = {q.id: q for draw in quiz.draw for q in banks.get(draw.bank, ())}
    found.update({q.id: q for q in quiz.questions})
    return found


def draw(quiz: schema.Quiz, banks: Mapping[str, Sequence[schema.Question]], rng: random.Random) -> list[Slot]:
    """The questions of one attempt per the quiz settings; deterministic for a seeded rng."""
    chosen: list[tuple[schema.Question, str]] = [(q, "quiz") for q in quiz.questions]
    taken = {q.id for q in quiz.questions}
    for rule in quiz.draw:
        pool = [q for q in banks.get(rule.bank, ()) if rule.category in (None, q.category) and q.id not in taken]
        count = len(pool) if rule.count is None else rule.count
        if count > len(pool):
            raise ValueError(f"quiz draws {count} questions from bank {rule.bank!r}, which has {len(pool)}")
        picked = rng.sample(pool, count) if rule.count is not None else pool
        chosen += [(q, f"bank:{rule.bank}") for q in picked]
        taken |= {q.id for q in picked}
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return [Slot(q.id, source, _order(q, quiz.shuffle_options, rng)) for q, source in chosen]


def _order(question: schema.Question, shuffle_options: bool, rng: random.Random) -> tuple[int, ...]:
    if isinstance(question, schema.SingleChoice | schema.MultipleResponse):
        order = list(range(len(question.options)))
        if shuffle_options:
            rng.shuffle(order)
        return tuple(order)
    if isinstance(question, schema.Matching):
        order = list(range(len(question.pairs)))
        rng.shuffle(order)  # always: unshuffled matching would give the answer away
        return tuple(order)
    return ()
