"""Checks across the files of a course: ids, links, draws, cases, practicum; each with its file and line."""

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from app.courses import markdown, schema
from app.courses.files.sourcefiles import Located, Reader

if TYPE_CHECKING:
    from app.courses.catalog import Course

SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
RESERVED_IDS = {"facilitator"}  # facilitator.es.md / .en.md are the module's notes


def run(reader: Reader, course: "Course", questions: list[Located]) -> None:
    """Record every cross-file problem; files that already failed to read are not blamed again."""
    failed = {problem.path for problem in reader.problems}
    _duplicate_ids(reader, course)
    _duplicate_questions(reader, questions)
    _reserved_ids(reader, course)
    _practicum(reader, course)
    _draws(reader, course, failed)
    _cases(reader, course, questions)
    _glossary_sources(reader, course)
    _links(reader, course, failed)


def _repeats(values: Iterable[str]) -> list[tuple[int, str]]:
    """Return the position and value of every occurrence after the first of a value."""
    seen: set[str] = set()
    repeats = []
    for index, value in enumerate(values):
        if value in seen:
            repeats.append((index, value))
        seen.add(value)
    return repeats


def _duplicate_ids(reader: Reader, course: "Course") -> None:
    """Report repeated module, item, glossary and source ids at their second occurrence."""
    folder = reader.folder
    manifest = folder / "course.yaml"
    for index, value in _repeats(m.id for m in course.manifest.modules):
        reader.problem(
            manifest, reader.line(manifest, ("modules", index, "id")), f"duplicate module id `{value}`"
        )
    places = [(i, j) for i, m in enumerate(course.manifest.modules) for j in range(len(m.items))]
    for index, value in _repeats(item.id for item in course.items()):
        line = reader.line(manifest, ("modules", places[index][0], "items", places[index][1]))
        reader.problem(
            manifest, line, f"duplicate lesson, case or quiz id `{value}`; ids are unique in a course"
        )
    glossary, sources = folder / "glossary.yaml", folder / "sources.yaml"
    for index, value in _repeats(t.id for t in course.glossary):
        reader.problem(
            glossary, reader.line(glossary, ("terms", index, "id")), f"duplicate glossary term `{value}`"
        )
    for index, value in _repeats(s.id for s in course.sources):
        reader.problem(
            sources, reader.line(sources, ("sources", index, "id")), f"duplicate source id `{value}`"
        )


def _duplicate_questions(reader: Reader, questions: list[Located]) -> None:
    """Report a question id used twice in the course (banks and quizzes) at the second one."""
    for index, value in _repeats(q.question.id for q in questions):
        first = next(q for q in questions if q.question.id == value)
        where = "" if first.path == questions[index].path else f" (also in {reader.relative(first.path)})"
        reader.problem(
            questions[index].path,
            questions[index].id_line,
            f"duplicate question id `{value}` in this course{where}",
        )


def _reserved_ids(reader: Reader, course: "Course") -> None:
    """Refuse item ids that would collide with the module's own files."""
    manifest = reader.folder / "course.yaml"
    for i, module in enumerate(course.manifest.modules):
        for j, item in enumerate(module.items):
            if item.id in RESERVED_IDS:
                reader.problem(
                    manifest,
                    reader.line(manifest, ("modules", i, "items", j)),
                    f"`{item.id}` is reserved for the module's notes; give this {item.kind} another id",
                )


def _practicum(reader: Reader, course: "Course") -> None:
    """A practicum belongs to training-of-trainers courses only, and they need one."""
    manifest, info = reader.folder / "course.yaml", course.manifest
    is_tot = info.kind == schema.CourseKind.training_of_trainers
    if is_tot and info.practicum is None:
        reader.problem(
            manifest,
            reader.line(manifest, ("kind",)),
            "a training_of_trainers course needs a `practicum` (the teach-back rubric)",
        )
    if not is_tot and info.practicum is not None:
        reader.problem(
            manifest,
            reader.line(manifest, ("practicum",)),
            "only a training_of_trainers course has a `practicum`; "
            "remove it or set `kind: training_of_trainers`",
        )
    if not is_tot and info.completion.practicum:
        reader.problem(
            manifest,
            reader.line(manifest, ("completion", "practicum")),
            "completion requires a practicum, but only training_of_trainers courses have one",
        )


