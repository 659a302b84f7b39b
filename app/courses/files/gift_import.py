"""`cascada questions import FILE.gift --course SLUG`: check a Moodle GIFT file, add it as a course bank.

The dry run and the real import run the same checks, in the same order, on the same staged copy of
the course: parse the file (and its twin beside it), refuse to overwrite another bank, then check the
whole course as it would be with the new files. Only then does the real import write, each file
through a temporary file and a rename, so a refused import leaves the course folder byte-for-byte
unchanged.
"""

import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from app.courses import catalog
from app.courses.files import folders, gift
from app.courses.files.yamlerrors import SLUG_PATTERN

GIFT_SUFFIXES = (".es.gift", ".en.gift")
Plan = dict[Path, tuple[Path, bytes]]  # target in banks/ -> (the file it comes from, its bytes)


def import_gift(file: Path, courses_dir: Path, slug: str, *, dry_run: bool, fmt: str) -> tuple[int, str]:
    """Return (exit code, output): every problem as file:line, else the questions (dry run) or the import."""
    if fmt not in ("text", "json"):
        return 2, f"unknown format `{fmt}`: use text or json"
    course = courses_dir / slug
    if not re.match(SLUG_PATTERN, slug) or not (course / "course.yaml").is_file():
        known = ", ".join(sorted(p.parent.name for p in courses_dir.glob("*/course.yaml"))) or "none"
        return 2, f"no course `{slug}` in {courses_dir} (courses: {known})"
    files = [file, *_twin_beside(file)]
    parsed: dict[Path, gift.GiftResult] = {}
    for path in files:
        try:
            parsed[path] = gift.parse(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 2, f"{path}: no such file"
        except (OSError, UnicodeDecodeError) as error:
            return 2, f"{path}: cannot read this file as UTF-8 text ({error})"
    problems = [f"{path}:{e.line}: {e.message}" for path, result in parsed.items() for e in result.errors]
    if problems:
        return 1, "\n".join(problems)
    if all(q.type == "description" for q in parsed[file].questions):
        return 1, f"{file}: no questions to import (only text without answer blocks)"
    plan = {course / "banks" / bank_file_name(path): (path, path.read_bytes()) for path in files}
    problems = _conflicts(plan) or _staged_check(course, plan)
    if problems:
        return 1, "\n".join(problems)
    if dry_run:
        return 0, _dry_run_report(file, parsed[file], plan, fmt)
    held = {target for target in plan if target.exists()}
    try:
        _write(plan)
    except OSError as error:
        return 2, f"could not write the bank ({error}); nothing was imported"
    loaded, _ = folders.load_course(course)
    lines = [
        f"{target} already holds this file" if target in held else f"imported {source} as {target}"
        for target, (source, _) in plan.items()
    ]
    return 0, "\n".join([*lines, _usage(loaded, next(iter(plan)))])


def bank_file_name(file: Path) -> str:
    """Return the bank file name: `<id>.es.gift` or `<id>.en.gift`, the id made from the file name."""
    suffix = next((s for s in GIFT_SUFFIXES if file.name.lower().endswith(s)), None)
    ascii_stem = unicodedata.normalize("NFKD", _stem(file)).encode("ascii", "ignore").decode()
    bank = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-") or "banco"
    return bank + (suffix or ".es.gift")


def _stem(file: Path) -> str:
    suffix = next((s for s in GIFT_SUFFIXES if file.name.lower().endswith(s)), None)
    return file.name[: -len(suffix)] if suffix else file.stem


def _twin_beside(file: Path) -> list[Path]:
    """The other language's file next to `file` (`x.en.gift` beside `x.es.gift` or `x.gift`), if any."""
    stem = _stem(file)
    english = bank_file_name(file).endswith(".en.gift")
    names = (f"{stem}.es.gift", f"{stem}.gift") if english else (f"{stem}.en.gift",)
    return [path for path in (file.with_name(n) for n in names) if path.is_file() and path != file][:1]


def _conflicts(plan: Plan) -> list[str]:
    """A bank is never overwritten with other content."""
    return [
        f"{target} exists with other content; rename your file or remove the old bank first"
        for target, (_, data) in plan.items()
        if target.exists() and target.read_bytes() != data
    ]


def _staged_check(course: Path, plan: Plan) -> list[str]:
    """Check a copy of the course with the new banks in place; problems point at the files given."""
    with tempfile.TemporaryDirectory(prefix="cascada-import-") as scratch:
        staged = Path(scratch) / course.name
        shutil.copytree(course, staged)
        for target, (_, data) in plan.items():
            copy = staged / target.relative_to(course)
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(data)
        _, problems = folders.load_course(staged)
    sources = {Path(course.name) / target.relative_to(course): source for target, (source, _) in plan.items()}
    lines = [f"{sources.get(p.path, course.parent / p.path)}:{p.line}: {p.message}" for p in problems]
    return lines + _missing_twin(course, plan) if lines else []


def _missing_twin(course: Path, plan: Plan) -> list[str]:
    """Say how to import a bank with its other language: both files are checked and imported together."""
    target, (source, _) = next(iter(plan.items()))
    spanish = target.name.endswith(".es.gift")
    bank = target.name.removesuffix(".es.gift" if spanish else ".en.gift")
    twin = f"{bank}.en.gift" if spanish else f"{bank}.es.gift"
    if (course / "banks" / twin).exists() or len(plan) > 1:
        return []
    language = "English twin" if spanish else "Spanish original"
    return [
        f"the {language} is missing: put it next to {source} as {_stem(source)}"
        f"{'.en.gift' if spanish else '.es.gift'} (every question under the same ::title::, or untitled "
        "questions in the same order, with the same answers in the same order) and run the same command "
        "again: both files are checked and imported together, and nothing is written until both pass"
    ]


def _dry_run_report(file: Path, result: gift.GiftResult, plan: Plan, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(gift.to_json(result), ensure_ascii=False, indent=2)
    targets = ", ".join(str(target) for target in plan)
    return "\n".join([_summary(file, result), f"dry run: the import would write {targets}; nothing written"])


def _summary(file: Path, result: gift.GiftResult) -> str:
    """Return one line per question (type, title, start of the text) and a count by type."""
    lines = []
    for q in result.questions:
        text = " ".join(q.text.split())
        text = text if len(text) <= 60 else text[:59] + "…"
        kind = "description (ignored: not a question)" if q.type == "description" else q.type
        lines.append(f"{file}:{q.line}: {kind} {'::' + q.title + ':: ' if q.title else ''}{text}")
    counts = Counter(q.type for q in result.questions if q.type != "description")
    described = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    lines.append(f"{sum(counts.values())} questions" + (f" ({described})" if described else ""))
    return "\n".join(lines)


def _write(plan: Plan) -> None:
    """Write each new bank through a temporary file and a rename; on failure undo what was written."""
    banks = next(iter(plan)).parent
    created = not banks.exists()
    banks.mkdir(exist_ok=True)
    written: list[Path] = []
    try:
        for target, (_, data) in plan.items():
            if target.exists():
                continue  # the same bytes: _conflicts refused anything else
            fd, temporary = tempfile.mkstemp(dir=banks, prefix=f".{target.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, target)
            finally:
                Path(temporary).unlink(missing_ok=True)
            written.append(target)
    except OSError:
        for target in written:
            target.unlink(missing_ok=True)
        if created:
            shutil.rmtree(banks, ignore_errors=True)
        raise


def _usage(course: catalog.Course | None, target: Path) -> str:
    """Say which quizzes draw from the bank; a bank no quiz draws from is never shown to anyone."""
    bank = target.name.removesuffix(".es.gift").removesuffix(".en.gift")
    items = course.items() if course else []
    quizzes = [i.id for i in items if i.quiz and any(d.bank == bank for d in i.quiz.draw)]
    if quizzes:
        return f"bank `{bank}` is drawn by: {', '.join(quizzes)}"
    return (
        f"note: the bank is only used once a quiz draws from it: add `draw: [{{bank: {bank}, count: N}}]` "
        "to a <quiz-id>.quiz.yaml of the course"
    )
