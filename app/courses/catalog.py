"""Course versions as frozen data: `to_document` freezes a version, `from_document` rebuilds it.

Reading and checking a course folder is in `files.folders`; only the processes that read folders
(start-up's child, the CLI) import it and its YAML reader.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter

from app.courses import evaluation, schema

__all__ = ["Course", "Item", "Module", "from_document", "to_document", "with_hash"]


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


# --- documents ---------------------------------------------------------------------------


def with_hash(course: Course) -> Course:
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
    return with_hash(course)


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
