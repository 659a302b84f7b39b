"""Course folders as frozen data: `load_course` validates every file, `to_document` freezes a version.

A course with any problem is not loaded at all (None, problems), so a half-valid course never
replaces a running version. Reading files is in `sourcefiles`, checks across files in `checks`.
"""

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from app.courses import evaluation, markdown, schema
from app.courses.files import bankfiles, checks, imagefiles
from app.courses.files.sourcefiles import Located, Problem, Reader
from app.courses.files.yamlerrors import SLUG_PATTERN

__all__ = [
    "Course",
    "Item",
    "Module",
    "Problem",
    "check",
    "from_document",
    "load_all",
    "load_course",
    "to_document",
]
LANGUAGES = ("es", "en")
LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}
SLUG = re.compile(SLUG_PATTERN)
KIND_NAMES = {"lesson": "lesson", "case": "case study", "facilitator": "facilitator notes"}


@dataclass(frozen=True)
class Item:
    """A step of a module: a lesson or case (Markdown in both languages) or a quiz."""

    kind: str  # "lesson" | "case" | "quiz"
    id: str
    module_id: str
    minutes: int | None
    required: bool
    title: schema.Text  # lesson/case: the "# Title" of each language; quiz: quiz.title
    body: dict[str, str]  # lesson/case: {"es": markdown, "en": markdown}; quiz: {}
    quiz: schema.Quiz | None  # quiz only


@dataclass(frozen=True)
class Module:
    """A module of a course with its items in study order and its facilitator notes."""

    id: str
    title: schema.Text
    summary: schema.Text | None
    items: tuple[Item, ...]
    facilitator: dict[str, str]  # {"es": markdown, "en": markdown}


@dataclass(frozen=True)
class Course:
    """Everything in one course folder, validated."""

    slug: str
    manifest: schema.Course
    modules: tuple[Module, ...]
    banks: dict[str, tuple[schema.Question, ...]]  # YAML banks and GIFT banks (es/en merged)
    glossary: tuple[schema.GlossaryTerm, ...]
    sources: tuple[schema.Source, ...]
    images: dict[str, bytes]  # "images/x.svg" -> bytes
    content_hash: str  # sha256 of the canonical document: same files, same hash
    evaluation: schema.Evaluation | None = None  # evaluation.yaml: the pre-test and post-test

    def items(self) -> list[Item]:
        """Return every item of every module in study order."""
        return [item for module in self.modules for item in module.items]

    def item(self, item_id: str) -> Item | None:
        """Return the lesson, case or quiz with this id (the pre-test and post-test too), or None."""
        found = next((item for item in self.items() if item.id == item_id), None)
        return found or evaluation.form_item(self, item_id)

    def question_count(self) -> int:
        """Return the number of distinct questions in the banks and the quizzes."""
        ids = {q.id for bank in self.banks.values() for q in bank}
        ids |= {q.id for item in self.items() if item.quiz for q in item.quiz.questions}
        return len(ids)


# --- loading -----------------------------------------------------------------------------


def load_all(root: Path) -> tuple[list[Course], list[Problem]]:
    """Load every subfolder of `root` holding a course.yaml; problems sorted by file and line."""
    if not root.is_dir():
        return [], [Problem(root, 1, "no such folder")]
    courses, problems = [], []
    for folder in course_folders(root):
        course, found = load_course(folder)
        problems += found
        if course is not None:
            courses.append(course)
    return courses, sorted(problems)


def course_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "course.yaml").is_file())


def load_course(folder: Path) -> tuple[Course | None, list[Problem]]:
    """Read and check a whole course folder; the course only when nothing is wrong."""
    folder = folder.resolve() if folder.name in ("", ".", "..") else folder
    reader = Reader(folder)
    manifest = reader.model(folder / "course.yaml", schema.Course)
    glossary = _optional(reader, folder / "glossary.yaml", schema.Glossary)
    sources = _optional(reader, folder / "sources.yaml", schema.Sources)
    forms = _optional(reader, folder / "evaluation.yaml", schema.Evaluation)
    banks, questions = bankfiles.load(reader, folder / "banks")
    course_images = imagefiles.load(reader, folder / "images")
    _check_slug(reader, folder)
    if manifest is None:
        return None, sorted(reader.problems)
    modules = tuple(
        _module(reader, folder, module, i, questions) for i, module in enumerate(manifest.modules)
    )
    course = _with_hash(
        Course(
            folder.name,
            manifest,
            modules,
            banks,
            tuple(glossary.terms) if glossary else (),
            tuple(sources.sources) if sources else (),
            course_images,
            "",
            forms,
        )
    )
    checks.run(reader, course, questions)
    evaluation.check(reader, course)
    return (None, sorted(reader.problems)) if reader.problems else (course, [])


