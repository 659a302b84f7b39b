"""Question banks: `banks/<bank>.yaml`, or `banks/<bank>.es.gift` with its English twin `<bank>.en.gift`.

GIFT questions are matched to their English twins by `::title::`, and untitled questions in their
order; descriptions (text without an answer block) are left out without a word.
"""

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.courses import schema
from app.courses.files import gift
from app.courses.files.sourcefiles import Located, Reader
from app.courses.files.yamlerrors import describe

QUESTION: TypeAdapter[schema.Question] = TypeAdapter(schema.Question)
Banks = dict[str, tuple[schema.Question, ...]]
_Side = tuple[Path, list[gift.GiftQuestion] | None, bool]  # a GIFT file, its questions, whether it had errors


def load(reader: Reader, folder: Path) -> tuple[Banks, list[Located]]:
    """Return the banks of a course's `banks/` folder by id, and their questions placed at their lines."""
    banks: Banks = {}
    located: list[Located] = []
    for path in sorted(folder.glob("*.yaml")):
        bank = reader.model(path, schema.Bank)
        questions = reader.located(path, bank.questions) if bank else []
        banks[path.stem] = tuple(q.question for q in questions)
        located += questions
    for path in sorted(folder.glob("*.gift")):
        _gift_bank(reader, path, banks, located)
    return banks, located


def _gift_bank(reader: Reader, path: Path, banks: Banks, located: list[Located]) -> None:
    """Add a `.es.gift` bank; report GIFT files that cannot be one."""
    name = path.name
    if name.endswith(".en.gift"):
        if not path.with_name(name.removesuffix(".en.gift") + ".es.gift").is_file():
            reader.problem(path, 1, f"an English bank needs its Spanish original {name[:-8]}.es.gift")
        return
    if not name.endswith(".es.gift"):
        message = (
            f"name GIFT banks <bank>.es.gift (Spanish) and <bank>.en.gift (English), e.g. {path.stem}.es.gift"
        )
        reader.problem(path, 1, message)
        return
    bank_id = name.removesuffix(".es.gift")
    if bank_id in banks:
        reader.problem(
            path, 1, f"bank `{bank_id}` is also banks/{bank_id}.yaml; give one of them another name"
        )
        return
    questions = _gift_questions(reader, path)
    banks[bank_id] = tuple(q.question for q in questions)
    located += questions


def _gift_questions(reader: Reader, es_path: Path) -> list[Located]:
    """Read a Spanish GIFT bank and its English twin as schema questions at their GIFT lines."""
    en_path = es_path.with_name(es_path.name.removesuffix(".es.gift") + ".en.gift")
    before = len(reader.problems)
    es = _parse(reader, es_path)
    es_failed, before = len(reader.problems) > before, len(reader.problems)
    en = _parse(reader, en_path) if en_path.is_file() else None
    en_failed = len(reader.problems) > before
    if en is None:
        message = f"no English twin {en_path.name}: write the English text of every question there"
        message += ", with the same ::titles::"
        reader.problem(es_path, 1, message)
    twins = _twins(reader, (es_path, es, es_failed), (en_path, en, en_failed))
    ids = gift.question_ids(es, es_path.name.removesuffix(".es.gift"))
    located = []
    for index, question in enumerate(es):
        parsed = _convert(reader, es_path, question, twins.get(index), ids[index])
        if parsed is not None:
            located.append(Located(parsed, es_path, question.line, question.line))
    return located


def _parse(reader: Reader, path: Path) -> list[gift.GiftQuestion]:
    """Parse a GIFT file, reporting its errors at their lines, and drop its descriptions."""
    source = reader.read(path)
    if source is None:
        return []
    result = gift.parse(source)
    for error in result.errors:
        reader.problem(path, error.line, error.message)
    return [q for q in result.questions if q.type != "description"]


