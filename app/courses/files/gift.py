"""Moodle GIFT question files: parse them, report each bad question with its line, map them to the schema.

A course bank may be written as `banks/<bank>.es.gift` with an English twin `banks/<bank>.en.gift`
whose questions match by `::title::`. Parsing never raises: questions that cannot be read become
`GiftError`s and the rest of the file is still read.

Decisions beyond Moodle's own importer: only whole-line `//` comments are comments (so URLs stay);
`$CATEGORY:` lines also end the question before them; T/F answers are case-insensitive; answer and
feedback texts have their whitespace runs collapsed; `~` (wrong-answer feedback) is rejected in
numeric blocks because the course schema has nowhere to keep it.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from app.courses.files.gift_answers import (
    BlockError,
    GiftAnswer,
    GiftNumber,
    GiftOption,
    GiftPair,
    LineOf,
    clean,
    hide_escapes,
    parse_answers,
    resolve,
    split_format,
)

__all__ = [
    "GiftAnswer",
    "GiftError",
    "GiftNumber",
    "GiftOption",
    "GiftPair",
    "GiftQuestion",
    "GiftResult",
    "parse",
    "question_ids",
    "to_json",
    "to_schema_question",
]

BLANK = "_____"  # stands for the answer block of a "missing word" question
_CATEGORY = "$CATEGORY:"
TYPE_NAMES = {  # for messages: "question ::A:: is a numeric question here but ..."
    "single": "a single-choice question",
    "multiple": "a multiple-response question",
    "true_false": "a true/false question",
    "matching": "a matching question",
    "short": "a short-answer question",
    "numeric": "a numeric question",
    "open": "an open (essay) question",
    "description": "a description (no answer block)",
}
_COMMON_FIELDS = ("line", "title", "type", "text", "format", "category", "general_feedback")
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "true_false": ("answer", "feedback_true", "feedback_false"),
    "matching": ("pairs",),
    "short": ("answers",),
    "numeric": ("numbers",),
    "open": (),
    "description": (),
}


@dataclass(frozen=True)
class GiftError:
    """A question that could not be read: the line of the question or of the offending token."""

    line: int
    message: str


@dataclass(frozen=True)
class GiftQuestion:
    """One GIFT question; only the answer fields of its `type` are filled."""

    line: int
    title: str | None
    type: str  # single multiple true_false matching short numeric open description
    text: str
    format: str = "moodle"
    category: str | None = None
    general_feedback: str | None = None
    options: tuple[GiftOption, ...] = ()
    answer: bool | None = None
    feedback_true: str | None = None  # shown to whoever answered "true"
    feedback_false: str | None = None  # shown to whoever answered "false"
    pairs: tuple[GiftPair, ...] = ()
    answers: tuple[GiftAnswer, ...] = ()
    numbers: tuple[GiftNumber, ...] = ()


@dataclass(frozen=True)
class GiftResult:
    questions: list[GiftQuestion]
    errors: list[GiftError]


@dataclass(frozen=True)
class _Block:
    lines: list[tuple[int, str]]  # (line number, text), comment lines left out
    category: str | None


# --- parsing -----------------------------------------------------------------------------


def parse(source: str) -> GiftResult:
    """Parse a GIFT file into questions and errors, never raising on bad input."""
    questions: list[GiftQuestion] = []
    errors: list[GiftError] = []
    for block in _blocks(source, errors):
        try:
            questions.append(_question(block))
        except BlockError as exc:
            errors.append(GiftError(exc.line, exc.message))
        except Exception as exc:  # a parser bug must not hide the rest of the file
            errors.append(GiftError(block.lines[0][0], f"could not read this question ({exc})"))
    errors.sort(key=lambda error: error.line)
    return GiftResult(questions, errors)


def _blocks(source: str, errors: list[GiftError]) -> list[_Block]:
    """Split the file at blank lines and `$CATEGORY:` lines, dropping whole-line `//` comments."""
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    category: str | None = None
    lines = source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped and not stripped.startswith(_CATEGORY):
            current.append((number, line))
            continue
        if current:
            blocks.append(_Block(current, category))
            current = []
        if stripped:
            category = _category(stripped, number, category, errors)
    if current:
        blocks.append(_Block(current, category))
    return blocks


def _category(line: str, number: int, current: str | None, errors: list[GiftError]) -> str | None:
    path = line.removeprefix(_CATEGORY).strip()
    if not path:
        errors.append(GiftError(number, "$CATEGORY: needs a category name after the colon"))
        return current
    return path


def _question(block: _Block) -> GiftQuestion:
    """Read one blank-line-separated block as a question."""
    numbers = [number for number, _ in block.lines]
    text = hide_escapes("\n".join(line for _, line in block.lines))

    def line_of(offset: int) -> int:
        return numbers[text.count("\n", 0, offset)]

    title, pos = _title(text, line_of)
    braces = _braces(text, pos, line_of)
    fmt, body = _question_text(text, pos, braces)
    if not body:
        raise BlockError(numbers[0], "the question has no text; write it before or around the answer block")
    common: dict[str, Any] = {
        "line": numbers[0],
        "title": title,
        "text": body,
        "format": fmt,
        "category": block.category,
    }
    if braces is None:
        return GiftQuestion(type="description", **common)
    content = text[braces[0] + 1 : braces[1]]
    cut = content.rfind("####")
    general = (clean(content[cut + 4 :]) or None) if cut >= 0 else None
    kind, answers = parse_answers(content[:cut] if cut >= 0 else content, braces[0] + 1, line_of)
    return GiftQuestion(type=kind, general_feedback=general, **common, **answers)


def _title(text: str, line_of: LineOf) -> tuple[str | None, int]:
    """Read a leading `::title::`; return it and where the question text starts."""
    start = len(text) - len(text.lstrip())
    if not text.startswith("::", start):
        return None, start
    end = text.find("::", start + 2)
    if end < 0:
        raise BlockError(line_of(start), "no closing :: for the title opened here")
    return clean(text[start + 2 : end]) or None, end + 2


def _braces(text: str, pos: int, line_of: LineOf) -> tuple[int, int] | None:
    """Find the one answer block `{...}` after `pos`, or None for a description."""
    opening, closing = text.find("{", pos), text.find("}", pos)
    if opening < 0 and closing < 0:
        return None
    if closing >= 0 and (opening < 0 or closing < opening):
        raise BlockError(line_of(closing), "} with no { before it; write \\} for a literal brace")
    if closing < 0:
        raise BlockError(
            line_of(opening), "no closing } for the answer block opened here (a blank line ends a question)"
        )
    nested = text.find("{", opening + 1, closing)
    if nested >= 0:
        raise BlockError(
            line_of(nested),
            f"another {{ before the }} that closes the block opened on line {line_of(opening)}; "
            "separate questions with a blank line, or write \\{ for a literal brace",
        )
    extra = [i for i in (text.find("{", closing + 1), text.find("}", closing + 1)) if i >= 0]
    if extra:
        raise BlockError(
            line_of(min(extra)),
            "a question has only one answer block; write \\{ and \\} for literal braces",
        )
    return opening, closing


def _question_text(text: str, pos: int, braces: tuple[int, int] | None) -> tuple[str, str]:
    """The question's format and text, with `_____` where a mid-sentence answer block was."""
    if braces is None:
        raw = text[pos:]
    else:
        before, after = text[pos : braces[0]], text[braces[1] + 1 :]
        raw = before + BLANK + after if after.strip() else before
    fmt, body = split_format(raw)
    return fmt or "moodle", resolve(body.strip())


