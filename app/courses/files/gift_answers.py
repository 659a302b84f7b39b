"""The answer block of a Moodle GIFT question (the part between `{` and `}`), used by app.courses.files.gift.

Texts here are "hidden": GIFT escapes (`\\~ \\= \\# \\{ \\} \\: \\n \\\\`) have been replaced by private
placeholder characters, so the control characters left are real ones; `resolve` turns placeholders
back into the characters they stand for. Offsets are positions in the hidden question text and
`line_of` maps an offset to its line in the file.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

LineOf = Callable[[int], int]

_PLACEHOLDERS = {
    "\\": "\ue000",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_RESOLVE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()})
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT = re.compile(r"\s*\[(moodle|markdown|html|plain)\]")
_WEIGHT = re.compile(r"\s*%([^%\s]*)%")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class BlockError(Exception):
    """A problem that stops one question from being read, at a line of the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class GiftOption:
    """A choice of a single- or multiple-choice question; weight is a percent of the points."""

    text: str
    weight: float
    feedback: str | None = None


@dataclass(frozen=True)
class GiftPair:
    left: str
    right: str


@dataclass(frozen=True)
class GiftAnswer:
    """An accepted short answer."""

    text: str
    weight: float = 100.0
    feedback: str | None = None


@dataclass(frozen=True)
class GiftNumber:
    """An accepted numeric answer: value +/- tolerance."""

    value: float
    tolerance: float = 0.0
    weight: float = 100.0
    feedback: str | None = None


@dataclass(frozen=True)
class _Item:
    marker: str  # "=", "~", or "" for a numeric answer written before any "="
    body: str
    line: int


def hide_escapes(text: str) -> str:
    """Replace each GIFT escape sequence by a placeholder character that has no special meaning."""
    return _ESCAPE.sub(lambda m: _PLACEHOLDERS[m.group(1)], text)


def resolve(text: str) -> str:
    """Turn placeholder characters back into the characters their escapes stand for."""
    return text.translate(_RESOLVE)


def split_format(text: str) -> tuple[str | None, str]:
    """Split a leading `[moodle]`, `[markdown]`, `[html]` or `[plain]` off a text."""
    match = _FORMAT.match(text)
    return (match.group(1), text[match.end() :]) if match else (None, text)


def clean(text: str) -> str:
    """Answer-block text as shown: format prefix dropped, whitespace runs collapsed, escapes resolved."""
    return resolve(" ".join(split_format(text)[1].split()))


def parse_answers(content: str, start: int, line_of: LineOf) -> tuple[str, dict[str, Any]]:
    """Classify an answer block (general feedback already removed) and parse its answers."""
    body = content.lstrip()
    start += len(content) - len(body)
    if not body.strip():
        return "open", {}
    if body.startswith("#"):
        return "numeric", _numeric(body[1:], start + 1, line_of)
    if "~" in body:
        return _choice(body, start, line_of)
    if "=" in body and "->" in body:
        return "matching", _matching(body, start, line_of)
    true_false = _true_false(body)
    if true_false is not None:
        return "true_false", true_false
    return "short", _short(body, start, line_of)


def _items(content: str, start: int, markers: str, line_of: LineOf, *, head: bool = False) -> list[_Item]:
    """Split a block into answers at each marker; text before the first marker is an error unless `head`."""
    matches = list(re.finditer(f"([{markers}])([^{markers}]*)", content))
    first = matches[0].start() if matches else len(content)
    items = [_Item(m.group(1), m.group(2), line_of(start + m.start())) for m in matches]
    before = content[:first]
    if before.strip():
        offset = start + len(before) - len(before.lstrip())
        if not head:
            raise BlockError(
                line_of(offset),
                f"'{clean(before)}' is not an answer: start right answers with = and wrong ones with ~, "
                "or write T or F for a true/false question",
            )
        items.insert(0, _Item("", before, line_of(offset)))
    return items


def _weight(body: str, default: float, line: int) -> tuple[float, str]:
    """Read a leading %weight% off an answer."""
    match = _WEIGHT.match(body)
    if not match:
        return default, body
    raw = resolve(match.group(1))
    if not _NUMBER.fullmatch(raw):
        raise BlockError(line, f"the weight %{raw}% is not a number; write a percent such as %50% or %-25%")
    weight = float(raw)
    if not -100 <= weight <= 100:
        raise BlockError(line, f"the weight %{raw}% is outside the range -100 to 100")
    return weight, body[match.end() :]


def _feedback(body: str) -> tuple[str, str | None]:
    """Split an answer at its first # into the answer and its feedback."""
    text, sep, feedback = body.partition("#")
    return text, (clean(feedback) or None) if sep else None


def _required(text: str, item: _Item) -> str:
    value = clean(text)
    if not value:
        raise BlockError(item.line, f"an answer after {item.marker} has no text")
    return value