def _check_slug(reader: Reader, folder: Path) -> None:
    """The folder name is the course slug, used in URLs."""
    if not SLUG.match(folder.name):
        message = (
            "the folder name is the course's id in URLs: rename the folder to lowercase words joined by `-`"
        )
        reader.problem(folder / "course.yaml", 1, message)


def _optional(reader: Reader, path: Path, model: Any) -> Any:
    """Return an optional YAML file validated as `model`, or None when it is absent."""
    return reader.model(path, model) if path.exists() else None


def _module(
    reader: Reader, folder: Path, module: schema.Module, index: int, located: list[Located]
) -> Module:
    """Build a module: its items in order and its facilitator notes."""
    manifest = folder / "course.yaml"
    items = []
    for position, entry in enumerate(module.items):
        at = (manifest, reader.line(manifest, ("modules", index, "items", position)))
        items.append(_item(reader, folder / module.id, module.id, entry, at, located))
    at = (manifest, reader.line(manifest, ("modules", index, "id")))
    facilitator = _markdown_pair(reader, folder / module.id / "facilitator", "facilitator", at)
    return Module(module.id, module.title, module.summary, tuple(items), facilitator)


def _item(
    reader: Reader,
    folder: Path,
    module_id: str,
    entry: schema.ModuleItem,
    at: tuple[Path, int],
    located: list[Located],
) -> Item:
    """Build one lesson, case or quiz from its files."""
    if entry.kind == "quiz":
        quiz = _quiz(reader, folder / f"{entry.id}.quiz.yaml", at, located)
        title = quiz.title if quiz else schema.Text(es=entry.id, en=entry.id)
        return Item("quiz", entry.id, module_id, entry.minutes, entry.required, title, {}, quiz)
    body = _markdown_pair(reader, folder / entry.id, entry.kind, at)
    titles = {lang: (markdown.title(body[lang]) if lang in body else None) or entry.id for lang in LANGUAGES}
    return Item(
        entry.kind, entry.id, module_id, entry.minutes, entry.required, schema.Text(**titles), body, None
    )


def _quiz(reader: Reader, path: Path, at: tuple[Path, int], located: list[Located]) -> schema.Quiz | None:
    """Read a quiz file listed in the manifest, placing its questions for later checks."""
    if not path.is_file():
        reader.problem(*at, f"missing file {reader.relative(path)}: the quiz listed here has no file")
        return None
    quiz = reader.model(path, schema.Quiz)
    located += reader.located(path, quiz.questions) if quiz else []
    return quiz


def _markdown_pair(reader: Reader, stem: Path, kind: str, at: tuple[Path, int]) -> dict[str, str]:
    """Read `<stem>.es.md` and its English twin, reporting a missing file or title."""
    paths = {lang: stem.with_name(f"{stem.name}.{lang}.md") for lang in LANGUAGES}
    missing = [lang for lang, path in paths.items() if not path.is_file()]
    if len(missing) == 2:
        needed = (
            "every module needs facilitator notes in Spanish and English"
            if kind == "facilitator"
            else f"the {KIND_NAMES[kind]} listed here has no Markdown files"
        )
        both = f"{reader.relative(paths['es'])} and its English twin {paths['en'].name}"
        reader.problem(*at, f"missing file {both}: {needed}")
    elif missing:
        lang, other = missing[0], next(lang for lang in LANGUAGES if lang not in missing)
        reader.problem(
            *at,
            f"missing file {reader.relative(paths[lang])}: the {LANGUAGE_NAMES[lang]} "
            f"translation of {paths[other].name}",
        )
    texts = {}
    for lang, path in paths.items():
        text = reader.read(path) if lang not in missing else None
        if text is not None:
            texts[lang] = text
            if not markdown.title(text):
                starts = "start with their" if kind == "facilitator" else "starts with its"
                reader.problem(path, 1, f"{_article(KIND_NAMES[kind])} {starts} title: `# Title`")
    return texts


