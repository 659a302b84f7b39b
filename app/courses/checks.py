"""Checks across the files of a course: ids, links, draws, cases, practicum; each with file and line."""

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.courses import markdown, schema
from app.courses.sourcefiles import Reader, line_of

if TYPE_CHECKING:
    from app.courses.catalog import Course

SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def manifest_line(node: Any, loc: tuple[int | str, ...]) -> int:
    return line_of(node, loc) if node is not None else 1


def markdown_title(reader: Reader, path: Path, text: str | None) -> str | None:
    if text is None:
        return None
    title = markdown.title(text)
    if not title:
        reader.problem(path, 1, "a lesson starts with its title: `# Title`")
    return title


def find_line(path: Path, needle: str, occurrence: int = 1) -> int:
    """The line of the n-th line containing `needle` (1 if not found)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if path.exists() else ():
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    return 1


def run(reader: Reader, course: "Course", manifest_node: Any) -> None:
    _duplicate_ids(reader, course, manifest_node)
    _practicum(reader, course, manifest_node)
    _quizzes(reader, course)
    _links(reader, course)


def _duplicates(ids: list[str]) -> list[tuple[str, int]]:
    """Each repeated id with the occurrence number of each repeat (2, 3, ...)."""
    seen: Counter[str] = Counter()
    repeats = []
    for value in ids:
        seen[value] += 1
        if seen[value] > 1:
            repeats.append((value, seen[value]))
    return repeats


def _duplicate_ids(reader: Reader, course: "Course", node: Any) -> None:
    folder, manifest = reader.folder, reader.folder / "course.yaml"
    for value, n in _duplicates([m.id for m in course.manifest.modules]):
        reader.problem(manifest, find_line(manifest, f"id: {value}", n), f"duplicate module id `{value}`")
    for value, n in _duplicates([i.id for i in course.items()]):
        reader.problem(manifest, find_line(manifest, f": {value}", n), f"duplicate lesson, case or quiz id `{value}`")
    for value, n in _duplicates([t.id for t in course.glossary]):
        path = folder / "glossary.yaml"
        reader.problem(path, find_line(path, f"id: {value}", n), f"duplicate glossary term id `{value}`")
    for value, n in _duplicates([s.id for s in course.sources]):
        path = folder / "sources.yaml"
        reader.problem(path, find_line(path, f"id: {value}", n), f"duplicate source id `{value}`")
    located = list(_question_files(course, folder))
    for value, n in _duplicates([question.id for question, _ in located]):
        paths = [p for q, p in located if q.id == value]
        path, nth_in_file = paths[n - 1], paths[:n].count(paths[n - 1])
        line = find_line(path, f"id: {value}", nth_in_file) if path.suffix == ".yaml" else 1
        reader.problem(path, line, f"duplicate question id `{value}` in this course")


def _question_files(course: "Course", folder: Path) -> Any:
    for bank, questions in course.banks.items():
        path = folder / "banks" / f"{bank}.yaml"
        for question in questions:
            yield question, path if path.exists() else folder / "banks" / f"{bank}.es.gift"
    for item in course.items():
        for question in item.quiz.questions if item.quiz else ():
            yield question, folder / item.module_id / f"{item.id}.quiz.yaml"


def _practicum(reader: Reader, course: "Course", node: Any) -> None:
    manifest = reader.folder / "course.yaml"
    is_tot = course.manifest.kind == schema.CourseKind.training_of_trainers
    if is_tot and course.manifest.practicum is None:
        reader.problem(manifest, manifest_line(node, ("kind",)), "a training_of_trainers course needs a `practicum`")
    if not is_tot and course.manifest.practicum is not None:
        reader.problem(manifest, manifest_line(node, ("practicum",)),
                       "only a training_of_trainers course has a `practicum`")


def _quizzes(reader: Reader, course: "Course") -> None:
    cases = {i.id for i in course.items() if i.kind == "case"}
    for question, path in _question_files(course, reader.folder):
        if question.case and question.case not in cases:
            reader.problem(path, find_line(path, f"case: {question.case}"),
                           f"question `{question.id}` names case `{question.case}`, which is not a case of this course")
    for item in course.items():
        path = reader.folder / item.module_id / f"{item.id}.quiz.yaml"
        for n, draw in enumerate(item.quiz.draw if item.quiz else ()):
            line = find_line(path, f"bank: {draw.bank}", 1 + [d.bank for d in item.quiz.draw[:n]].count(draw.bank))  # type: ignore[union-attr]
            if draw.bank not in course.banks:
                reader.problem(path, line, f"no bank `{draw.bank}` (banks/{draw.bank}.yaml or .es.gift)")
                continue
            available = sum(1 for q in course.banks[draw.bank] if draw.category in (None, q.category))
            if draw.count and draw.count > available:
                category = f" in category `{draw.category}`" if draw.category else ""
                reader.problem(path, line, f"draws {draw.count} questions but bank `{draw.bank}` has {available}"
                                           f"{category}")


def _links(reader: Reader, course: "Course") -> None:
    known = {"source": {s.id for s in course.sources}, "glossary": {t.id for t in course.glossary},
             "lesson": {i.id for i in course.items() if i.kind != "quiz"}, "image": set(course.images)}
    for module in course.modules:
        documents = [(f"{item.id}", item.body) for item in module.items] + [("facilitator", module.facilitator)]
        for stem, texts in documents:
            for lang, text in texts.items():
                _check_references(reader, reader.folder / module.id / f"{stem}.{lang}.md", text, known)


def _check_references(reader: Reader, path: Path, text: str, known: dict[str, set[str]]) -> None:
    for ref in markdown.references(text):
        if ref.kind == "url":
            if not SAFE_URL.match(ref.target):
                reader.problem(path, ref.line, f"link `{ref.target}` is not allowed: use http(s)://, mailto:, "
                                               "source:, glossary:, lesson: or images/")
        elif ref.target not in known[ref.kind]:
            reader.problem(path, ref.line, f"broken {ref.kind} link: `{ref.target}` does not exist in this course")
