"""Question banks: `banks/<bank>.yaml`, or `banks/<bank>.es.gift` with its English twin `<bank>.en.gift`.

GIFT questions are matched to their English twins by `::title::`; descriptions (text without an
answer block) are left out without a word.
"""

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.courses import gift, schema
from app.courses.sourcefiles import Located, Reader
from app.courses.yamlerrors import describe

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
    located = []
    for index, question in enumerate(es, start=1):
        parsed = _convert(reader, es_path, question, twins.get(index), index)
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
    """Match English questions to Spanish ones (by 1-based position) by title; report unmatched titles.

    A title is not reported missing from a file that has GIFT errors: the question may be one of them.
    """
    (es_path, es, es_failed), (en_path, en, en_failed) = spanish, english
    if en is None:
        return {}
    en_titles, es_titles = _titles(reader, en_path, en), _titles(reader, es_path, es)
    for title, question in en_titles.items():
        if title not in es_titles and not es_failed:
            message = f"{es_path.name} has no question titled ::{title}::; "
            message += "an English question carries the title of its Spanish original"
            reader.problem(en_path, question.line, message)
    twins = {}
    for index, question in enumerate(es, start=1):
        twin = en_titles.get(question.title or "")
        if question.title and twin is None and not en_failed:
            reader.problem(
                es_path, question.line, f"{en_path.name} has no question titled ::{question.title}::"
            )
        elif twin is not None:
            twins[index] = twin
    return twins


def _titles(reader: Reader, path: Path, questions: list[gift.GiftQuestion]) -> dict[str, gift.GiftQuestion]:
    """Index questions by title, reporting untitled questions and repeated titles."""
    titles: dict[str, gift.GiftQuestion] = {}
    for question in questions:
        if not question.title:
            message = "give this question a ::title::; the Spanish and English files are matched by title"
            reader.problem(path, question.line, message)
        elif question.title in titles:
            reader.problem(
                path, question.line, f"a second question titled ::{question.title}::; titles are unique"
            )
        else:
            titles[question.title] = question
    return titles


def _convert(
    reader: Reader, path: Path, es: gift.GiftQuestion, en: gift.GiftQuestion | None, index: int
) -> schema.Question | None:
    """Convert one GIFT question and its twin, reporting a shape mismatch or schema error at its line."""
    try:
        data = gift.to_schema_question(es, en, question_id=gift.question_id_for(es, index))
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