def _article(name: str) -> str:
    """Return the name with an article where English needs one."""
    return name if name.endswith("notes") else f"a {name}"


# --- documents ---------------------------------------------------------------------------


def _with_hash(course: Course) -> Course:
    """Return the course with the sha256 of its canonical document."""
    canonical = json.dumps(to_document(course), sort_keys=True, ensure_ascii=False)
    return replace(course, content_hash=hashlib.sha256(canonical.encode()).hexdigest())


def to_document(course: Course) -> dict[str, Any]:
    """Return everything but the images' bytes as JSON-ready data (images by path and sha256)."""
    # The evaluation key only when there is one: documents (and hashes) of older versions stay as they were.
    forms = {"evaluation": course.evaluation.model_dump(mode="json")} if course.evaluation else {}
    return forms | {
        "slug": course.slug,
        "manifest": course.manifest.model_dump(mode="json"),
        "modules": [_module_document(module) for module in course.modules],
        "banks": {bank: [q.model_dump(mode="json") for q in qs] for bank, qs in course.banks.items()},
        "glossary": [t.model_dump(mode="json") for t in course.glossary],
        "sources": [s.model_dump(mode="json") for s in course.sources],
        "images": {path: hashlib.sha256(data).hexdigest() for path, data in course.images.items()},
    }


def _module_document(module: Module) -> dict[str, Any]:
    """Return a module as JSON-ready data."""
    return {
        "id": module.id,
        "title": module.title.model_dump(),
        "summary": module.summary.model_dump() if module.summary else None,
        "facilitator": module.facilitator,
        "items": [_item_document(item) for item in module.items],
    }


def _item_document(item: Item) -> dict[str, Any]:
    """Return an item as JSON-ready data."""
    return {
        "kind": item.kind,
        "id": item.id,
        "module_id": item.module_id,
        "minutes": item.minutes,
        "required": item.required,
        "title": item.title.model_dump(),
        "body": item.body,
        "quiz": item.quiz.model_dump(mode="json") if item.quiz else None,
    }


_QUESTIONS: TypeAdapter[list[schema.Question]] = TypeAdapter(list[schema.Question])


def from_document(document: dict[str, Any], images: dict[str, bytes]) -> Course:
    """Rebuild the Course that to_document stored, validating it with the schema models."""
    expected = document["images"]
    if {path: hashlib.sha256(data).hexdigest() for path, data in images.items()} != expected:
        raise ValueError("the images given do not match the images listed in the document")
    course = Course(
        document["slug"],
        schema.Course.model_validate(document["manifest"]),
        tuple(_module_from(m) for m in document["modules"]),
        {bank: tuple(_QUESTIONS.validate_python(qs)) for bank, qs in document["banks"].items()},
        tuple(schema.GlossaryTerm.model_validate(t) for t in document["glossary"]),
        tuple(schema.Source.model_validate(s) for s in document["sources"]),
        dict(images),
        "",
        schema.Evaluation.model_validate(document["evaluation"]) if document.get("evaluation") else None,
    )
    return _with_hash(course)


def _module_from(data: dict[str, Any]) -> Module:
    """Rebuild a module from its document."""
    summary = schema.Text.model_validate(data["summary"]) if data["summary"] else None
    items = tuple(_item_from(item) for item in data["items"])
    return Module(
        data["id"], schema.Text.model_validate(data["title"]), summary, items, dict(data["facilitator"])
    )


def _item_from(data: dict[str, Any]) -> Item:
    """Rebuild an item from its document."""
    quiz = schema.Quiz.model_validate(data["quiz"]) if data["quiz"] else None
    return Item(
        data["kind"],
        data["id"],
        data["module_id"],
        data["minutes"],
        data["required"],
        schema.Text.model_validate(data["title"]),
        dict(data["body"]),
        quiz,
    )


# --- command line ------------------------------------------------------------------------


def check(path: Path) -> tuple[int, list[str]]:
    """Return (0, []) when every course under `path` (a courses root or one course) is valid."""
    path = path.resolve() if path.name in ("", ".", "..") else path
    if not path.is_dir():
        return 1, [f"{path}: no such folder"]
    if (path / "course.yaml").is_file():
        root, (_, problems) = path.parent, load_course(path)
    else:
        root, (_, problems) = path, load_all(path)
    return (1 if problems else 0), [str(replace(p, path=root / p.path)) for p in problems]
