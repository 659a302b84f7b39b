"""Which questions an attempt gets, in which order: fixed at start and stored with the attempt."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.courses import schema

Banks = Mapping[str, Sequence[schema.Question]]


@dataclass(frozen=True)
class Slot:
    """One question of an attempt, where it came from, and the display order of its choices."""

    question_id: str
    source: str  # "quiz" or "bank:<bank id>"
    option_order: tuple[int, ...]  # options (single/multiple) or right-hand items (matching); else ()


def question_index(quiz: schema.Quiz, banks: Banks) -> dict[str, schema.Question]:
    """Every question this quiz can use (its own and those of every bank it draws from), by id."""
    found = {q.id: q for rule in quiz.draw for q in banks.get(rule.bank, ())}
    found.update({q.id: q for q in quiz.questions})
    return found


def _pool(rule: schema.Draw, banks: Banks, taken: set[str]) -> list[schema.Question]:
    """The questions a rule may still draw, in bank order: its category, none already in the attempt."""
    if rule.bank not in banks:
        raise ValueError(f"quiz draws from bank {rule.bank!r}, which does not exist")
    return [q for q in banks[rule.bank] if rule.category in (None, q.category) and q.id not in taken]


def _pick(rule: schema.Draw, pool: list[schema.Question], rng: random.Random) -> list[schema.Question]:
    """`rule.count` questions of the pool at random (all when None), kept in bank order."""
    if rule.count is None:
        return pool
    if rule.count > len(pool):
        where = f"bank {rule.bank!r}" + (f", category {rule.category!r}" if rule.category else "")
        raise ValueError(
            f"quiz draws {rule.count} questions from {where}, but only {len(pool)} are available"
        )
    return [pool[i] for i in sorted(rng.sample(range(len(pool)), rule.count))]


def _order(question: schema.Question, shuffle_options: bool, rng: random.Random) -> tuple[int, ...]:
    """The display order of a question's options or right-hand items, as original indexes."""
    if isinstance(question, schema.SingleChoice | schema.MultipleResponse):
        order = list(range(len(question.options)))
        if shuffle_options:
            rng.shuffle(order)
        return tuple(order)
    if isinstance(question, schema.Matching):
        order = list(range(len(question.pairs)))
        rng.shuffle(order)  # always: unshuffled matching would give the answers away
        return tuple(order)
    return ()


def draw(quiz: schema.Quiz, banks: Banks, rng: random.Random) -> list[Slot]:
    """The questions of one attempt per the quiz settings, no id twice; deterministic for a seeded rng."""
    chosen: list[tuple[schema.Question, str]] = [(q, "quiz") for q in quiz.questions]
    taken = {q.id for q in quiz.questions}
    for rule in quiz.draw:
        picked = _pick(rule, _pool(rule, banks, taken), rng)
        chosen += [(q, f"bank:{rule.bank}") for q in picked]
        taken |= {q.id for q in picked}
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return [Slot(q.id, source, _order(q, quiz.shuffle_options, rng)) for q, source in chosen]
