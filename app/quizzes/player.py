"""What the player shows and reads back: questions without their answers, and opaque option tokens.

Nothing here puts a correct answer, a weight or feedback into the page; the review page is the
only place those appear, and only when the quiz's review settings allow.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from app.courses import schema
from app.errors import DomainError
from app.i18n import N_
from app.quizzes.models import AttemptSlot

MAX_TEXT = 5000


@dataclass(frozen=True)
class Choice:
    token: str
    text: schema.Text


@dataclass(frozen=True)
class ShownQuestion:
    """A question as the officer sees it: text and choices in this attempt's order, nothing else."""

    position: int
    type: str
    text: schema.Text
    case: str | None
    points: float
    choices: tuple[Choice, ...]  # single/multiple options, or matching right-hand items
    lefts: tuple[schema.Text, ...]  # matching left-hand items, in file order


def token(secret: str, attempt_id: int, position: int, index: int) -> str:
    """An option id that says nothing about which option it is in the course file."""
    message = f"{attempt_id}:{position}:{index}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:12]


def show(question: schema.Question, slot: AttemptSlot, secret: str) -> ShownQuestion:
    order: list[int] = json.loads(slot.option_order)
    choices: tuple[Choice, ...] = ()
    lefts: tuple[schema.Text, ...] = ()
    if isinstance(question, schema.SingleChoice | schema.MultipleResponse):
        choices = tuple(
            Choice(token(secret, slot.attempt_id, slot.position, i), question.options[i].text) for i in order
        )
    elif isinstance(question, schema.Matching):
        choices = tuple(
            Choice(token(secret, slot.attempt_id, slot.position, i), question.pairs[i].right) for i in order
        )
        lefts = tuple(pair.left for pair in question.pairs)
    return ShownQuestion(
        slot.position, question.type, question.text, question.case, slot.points, choices, lefts
    )


class InvalidAnswer(DomainError):
    status_code = 422


def _refused() -> InvalidAnswer:
    return InvalidAnswer(
        N_(
            "Esa opción no pertenece a esta pregunta: la respuesta no se guardó. "
            "Vuelva a cargar la página y elija una de las opciones que se muestran."
        )
    )


def read_response(question: schema.Question, slot: AttemptSlot, secret: str, form: Any) -> Any:
    """The response in grading terms (option indexes, bool, text) from the submitted form fields.

    An empty field is no answer; a value that is not one of this question's choices (a made-up
    token, another question's) raises InvalidAnswer.
    """
    by_token = {token(secret, slot.attempt_id, slot.position, i): i for i in json.loads(slot.option_order)}

    def index(value: Any) -> int | None:
        if value in (None, ""):
            return None
        if str(value) not in by_token:
            raise _refused()
        return by_token[str(value)]

    kind = question.type
    if kind == "single":
        return index(form.get("response"))
    if kind == "multiple":
        return sorted(i for i in map(index, form.getlist("response")) if i is not None)
    if kind == "true_false":
        value = form.get("response")
        if value in (None, ""):
            return None
        if str(value) not in ("true", "false"):
            raise _refused()
        return str(value) == "true"
    if isinstance(question, schema.Matching):
        pairs = {str(i): index(form.get(f"match-{i}")) for i in range(len(question.pairs))}
        return {left: right for left, right in pairs.items() if right is not None}
    return str(form.get("response", ""))[:MAX_TEXT]


def shown_response(
    question: schema.Question, slot: AttemptSlot, secret: str, response: Any
) -> dict[str, Any]:
    """The saved response in page terms (tokens), so the form shows what the officer chose."""

    def t(index: int) -> str:
        return token(secret, slot.attempt_id, slot.position, index)

    if response is None:
        return {}
    kind = question.type
    if kind == "single":
        return {"selected": [t(response)]}
    if kind == "multiple":
        return {"selected": [t(i) for i in response]}
    if kind == "true_false":
        return {"selected": ["true" if response else "false"]}
    if kind == "matching":
        return {"matches": {int(left): t(right) for left, right in response.items()}}
    return {"text": response}