def _draws(reader: Reader, course: "Course", failed: set[Path]) -> None:
    """Each draw names a bank of the course holding enough questions (of its category)."""
    banks = reader.folder / "banks"
    incomplete = {p.name.split(".")[0] for p in failed if p.parent == reader.relative(banks)}
    for item in course.items():
        path = reader.folder / item.module_id / f"{item.id}.quiz.yaml"
        for n, draw in enumerate(item.quiz.draw if item.quiz else ()):
            line = reader.line(path, ("draw", n, "bank"))
            if draw.bank not in course.banks:
                known = ", ".join(sorted(course.banks)) or "none"
                reader.problem(
                    path,
                    line,
                    f"no bank `{draw.bank}` (banks/{draw.bank}.yaml or banks/{draw.bank}.es.gift); "
                    f"banks of this course: {known}",
                )
                continue
            if draw.bank in incomplete:
                continue  # its own problems are reported; the count would mislead
            available = sum(1 for q in course.banks[draw.bank] if draw.category in (None, q.category))
            category = f" in category `{draw.category}`" if draw.category else ""
            if available == 0 or (draw.count or 0) > available:
                reader.problem(
                    path,
                    line,
                    f"draws {draw.count or 'all'} questions but bank `{draw.bank}` has {available}{category}",
                )


def _cases(reader: Reader, course: "Course", questions: list[Located]) -> None:
    """A question's `case` names a case study of the course."""
    cases = {item.id for item in course.items() if item.kind == "case"}
    for located in questions:
        case = located.question.case
        if case and case not in cases:
            known = ", ".join(sorted(cases)) or "none"
            reader.problem(
                located.path,
                located.case_line,
                f"question `{located.question.id}` names case `{case}`, which is not a case study of this "
                f"course (cases: {known})",
            )


def _glossary_sources(reader: Reader, course: "Course") -> None:
    """A glossary term's `source` is a source id of the course."""
    path, known = reader.folder / "glossary.yaml", {s.id for s in course.sources}
    for index, term in enumerate(course.glossary):
        if term.source and term.source not in known:
            reader.problem(
                path,
                reader.line(path, ("terms", index, "source")),
                f"term `{term.id}` cites source `{term.source}`, which is not in sources.yaml",
            )


def _links(reader: Reader, course: "Course", failed: set[Path]) -> None:
    """Every link and image in the Markdown of lessons, cases and facilitator notes resolves."""
    images = reader.folder / "images"
    known: dict[str, set[str] | None] = {
        "source": {s.id for s in course.sources},
        "glossary": {t.id for t in course.glossary},
        "lesson": {i.id for i in course.items() if i.kind != "quiz"},
        "image": {f"images/{p.name}" for p in images.glob("*")} if images.is_dir() else set(),
    }
    for kind, name in (("source", "sources.yaml"), ("glossary", "glossary.yaml")):
        if reader.relative(reader.folder / name) in failed:
            known[kind] = None  # the file's own problems are reported; its ids are unknown
    for module in course.modules:
        documents = [(item.id, item.body) for item in module.items]
        for stem, texts in [*documents, ("facilitator", module.facilitator)]:
            for lang, text in texts.items():
                _check_references(reader, reader.folder / module.id / f"{stem}.{lang}.md", text, known)


def _check_references(reader: Reader, path: Path, text: str, known: dict[str, set[str] | None]) -> None:
    """Report the broken or unsafe links of one Markdown file at their lines."""
    for ref in markdown.references(text):
        if ref.kind == "url" and not SAFE_URL.match(ref.target):
            reader.problem(
                path,
                ref.line,
                f"link `{ref.target}` is not allowed: use http(s)://, mailto:, source:, "
                "glossary:, lesson: or an images/ path",
            )
        elif ref.kind != "url" and (targets := known[ref.kind]) is not None and ref.target not in targets:
            reader.problem(path, ref.line, f"broken {ref.kind} link: `{ref.target}` {_missing(ref.kind)}")


def _missing(kind: str) -> str:
    """Say where a link target of this kind should have been defined."""
    return {
        "source": "is not in sources.yaml",
        "glossary": "is not in glossary.yaml",
        "lesson": "is not a lesson or case study of this course",
        "image": "is not a file in this course's images/ folder",
    }[kind]