def _choice(content: str, start: int, line_of: LineOf) -> tuple[str, dict[str, Any]]:
    items = _items(content, start, "=~", line_of)
    options = []
    for item in items:
        weight, body = _weight(item.body, 100.0 if item.marker == "=" else 0.0, item.line)
        text, feedback = _feedback(body)
        options.append(GiftOption(_required(text, item), weight, feedback))
    line = line_of(start)
    if len(options) < 2:
        raise BlockError(line, "a multiple-choice question needs at least 2 answers (=right ~wrong)")
    return _choice_type(items, options, line), {"options": tuple(options)}


def _choice_type(items: list[_Item], options: list[GiftOption], line: int) -> str:
    """One `=` answer makes single choice; otherwise the positive weights decide."""
    marked = sum(item.marker == "=" for item in items)
    if marked > 1:
        raise BlockError(
            line,
            f"{marked} answers are marked with =, but a multiple-choice question has one right answer; "
            "for several right answers give each a weight such as ~%50%",
        )
    if marked == 1:
        return "single"
    positive = [option.weight for option in options if option.weight > 0]
    if not positive:
        raise BlockError(
            line,
            "none of the answers is right: mark the right one with = "
            "or give the right ones a positive weight such as ~%50%",
        )
    return "single" if positive == [100] else "multiple"


def _true_false(content: str) -> dict[str, Any] | None:
    """`{T#feedback if wrong#feedback if right}`: the first feedback goes to a wrong answer."""
    parts = content.split("#", 2)
    answer = _TRUE_FALSE.get(parts[0].strip().upper())
    if answer is None:
        return None
    wrong, right = [clean(part) or None for part in parts[1:]] + [None] * (3 - len(parts))
    return {
        "answer": answer,
        "feedback_true": right if answer else wrong,
        "feedback_false": wrong if answer else right,
    }


def _matching(content: str, start: int, line_of: LineOf) -> dict[str, Any]:
    pairs = tuple(_pair(item) for item in _items(content, start, "=", line_of))
    if len(pairs) < 2:
        raise BlockError(
            line_of(start),
            f"a matching question needs at least 2 pairs written =left -> right; this one has {len(pairs)}",
        )
    return {"pairs": pairs}


def _pair(item: _Item) -> GiftPair:
    left, arrow, right = item.body.partition("->")
    if not arrow:
        raise BlockError(item.line, f"'={clean(item.body)}' has no ->; write each pair as =left -> right")
    if not clean(left) or not clean(right):
        raise BlockError(item.line, "a matching pair needs text on both sides of ->")
    return GiftPair(clean(left), clean(right))


def _short(content: str, start: int, line_of: LineOf) -> dict[str, Any]:
    answers = []
    for item in _items(content, start, "=", line_of):
        weight, body = _weight(item.body, 100.0, item.line)
        text, feedback = _feedback(body)
        answers.append(GiftAnswer(_required(text, item), weight, feedback))
    return {"answers": tuple(answers)}


def _numeric(content: str, start: int, line_of: LineOf) -> dict[str, Any]:
    if "~" in content:
        raise BlockError(
            line_of(start + content.index("~")),
            "~ is not supported in a numeric answer block; give feedback to each answer with #",
        )
    items = _items(content, start, "=", line_of, head=True)
    if not items:
        raise BlockError(line_of(start), "the numeric answer block {#...} has no number in it")
    return {"numbers": tuple(_number(item) for item in items)}


def _number(item: _Item) -> GiftNumber:
    weight, body = _weight(item.body, 100.0, item.line)
    spec, feedback = _feedback(body)
    if ".." in spec:
        low, high = (_to_number(part, item.line) for part in spec.split("..", 1))
        if low > high:
            raise BlockError(
                item.line, f"the range {clean(spec)} runs backwards; write the smaller number first"
            )
        return GiftNumber(float((low + high) / 2), float((high - low) / 2), weight, feedback)
    value, colon, tolerance = spec.partition(":")
    margin = _to_number(tolerance, item.line) if colon else Decimal(0)
    if margin < 0:
        raise BlockError(
            item.line, f"the tolerance {clean(tolerance)} is negative; write how far off is accepted"
        )
    return GiftNumber(float(_to_number(value, item.line)), float(margin), weight, feedback)


def _to_number(raw: str, line: int) -> Decimal:
    """A number written in an answer, kept exact so ranges convert without rounding noise."""
    text = clean(raw)
    if _NUMBER.fullmatch(text):
        return Decimal(text)
    if not text:
        raise BlockError(line, "a numeric answer is missing its number")
    hint = " (use a point for decimals)" if _NUMBER.fullmatch(text.replace(",", ".")) else ""
    raise BlockError(line, f"'{text}' is not a number{hint}")
