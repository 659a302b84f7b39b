"""Course content as pages: Markdown rendered safely with links resolved inside one course version."""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from app.courses import catalog, markdown
from app.courses.schema import Quiz, Text
from app.i18n import N_, current_language, gettext

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


@dataclass(frozen=True)
class OutlineItem:
    id: str
    kind: str
    link: Markup  # to the item, with its title
    meta: str  # kind and minutes


@dataclass(frozen=True)
class OutlineModule:
    id: str
    title: str
    summary: str
    minutes: str
    facilitator_path: str
    items: tuple[OutlineItem, ...]


_outlines: dict[tuple[str, str], tuple[OutlineModule, ...]] = {}
_KINDS = {"case": N_("Caso"), "quiz": N_("Cuestionario"), "lesson": N_("Lección")}


def outline(course: catalog.Course, path_for: Callable[..., str]) -> tuple[OutlineModule, ...]:
    """The modules and items as the course page lists them, in the reader's language. Memoised per
    version and language: building it was most of the course page, and only the done marks are the
    reader's own."""
    key = (course.content_hash, current_language())
    if key not in _outlines:
        language = key[1]
        _outlines[key] = tuple(
            OutlineModule(
                id=module.id,
                title=text(module.title, language),
                summary=text(module.summary, language),
                minutes=gettext("%(minutes)s minutos") % {"minutes": module_minutes(module)},
                facilitator_path=path_for("courses:facilitator", slug=course.slug, module_id=module.id),
                items=tuple(_outline_item(course, item, language, path_for) for item in module.items),
            )
            for module in course.modules
        )
    return _outlines[key]


def _outline_item(
    course: catalog.Course, item: catalog.Item, language: str, path_for: Callable[..., str]
) -> OutlineItem:
    meta = gettext(_KINDS.get(item.kind, _KINDS["lesson"]))
    if item.minutes:
        meta += " · " + gettext("%(minutes)s min") % {"minutes": item.minutes}
    path = path_for("courses:item", slug=course.slug, item_id=item.id)
    link = Markup('<a href="{}">{}</a>').format(path, text(item.title, language))
    return OutlineItem(item.id, item.kind, link, meta)


def module_minutes(module: catalog.Module) -> int:
    return sum(item.minutes or 0 for item in module.items)


def quiz_size(course: catalog.Course, quiz: Quiz) -> int:
    """How many questions one attempt of `quiz` holds."""
    drawn = 0
    for draw in quiz.draw:
        available = [q for q in course.banks.get(draw.bank, ()) if draw.category in (None, q.category)]
        drawn += min(draw.count or len(available), len(available))
    return len(quiz.questions) + drawn
