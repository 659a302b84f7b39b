"""Course content as pages: Markdown rendered safely with links resolved inside one course version."""

from dataclasses import dataclass

from markupsafe import Markup

from app.courses import catalog, markdown
from app.courses.schema import Quiz, Text
from app.i18n import current_language, gettext

MIME_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


@dataclass(frozen=True, eq=False)
class CourseLinks:
    """Resolves `source:`, `glossary:`, `lesson:` and image links to URLs of this course version."""

    course: catalog.Course
    version_id: int

    def source(self, id: str) -> str | None:
        known = any(source.id == id for source in self.course.sources)
        return f"/courses/{self.course.slug}/sources#source-{id}" if known else None

    def glossary(self, id: str) -> str | None:
        known = any(term.id == id for term in self.course.glossary)
        return f"/courses/{self.course.slug}/glossary#term-{id}" if known else None

    def lesson(self, id: str) -> str | None:
        item = self.course.item(id)
        return f"/courses/{self.course.slug}/{id}" if item and item.kind != "quiz" else None

    def image(self, path: str) -> str | None:
        return (
            f"/courses/{self.course.slug}/v{self.version_id}/{path}" if path in self.course.images else None
        )


def _labels() -> dict[str, str]:
    return {
        "note": gettext("Nota"),
        "warning": gettext("Atención"),
        "legal": gettext("Texto legal"),
        "table": gettext("Tabla (desplácela hacia los lados)"),
    }


_rendered: dict[tuple[str, int, str, str], Markup] = {}


def render(source: str, course: catalog.Course, version_id: int) -> Markup:
    """Sanitised HTML for a Markdown body of the course (memoised: versions never change)."""
    key = (course.content_hash, version_id, current_language(), source)
    if key not in _rendered:
        # Markup is safe here: markdown.render escapes raw HTML and allows only vetted links.
        _rendered[key] = Markup(markdown.render(source, CourseLinks(course, version_id), labels=_labels()))
    return _rendered[key]


def body(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("es", "")


def text(value: Text | None, language: str) -> str:
    return value.get(language) if value else ""


def neighbours(course: catalog.Course, item_id: str) -> tuple[catalog.Item | None, catalog.Item | None]:
    """The items before and after `item_id` in study order."""
    items = course.items()
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:  # not in the study order (the pre- and post-test forms)
        return None, None
    return (items[index - 1] if index > 0 else None, items[index + 1] if index + 1 < len(items) else None)


def module_minutes(module: catalog.Module) -> int:
    return sum(item.minutes or 0 for item in module.items)


def quiz_size(course: catalog.Course, quiz: Quiz) -> int:
    """How many questions one attempt of `quiz` holds."""
    drawn = 0
    for draw in quiz.draw:
        available = [q for q in course.banks.get(draw.bank, ()) if draw.category in (None, q.category)]
        drawn += min(draw.count or len(available), len(available))
    return len(quiz.questions) + drawn
