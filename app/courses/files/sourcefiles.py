"""Reading course files with line numbers: YAML validated by the schema, Markdown and GIFT banks.

Every problem becomes a `Problem(path, line, message)` an author can act on; nothing here raises
on bad course content.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import SafeConstructor

from app.courses import schema
from app.courses.files.yamlerrors import describe, line_of

M = TypeVar("M", bound=BaseModel)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(source: str) -> Any:
    """The node tree of a YAML text, parsed once: the data is built from it, and line numbers read on it.

    libyaml's parser where PyYAML has it (several times faster: start-up loads every course); after a
    syntax error the pure-Python parser runs again for its message, which says what it expected."""
    try:
        return yaml.compose(source, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(source, Loader=yaml.SafeLoader)


@dataclass(frozen=True, order=True)
class Problem:
    """A mistake in a course file, at a 1-based line (1 when it is about the whole file)."""

    path: Path  # relative to the courses root, starting with the course folder
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Located:
    """A question with the file and lines where its id and its `case` are written."""

    question: schema.Question
    path: Path
    id_line: int
    case_line: int


@dataclass
class Reader:
    """Reads the files of one course folder, collecting problems instead of raising."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)
    nodes: dict[Path, Any] = field(default_factory=dict)  # YAML node trees, for line numbers

    def relative(self, path: Path) -> Path:
        """Return the path relative to the courses root (the course folder's parent)."""
        try:
            return path.relative_to(self.folder.parent)
        except ValueError:
            return path

    def problem(self, path: Path, line: int, message: str) -> None:
        """Record a problem in `path` at `line`."""
        self.problems.append(Problem(self.relative(path), line, message))

    def line(self, path: Path, loc: Sequence[int | str]) -> int:
        """Return the line of the key or item at `loc` in a YAML file read earlier."""
        return line_of(self.nodes.get(path), loc)

    def read(self, path: Path) -> str | None:
        """Return the text of an existing file, or None (with a problem) if it is not UTF-8."""
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problem(path, 1, "this file is not UTF-8 text; save it as UTF-8")
        except OSError as error:
            self.problem(path, 1, f"cannot read this file ({error.strerror or error})")
        return None

    def model(self, path: Path, model: type[M]) -> M | None:
        """Return the YAML file validated as `model`, or None after recording its problems."""
        if not path.is_file():
            self.problem(path, 1, f"missing file {self.relative(path)}")
            return None
        source = self.read(path)
        parsed = self._yaml(path, source) if source is not None else None
        if parsed is None:
            return None
        node, data = parsed
        try:
            return model.model_validate(data if data is not None else {})
        except ValidationError as error:
            for detail in error.errors():
                self.problem(path, line_of(node, detail["loc"]), describe(detail))
            return None

    def _yaml(self, path: Path, source: str) -> tuple[Any, Any] | None:
        """Return the node tree and the data of a YAML file, or None after a syntax error."""
        try:
            node = _compose(source)
            data = SafeConstructor().construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as error:
            self.problem(path, *_syntax_error(error, source.count("\n")))
            return None
        except yaml.YAMLError as error:
            self.problem(path, 1, f"YAML syntax error: {error}")
            return None
        self.nodes[path] = node
        self._duplicate_keys(path, node)
        return node, data

    def _duplicate_keys(self, path: Path, node: Any) -> None:
        """Report a key written twice in one mapping (YAML would silently keep the last)."""
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    self.problem(path, key.start_mark.line + 1, f"duplicate key `{key.value}`; write it once")
                seen.add(key.value if isinstance(key, yaml.ScalarNode) else "")
        for child in _children(node):
            self._duplicate_keys(path, child)

    def located(self, path: Path, questions: Sequence[schema.Question]) -> list[Located]:
        """Place the `questions` list of a YAML bank or quiz at the lines of their ids."""
        return [
            Located(
                q, path, self.line(path, ("questions", i, "id")), self.line(path, ("questions", i, "case"))
            )
            for i, q in enumerate(questions)
        ]


def _syntax_error(error: yaml.MarkedYAMLError, last_line: int) -> tuple[int, str]:
    """Return the line and message of a YAML syntax error; at the end of a file, where the open part began."""
    problem, context = error.problem_mark, error.context_mark
    at_end = problem is not None and problem.line >= last_line and context is not None
    mark = context if at_end else problem or context
    where = f" ({error.context}, line {context.line + 1})" if error.context and context else ""
    return (mark.line + 1 if mark else 1), f"YAML syntax error: {error.problem or error}{where}"


def _children(node: Any) -> list[Any]:
    """Return the child nodes of a YAML mapping (values only) or sequence."""
    if isinstance(node, yaml.MappingNode):
        return [value for _, value in node.value]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
