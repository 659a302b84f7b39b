"""Reading a course folder: `load_course` validates every file and returns a `catalog.Course`.

A course with any problem is not loaded at all (None, problems), so a half-valid course never
replaces a running version. Reading files is in `sourcefiles`, checks across files in `checks`.
"""

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.courses import evaluation, markdown, schema
from app.courses.catalog import Course, Item, Module, with_hash
from app.courses.files import bankfiles, checks, imagefiles
from app.courses.files.sourcefiles import Located, Problem, Reader
from app.courses.files.yamlerrors import SLUG_PATTERN

LANGUAGES = ("es", "en")
LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}
SLUG = re.compile(SLUG_PATTERN)
KIND_NAMES = {"lesson": "lesson", "case": "case study", "facilitator": "facilitator notes"}


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
    course = with_hash(
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
