"""Pydantic validation errors in course-author words, placed on the line of the YAML that caused them."""

from collections.abc import Sequence
from typing import Any

import yaml

QUESTION_TYPES = ("single", "multiple", "true_false", "matching", "short", "numeric", "open")
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}
HINTS = {
    "needs exactly one correct option": "mark exactly one option `correct: true`",
    "needs at least one correct option": "mark every right option `correct: true`",
}


def line_of(node: Any, loc: Sequence[int | str]) -> int:
    """Return the 1-based line of the YAML key or item that a pydantic error location points at."""
    line = node.start_mark.line + 1 if node is not None else 1
    for segment in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(segment, str):
            match = next(((k, v) for k, v in node.value if k.value == segment), None)
            if match is None:
                continue  # a discriminator tag, or a missing key: stay on the mapping
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int) and segment < len(node.value):
            node = node.value[segment]
            line = node.start_mark.line + 1
    return line


def describe(detail: Any) -> str:
    """Return a pydantic error detail as a sentence a course author can act on."""
    loc = [str(part) for part in detail["loc"] if str(part) not in QUESTION_TYPES]
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"unknown key `{loc[-1]}`{_in(loc[:-1])}"
    if kind == "missing":
        return _missing(loc)
    if kind == "string_too_short" and loc and loc[-1] in LANGUAGE_NAMES:
        return f"empty {LANGUAGE_NAMES[loc[-1]]} text (`{loc[-1]}`){_of(loc[:-1])}"
    return _prefixed(".".join(loc), _message(detail))


def _missing(loc: list[str]) -> str:
    """Describe a missing key, naming a missing translation as such."""
    if not loc:
        return "missing required key"
    if loc[-1] == "en":
        return f"missing English translation (`en`){_of(loc[:-1])}"
    if loc[-1] == "es":
        return f"missing Spanish text (`es`){_of(loc[:-1])}"
    return f"missing required key `{loc[-1]}`{_in(loc[:-1])}"


def _message(detail: Any) -> str:
    """Rephrase the pydantic message of the error types authors meet most."""
    kind, ctx = detail["type"], detail.get("ctx") or {}
    if kind == "model_type" and ctx.get("class_name") == "Text":
        return "write this text in both languages: `{es: ..., en: ...}`"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "expected keys and values (a YAML mapping) here"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        return f"`{detail['input']}` is not an id: write lowercase words joined by `-`"
    if kind == "union_tag_not_found":
        return f"a question needs a `type`: {', '.join(QUESTION_TYPES)}"
    if kind == "union_tag_invalid":
        return f"unknown question type `{ctx.get('tag')}`; use one of {', '.join(QUESTION_TYPES)}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    hint = next((hint for text, hint in HINTS.items() if text in message), None)
    return f"{message}; {hint}" if hint else message


def _prefixed(where: str, message: str) -> str:
    """Put the dotted location before the message, when there is one."""
    return f"{where}: {message}" if where else message


def _in(loc: list[str]) -> str:
    """Return ' in a.b' for a non-empty location."""
    return f" in {'.'.join(loc)}" if loc else ""


def _of(loc: list[str]) -> str:
    """Return ' of a.b' for a non-empty location, else ' of this text'."""
    return f" of {'.'.join(loc)}" if loc else " of this text"