# --- output ------------------------------------------------------------------------------


def to_json(result: GiftResult) -> list[dict[str, Any]]:
    """Return the parsed questions as JSON-ready dicts holding the fields of each question's type."""
    return [_question_json(question) for question in result.questions]


def _question_json(question: GiftQuestion) -> dict[str, Any]:
    data = asdict(question)
    fields = _COMMON_FIELDS + _TYPE_FIELDS[question.type]
    return {name: list(data[name]) if isinstance(data[name], tuple) else data[name] for name in fields}


def question_ids(questions: list[GiftQuestion], bank: str) -> list[str]:
    """Return an id per question: the slug of its title, else one made from the bank and the text.

    Generated ids are stable: the same file gives the same ids on every import, whatever runs before
    it. A repeated text gets `-2`, `-3`... in file order; a ::title:: fixes the id for good.
    """
    taken = {_title_id(q) for q in questions} - {""}
    ids = []
    for question in questions:
        own = _title_id(question)
        if own:
            ids.append(own)
            continue
        base = f"{bank}-{_slug(question.text)[:60].strip('-') or 'pregunta'}"[:72].strip("-")
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        ids.append(candidate)
    return ids


def _title_id(question: GiftQuestion) -> str:
    """The slug of the question's title (at most 80 characters), or "" when it has none."""
    return _slug(question.title or "")[:80].strip("-")


