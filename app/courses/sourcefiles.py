"""Reading course files with line numbers: YAML validated by the schema, Markdown and GIFT banks.

Every problem becomes a `Problem(path, line, message)` an author can act on.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.courses import gift, schema

M = TypeVar("M", bound=BaseModel)
QUESTION = TypeAdapter(schema.Question)


@dataclass(frozen=True, order=True)
class Problem:
    path: Path  # relative to the courses root, starting with the course folder
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Reader:
    """Reads files of one course folder, collecting problems instead of raising."""

    folder: Path
    problems: list[Problem] = field(default_factory=list)

    def relative(self, path: Path) -> Path:
        return path.relative_to(self.folder.parent)

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.relative(path), line, message))

    def text(self, path: Path, *, at: tuple[Path, int] | None = None) -> str | None:
        if not path.is_file():
            where = at or (path, 1)
            self.problem(where[0], where[1], f"missing file {self.relative(path)}")
            return None
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problem(path, 1, "not UTF-8 text; save the file as UTF-8")
            return None

    def model(self, path: Path, model: type[M]) -> tuple[M | None, Any]:
        """The file validated as `model`, and its YAML node tree (for line numbers of later checks)."""
        source = self.text(path)
        if source is None:
            return None, None
        try:
            node = yaml.compose(source, Loader=yaml.SafeLoader)
            data = yaml.safe_load(source)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            self.problem(path, (mark.line + 1) if mark else 1, f"YAML syntax: {error.problem or error}")
            return None, None
        try:
            return model.model_validate(data if data is not None else {}), node
        except ValidationError as error:
            for detail in error.errors():
                self.problem(path, line_of(node, detail["loc"]), describe(detail))
            return None, node

    def question(self, path: Path, line: int, data: dict[str, Any]) -> schema.Question | None:
        try:
            return QUESTION.validate_python(data)
        except ValidationError as error:
            for detail in error.errors():
                self.problem(path, line, describe(detail))
            return None

    def gift_bank(self, es_path: Path) -> list[schema.Question]:
        """A GIFT bank and its optional English twin, as schema questions."""
        es = self._gift(es_path)
        en_path = es_path.with_name(es_path.name.replace(".es.gift", ".en.gift"))
        en = self._gift(en_path) if en_path.exists() else []
        twins = {q.title: q for q in en}
        questions = []
        for index, question in enumerate(es, start=1):
            twin = twins.get(question.title)
            if en and twin is None:
                self.problem(es_path, question.line, f"no question titled ::{question.title}:: in {en_path.name}")
            data = gift.to_schema_question(question, twin, question_id=gift.question_id_for(question, index))
            parsed = self.question(es_path, question.line, data)
            if parsed is not None:
                questions.append(parsed)
        return questions

    def _gift(self, path: Path) -> list[gift.GiftQuestion]:
        source = self.text(path)
        if source is None:
            return []
        result = gift.parse(source)
        for error in result.errors:
            self.problem(path, error.line, error.message)
        return [q for q in result.questions if q.type != "description"]


def line_of(node: Any, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the YAML key or item that a pydantic error location points at."""
    line = node.start_mark.line + 1 if node is not None else 1
    for segment in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(segment, str):
            match = next(((k, v) for k, v in node.value if k.value == segment), None)
            if match is None:
                continue  # a discriminator tag or a missing key: stay on the mapping
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int) and segment < len(node.value):
            node = node.value[segment]
            line = node.start_mark.line + 1
    return line


def describe(detail: Any) -> str:
    """A pydantic error in course-author words."""
    loc = [str(part) for part in detail["loc"] if not str(part) in _TYPE_TAGS]
    where = ".".join(loc)
    if detail["type"] == "extra_forbidden":
        return f"unknown key `{loc[-1]}`" + (f" in {'.'.join(loc[:-1])}" if len(loc) > 1 else "")
    if detail["type"] == "missing":
        if loc and loc[-1] == "en":
            return f"missing English translation (`en`) of {'.'.join(loc[:-1]) or 'this text'}"
        return f"missing required key `{loc[-1]}`" if loc else "missing required key"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


_TYPE_TAGS = {"single", "multiple", "true_false", "matching", "short", "numeric", "open"}
