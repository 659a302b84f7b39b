"""`cascada questions import FILE.gift --course SLUG`: validate a Moodle GIFT file and add it as a bank."""

import json
import shutil
from pathlib import Path

from app.courses import catalog, gift


def import_gift(file: Path, courses_dir: Path, slug: str, *, dry_run: bool, fmt: str) -> tuple[int, str]:
    """(exit code, output): parse errors as file:line, the questions on a dry run, else the copy's result."""
    try:
        result = gift.parse(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return 2, f"{file}: cannot read as UTF-8 text ({error})"
    if result.errors:
        return 1, "\n".join(f"{file}:{e.line}: {e.message}" for e in result.errors)
    if dry_run:
        if fmt == "json":
            return 0, json.dumps(gift.to_json(result), ensure_ascii=False, indent=2)
        return 0, "\n".join(f"{q.line}: {q.type:<11} {q.title or ''} {q.text[:60]!r}" for q in result.questions)
    return _copy_into(file, courses_dir / slug)


def _copy_into(file: Path, course: Path) -> tuple[int, str]:
    if not (course / "course.yaml").is_file():
        return 2, f"no course `{course.name}` in {course.parent}"
    name = file.name if file.name.endswith((".es.gift", ".en.gift")) else f"{file.stem}.es.gift"
    target = course / "banks" / name
    if target.exists() and target.read_bytes() != file.read_bytes():
        return 1, f"{target} exists with other content; rename the file or remove the old bank first"
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(file, target)
    _, problems = catalog.load_course(course)
    lines = [f"imported {file} as {target}"] + [f"{course.parent / p.path}:{p.line}: {p.message}" for p in problems]
    lines.append("the bank is used once a quiz draws from it (`draw: [{bank: %s}]`)" % name.split(".")[0])
    return (1 if problems else 0), "\n".join(lines)
