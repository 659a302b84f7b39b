"""`cascada questions import FILE.gift --course SLUG`: check a Moodle GIFT file, add it as a course bank."""

import json
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from pathlib import Path

from app.courses import catalog, gift
from app.courses.yamlerrors import SLUG_PATTERN

GIFT_SUFFIXES = (".es.gift", ".en.gift")


def import_gift(file: Path, courses_dir: Path, slug: str, *, dry_run: bool, fmt: str) -> tuple[int, str]:
    """Return (exit code, output): parse errors as file:line, the questions on a dry run, else the import."""
    if fmt not in ("text", "json"):
        return 2, f"unknown format `{fmt}`: use text or json"
    try:
        result = gift.parse(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 2, f"{file}: no such file"
    except (OSError, UnicodeDecodeError) as error:
        return 2, f"{file}: cannot read this file as UTF-8 text ({error})"
    if result.errors:
        return 1, "\n".join(f"{file}:{error.line}: {error.message}" for error in result.errors)
    if dry_run and fmt == "json":
        return 0, json.dumps(gift.to_json(result), ensure_ascii=False, indent=2)
    if dry_run:
        return 0, _summary(file, result)
    return _copy_into(file, courses_dir, slug, result)


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


def bank_file_name(file: Path) -> str:
    """Return the bank file name: `<id>.es.gift` or `<id>.en.gift`, the id made from the file name."""
    suffix = next((s for s in GIFT_SUFFIXES if file.name.lower().endswith(s)), None)
    stem = file.name[: -len(suffix)] if suffix else file.stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    bank = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-") or "banco"
    return bank + (suffix or ".es.gift")


def _copy_into(file: Path, courses_dir: Path, slug: str, result: gift.GiftResult) -> tuple[int, str]:
    """Copy the file into the course's banks/ (never over other content), then check the course."""
    course = courses_dir / slug
    if not re.match(SLUG_PATTERN, slug) or not (course / "course.yaml").is_file():
        known = ", ".join(sorted(p.parent.name for p in courses_dir.glob("*/course.yaml"))) or "none"
        return 2, f"no course `{slug}` in {courses_dir} (courses: {known})"
    if all(q.type == "description" for q in result.questions):
        return 1, f"{file}: no questions to import (only text without answer blocks)"
    target = course / "banks" / bank_file_name(file)
    data = file.read_bytes()
    if target.exists() and target.read_bytes() != data:
        return 1, f"{target} exists with other content; rename your file or remove the old bank first"
    done = f"{target} already holds this file" if target.exists() else f"imported {file} as {target}"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(data)
    loaded, problems = catalog.load_course(course)
    located = [str(replace(p, path=courses_dir / p.path)) for p in problems]
    lines = [done, *located, *_missing_twin(target, slug), _usage(loaded, target)]
    return (1 if problems else 0), "\n".join(lines)


def _missing_twin(target: Path, slug: str) -> list[str]:
    """Say how to add the other language of a bank: every question needs its Spanish and English text.

    Until the twin is there the course fails its check, so the import exits 1 (imported, not usable yet).
    """
    spanish = target.name.endswith(".es.gift")
    twin = target.with_name(target.name.removesuffix(".es.gift" if spanish else ".en.gift")
                            + (".en.gift" if spanish else ".es.gift"))
    if twin.exists():
        return []
    if spanish:
        return [
            f"the English twin {twin.name} is missing: every question needs its English text. Write a GIFT "
            "file with each question's English text under the same ::title::, its answers in the same order, "
            f"then run: cascada questions import {twin.name} --course {slug}"
        ]
    return [
        f"the Spanish original {twin.name} is missing: an English bank is the twin of a Spanish one. "
        f"Import the Spanish file too: cascada questions import {twin.name} --course {slug}"
    ]


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
