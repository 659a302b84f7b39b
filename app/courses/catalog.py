"""Course folders as frozen data: `load_course` validates every file, `to_document` freezes a version.

A course with any problem is not loaded at all (None, problems), so a half-valid course never
replaces a running version.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from app.courses import checks, schema
from app.courses.sourcefiles import Problem, Reader

__all__ = ["Course", "Item", "Module", "Problem", "check", "from_document", "load_all", "load_course",
           "to_document"]
LANGUAGES = ("es", "en")
IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
MAX_IMAGE_BYTES = 200 * 1024


@dataclass(frozen=True)
class Item:
    kind: str  # "lesson" | "case" | "quiz"
    id: str
    module_id: str
    minutes: int | None
    required: bool
    title: schema.Text
    body: dict[str, str]
    quiz: schema.Quiz | None


@dataclass(frozen=True)
class Module:
    id: str
    title: schema.Text
    summary: schema.Text | None
    items: tuple[Item, ...]
    facilitator: dict[str, str]


@dataclass(frozen=True)
class Course:
    slug: str
    manifest: schema.Course
    modules: tuple[Module, ...]
    banks: dict[str, tuple[schema.Question, ...]]
    glossary: tuple[schema.GlossaryTerm, ...]
    sources: tuple[schema.Source, ...]
    images: dict[str, bytes]
    content_hash: str

    def items(self) -> list[Item]:
        return [item for module in self.modules for item in module.items]

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items() if item.id == item_id), None)

    def question_count(self) -> int:
        ids = {q.id for bank in self.banks.values() for q in bank}
        ids |= {q.id for item in self.items() if item.quiz for q in item.quiz.questions}
        return len(ids)


def load_all(root: Path) -> tuple[list[Course], list[Problem]]:
    courses, problems = [], []
    for folder in sorted(p for p in root.iterdir() if (p / "course.yaml").is_file()):
        course, found = load_course(folder)
        problems += found
        if course is not None:
            courses.append(course)
    return courses, sorted(problems)


def load_course(folder: Path) -> tuple[Course | None, list[Problem]]:
    """Read and check a whole course folder; the course only when nothing is wrong."""
    reader = Reader(folder)
    manifest, manifest_node = reader.model(folder / "course.yaml", schema.Course)
    glossary = _optional(reader, folder / "glossary.yaml", schema.Glossary)
    sources = _optional(reader, folder / "sources.yaml", schema.Sources)
    banks = _banks(reader, folder)
    images = _images(reader, folder)
    if manifest is None:
        return None, sorted(reader.problems)
    modules = tuple(_module(reader, folder, module, manifest_node, index)
                    for index, module in enumerate(manifest.modules))
    course = _build(folder.name, manifest, modules, banks, glossary, sources, images)
    checks.run(reader, course, manifest_node)
    if reader.problems:
        return None, sorted(reader.problems)
    return course, []


def _optional(reader: Reader, path: Path, model: Any) -> Any:
    return reader.model(path, model)[0] if path.exists() else None


def _banks(reader: Reader, folder: Path) -> dict[str, tuple[schema.Question, ...]]:
    banks: dict[str, tuple[schema.Question, ...]] = {}
    for path in sorted((folder / "banks").glob("*.yaml")):
        bank, _ = reader.model(path, schema.Bank)
        banks[path.stem] = tuple(bank.questions) if bank else ()
    for path in sorted((folder / "banks").glob("*.es.gift")):
        banks[path.name.removesuffix(".es.gift")] = tuple(reader.gift_bank(path))
    return banks


def _images(reader: Reader, folder: Path) -> dict[str, bytes]:
    images = {}
    for path in sorted((folder / "images").glob("*")):
        data = path.read_bytes()
        if path.suffix.lower() not in IMAGE_TYPES:
            reader.problem(path, 1, f"images must be {', '.join(IMAGE_TYPES)}")
        elif len(data) > MAX_IMAGE_BYTES:
            reader.problem(path, 1, f"image is {len(data) // 1024} KB; keep images under 200 KB for phones")
        elif path.suffix.lower() == ".svg" and _unsafe_svg(data):
            reader.problem(path, 1, "SVG contains script, an event handler or a javascript: link")
        else:
            images[f"images/{path.name}"] = data
    return images


def _unsafe_svg(data: bytes) -> bool:
    lowered = data.decode("utf-8", "replace").lower()
    return "<script" in lowered or "javascript:" in lowered or any(
        f" on{event}" in lowered for event in ("load", "click", "error", "mouse", "focus", "begin", "end"))


def _module(reader: Reader, folder: Path, module: schema.Module, node: Any, index: int) -> Module:
    manifest_path = folder / "course.yaml"
    items = []
    for position, entry in enumerate(module.items):
        line = checks.manifest_line(node, ("modules", index, "items", position))
        items.append(_item(reader, folder / module.id, module.id, entry, (manifest_path, line)))
    facilitator = _pair(reader, folder / module.id / "facilitator", (manifest_path,
                        checks.manifest_line(node, ("modules", index))))
    return Module(module.id, module.title, module.summary, tuple(items), facilitator)


def _item(reader: Reader, folder: Path, module_id: str, entry: schema.ModuleItem,
          at: tuple[Path, int]) -> Item:
    if entry.kind == "quiz":
        path = folder / f"{entry.id}.quiz.yaml"
        quiz = reader.model(path, schema.Quiz)[0] if path.exists() else reader.text(path, at=at)
        if not isinstance(quiz, schema.Quiz):
            quiz = None
        title = quiz.title if quiz else schema.Text(es=entry.id, en=entry.id)
        return Item("quiz", entry.id, module_id, entry.minutes, entry.required, title, {}, quiz)
    body = _pair(reader, folder / entry.id, at)
    titles = {lang: checks.markdown_title(reader, folder / f"{entry.id}.{lang}.md", body.get(lang)) for lang in
              LANGUAGES}
    return Item(entry.kind, entry.id, module_id, entry.minutes, entry.required,
                schema.Text(es=titles["es"] or entry.id, en=titles["en"] or entry.id), body, None)


def _pair(reader: Reader, stem: Path, at: tuple[Path, int]) -> dict[str, str]:
    """A Markdown file in Spanish and its English twin."""
    texts = {}
    for lang in LANGUAGES:
        path = stem.with_name(f"{stem.name}.{lang}.md")
        text = reader.text(path, at=at)
        if text is not None:
            texts[lang] = text
    return texts


def _build(slug: str, manifest: schema.Course, modules: tuple[Module, ...],
           banks: dict[str, tuple[schema.Question, ...]], glossary: Any, sources: Any,
           images: dict[str, bytes]) -> Course:
    course = Course(slug, manifest, modules, banks, tuple(glossary.terms) if glossary else (),
                    tuple(sources.sources) if sources else (), images, "")
    digest = hashlib.sha256(json.dumps(to_document(course), sort_keys=True, ensure_ascii=False).encode())
    return Course(**{**course.__dict__, "content_hash": digest.hexdigest()})


def to_document(course: Course) -> dict[str, Any]:
    """Everything but the images' bytes, as JSON-ready data (the images by path and SHA-256)."""
    return {
        "slug": course.slug,
        "manifest": course.manifest.model_dump(mode="json"),
        "modules": [{"id": m.id, "title": m.title.model_dump(), "summary": m.summary.model_dump() if m.summary
                     else None, "facilitator": m.facilitator, "items": [_item_document(i) for i in m.items]}
                    for m in course.modules],
        "banks": {bank: [q.model_dump(mode="json") for q in questions] for bank, questions in course.banks.items()},
        "glossary": [t.model_dump(mode="json") for t in course.glossary],
        "sources": [s.model_dump(mode="json") for s in course.sources],
        "images": {path: hashlib.sha256(data).hexdigest() for path, data in course.images.items()},
    }