def _fold(text: str) -> str:
    """Text as short answers are compared: trimmed, without case or accents."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def to_schema_question(es: GiftQuestion, en: GiftQuestion | None, *, question_id: str) -> dict[str, Any]:
    """Build the dict that `app.courses.schema.Question` validates from a question and its English twin."""
    if es.type == "description":
        raise ValueError(f"line {es.line}: a description (text without an answer block) is not a question")
    if en is not None:
        _check_twin(es, en)
    data: dict[str, Any] = {"id": question_id, "type": es.type, "text": _text(es.text, _en(en, "text"))}
    category = _category_slug(es.category)
    if category:
        data["category"] = category
    feedback = _text(es.general_feedback, _en(en, "general_feedback"))
    if feedback:
        data["feedback"] = feedback
    data.update(_BUILDERS[es.type](es, en))
    return data


def _check_twin(es: GiftQuestion, en: GiftQuestion) -> None:
    """Refuse an English twin whose shape differs from the Spanish question."""
    where = f"question ::{es.title}::" if es.title else "this untitled question"
    twin = f"its English twin (line {en.line} of the English file)"
    if en.type != es.type:
        raise ValueError(
            f"{where} is {TYPE_NAMES[es.type]} here but {TYPE_NAMES[en.type]} in {twin}: a question and "
            "its twin must be the same type; change the answer block of one of them"
        )
    for name in ("options", "pairs", "answers", "numbers"):
        if len(getattr(es, name)) != len(getattr(en, name)):
            raise ValueError(
                f"{where} has {len(getattr(es, name))} {name} here but {len(getattr(en, name))} in {twin}: "
                "write the same answers in the same order in both files"
            )


def _en(twin: Any, name: str) -> Any:
    return None if twin is None else getattr(twin, name)


def _text(es: str | None, en: str | None) -> dict[str, str] | None:
    """A schema Text; a missing language is left out so validation reports it."""
    if es is None and en is None:
        return None
    return {lang: value for lang, value in (("es", es), ("en", en)) if value is not None}


def _twins(es: tuple[Any, ...], en: GiftQuestion | None, name: str) -> list[tuple[Any, Any]]:
    return list(zip(es, getattr(en, name), strict=True)) if en else [(item, None) for item in es]


def _with_feedback(item: dict[str, Any], es: Any, en: Any) -> dict[str, Any]:
    feedback = _text(es.feedback, _en(en, "feedback"))
    return {**item, "feedback": feedback} if feedback else item


def _options(es: GiftQuestion, en: GiftQuestion | None) -> dict[str, Any]:
    options = []
    for option, twin in _twins(es.options, en, "options"):
        correct = option.weight > 0 if es.type == "multiple" else option.weight == 100
        item: dict[str, Any] = {"text": _text(option.text, _en(twin, "text")), "correct": correct}
        if es.type == "multiple" or option.weight not in (0, 100):
            item["weight"] = option.weight
        options.append(_with_feedback(item, option, twin))
    return {"options": options}


def _true_false(es: GiftQuestion, en: GiftQuestion | None) -> dict[str, Any]:
    data: dict[str, Any] = {"answer": es.answer}
    for name in ("feedback_true", "feedback_false"):
        feedback = _text(getattr(es, name), _en(en, name))
        if feedback:
            data[name] = feedback
    return data


def _pairs(es: GiftQuestion, en: GiftQuestion | None) -> dict[str, Any]:
    return {
        "pairs": [
            {"left": _text(pair.left, _en(twin, "left")), "right": _text(pair.right, _en(twin, "right"))}
            for pair, twin in _twins(es.pairs, en, "pairs")
        ]
    }


def _short(es: GiftQuestion, en: GiftQuestion | None) -> dict[str, Any]:
    """Accepted answers of both languages (learners may type either), each once, with es weights."""
    answers: list[dict[str, Any]] = []
    seen: set[str] = set()
    for answer, twin in _twins(es.answers, en, "answers"):
        for text in (answer.text, _en(twin, "text")):
            key = _fold(text or "")
            if text is None or key in seen:
                continue
            seen.add(key)
            answers.append(_with_feedback({"text": text, "weight": answer.weight}, answer, twin))
    return {"answers": answers}


def _numbers(es: GiftQuestion, en: GiftQuestion | None) -> dict[str, Any]:
    return {
        "answers": [
            _with_feedback(
                {"value": number.value, "tolerance": number.tolerance, "weight": number.weight}, number, twin
            )
            for number, twin in _twins(es.numbers, en, "numbers")
        ]
    }


def _category_slug(path: str | None) -> str | None:
    """The schema category: the slug of the last real segment of a `$CATEGORY:` path."""
    parts = [p for p in (path or "").split("/") if p.strip() and not p.startswith("$") and p != "top"]
    return (_slug(parts[-1])[:80].strip("-") or None) if parts else None


_BUILDERS = {
    "single": _options,
    "multiple": _options,
    "true_false": _true_false,
    "matching": _pairs,
    "short": _short,
    "numeric": _numbers,
    "open": lambda es, en: {},
}