def _twins(reader: Reader, spanish: _Side, english: _Side) -> dict[int, gift.GiftQuestion]:
    """Match English questions to Spanish ones (by 0-based position): by title, untitled ones in order.

    A title is not reported missing from a file that has GIFT errors: the question may be one of them.
    A repeated title pairs nothing: pairing it would report a made-up mismatch instead of the repeat.
    """
    (es_path, es_or_none, es_failed), (en_path, en, en_failed) = spanish, english
    es = es_or_none or []
    es_titles, es_repeated = _titles(reader, es_path, es)  # a repeated title is reported even without a twin
    if en is None:
        return {}
    en_titles, en_repeated = _titles(reader, en_path, en)
    for title, question in en_titles.items():
        if title not in es_titles and title not in es_repeated and not es_failed:
            message = f"{es_path.name} has no question titled ::{title}::; "
            message += "an English question carries the title of its Spanish original"
            reader.problem(en_path, question.line, message)
    twins = {}
    for index, question in enumerate(es):
        if not question.title or question.title in es_repeated | en_repeated:
            continue
        twin = en_titles.get(question.title)
        if twin is None and not en_failed:
            reader.problem(
                es_path, question.line, f"{en_path.name} has no question titled ::{question.title}::"
            )
        elif twin is not None:
            twins[index] = twin
    twins.update(_untitled_twins(reader, spanish, english))
    return twins


def _untitled_twins(reader: Reader, spanish: _Side, english: _Side) -> dict[int, gift.GiftQuestion]:
    """Pair untitled questions in their order; a different count pairs none and says how to fix it."""
    (es_path, es_or_none, es_failed), (en_path, en, en_failed) = spanish, english
    es = es_or_none or []
    es_untitled = [index for index, question in enumerate(es) if not question.title]
    en_untitled = [question for question in en or [] if not question.title]
    if len(es_untitled) == len(en_untitled):
        return dict(zip(es_untitled, en_untitled, strict=True))
    if not (es_failed or en_failed):
        reader.problem(
            es_path,
            es[es_untitled[0]].line if es_untitled else 1,
            f"{es_path.name} has {len(es_untitled)} questions without a ::title:: and {en_path.name} has "
            f"{len(en_untitled)}: untitled questions are paired in order, so both files need the same "
            "number. Give each question the same ::title:: in both files to pair them by title instead",
        )
    return {}


def _titles(
    reader: Reader, path: Path, questions: list[gift.GiftQuestion]
) -> tuple[dict[str, gift.GiftQuestion], set[str]]:
    """Index titled questions by title; report and return the titles used more than once."""
    titles: dict[str, gift.GiftQuestion] = {}
    repeated: set[str] = set()
    for question in questions:
        if not question.title:
            continue
        first = titles.get(question.title)
        if first is None:
            titles[question.title] = question
            continue
        repeated.add(question.title)
        reader.problem(
            path,
            question.line,
            f"a second question titled ::{question.title}:: (the first is at line {first.line}): titles are "
            "unique within a file because they pair each question with its twin; rename one of them here "
            "and its twin in the other language's file",
        )
    return titles, repeated


def _convert(
    reader: Reader, path: Path, es: gift.GiftQuestion, en: gift.GiftQuestion | None, question_id: str
) -> schema.Question | None:
    """Convert one GIFT question and its twin, reporting a shape mismatch or schema error at its line."""
    try:
        data = gift.to_schema_question(es, en, question_id=question_id)
    except ValueError as error:
        reader.problem(path, es.line, str(error))
        return None
    return _validate(reader, path, es.line, data, english=en is not None)


def _validate(
    reader: Reader, path: Path, line: int, data: dict[str, Any], *, english: bool
) -> schema.Question | None:
    """Validate a converted question; without a twin, its missing English is reported once, not per text."""
    try:
        return QUESTION.validate_python(data)
    except ValidationError as error:
        for detail in error.errors():
            missing_en = detail["type"] == "missing" and detail["loc"][-1:] == ("en",)
            if english or not missing_en:
                reader.problem(path, line, f"question `{data['id']}`: {describe(detail)}")
        return None