def _item_document(item: Item) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "module_id": item.module_id, "minutes": item.minutes,
            "required": item.required, "title": item.title.model_dump(), "body": item.body,
            "quiz": item.quiz.model_dump(mode="json") if item.quiz else None}


_QUESTIONS = TypeAdapter(list[schema.Question])


def from_document(document: dict[str, Any], images: dict[str, bytes]) -> Course:
    """The inverse of to_document: a stored version back as a Course."""
    modules = tuple(Module(
        m["id"], schema.Text(**m["title"]), schema.Text(**m["summary"]) if m["summary"] else None,
        tuple(Item(i["kind"], i["id"], i["module_id"], i["minutes"], i["required"], schema.Text(**i["title"]),
                   i["body"], schema.Quiz.model_validate(i["quiz"]) if i["quiz"] else None) for i in m["items"]),
        m["facilitator"]) for m in document["modules"])
    course = Course(
        document["slug"], schema.Course.model_validate(document["manifest"]), modules,
        {bank: tuple(_QUESTIONS.validate_python(qs)) for bank, qs in document["banks"].items()},
        tuple(schema.GlossaryTerm.model_validate(t) for t in document["glossary"]),
        tuple(schema.Source.model_validate(s) for s in document["sources"]), images, "")
    digest = hashlib.sha256(json.dumps(to_document(course), sort_keys=True, ensure_ascii=False).encode())
    return Course(**{**course.__dict__, "content_hash": digest.hexdigest()})


def check(path: Path) -> tuple[int, list[str]]:
    """(0, []) when every course under `path` (a courses folder or one course) is valid."""
    if (path / "course.yaml").is_file():
        _, problems = load_course(path)
        root = path.parent
    else:
        _, problems = load_all(path)
        root = path
    return (1 if problems else 0), [f"{root / p.path}:{p.line}: {p.message}" for p in problems]
