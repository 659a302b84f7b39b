"""A GIFT import that fails leaves nothing behind, the dry run says what the import would say, and
Moodle's own documented examples import (untitled questions get stable generated ids)."""

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.courses.files.folders import load_course
from app.courses.files.gift_import import import_gift
from tests.conftest import FIXTURES

GIFT = FIXTURES / "gift"
Setup = Callable[[Path], Path]  # writes the file(s) to import into a folder, returns the one to name


def tree_hash(root: Path) -> str:
    """A hash of every path (files and folders) under `root` and every file's bytes."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _pair(spanish: str, english: str | None, name: str = "banco-nuevo") -> Setup:
    def setup(folder: Path) -> Path:
        (folder / f"{name}.es.gift").write_text(spanish, encoding="utf-8")
        if english is not None:
            (folder / f"{name}.en.gift").write_text(english, encoding="utf-8")
        return folder / f"{name}.es.gift"

    return setup


def _moodle_examples(folder: Path) -> Path:
    for lang in ("es", "en"):
        shutil.copy(GIFT / "moodle_examples.txt", folder / f"moodle.{lang}.gift")
    return folder / "moodle.es.gift"


REFUSED: dict[str, Setup] = {
    "GIFT syntax errors": lambda folder: Path(shutil.copy(GIFT / "errors.gift", folder / "errores.gift")),
    "no English twin": _pair("::A::¿Sí? {T}\n", None),
    "a twin of another type": _pair("::A::¿Cuántos? {#4}\n", "::A::How many? {=four}\n"),
    "a repeated title (Moodle's examples.txt)": _moodle_examples,
    "untitled questions that do not pair": _pair("¿Uno? {T}\n\n¿Dos? {F}\n", "One? {T}\n"),
    "a bank that exists with other content": _pair("::A::¿Sí? {T}\n", "::A::Yes? {T}\n", name="banco"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_import_leaves_the_courses_folder_byte_for_byte_unchanged(
    courses: Path, tmp_path: Path, case: str
) -> None:
    file = REFUSED[case](_inbox(tmp_path))
    before = tree_hash(courses)

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1, output
    assert tree_hash(courses) == before


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_dry_run_reports_exactly_what_the_import_reports(
    courses: Path, tmp_path: Path, case: str
) -> None:
    file = REFUSED[case](_inbox(tmp_path))

    dry_run = import_gift(file, courses, "mini", dry_run=True, fmt="text")
    real = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert dry_run == real and dry_run[0] == 1


def test_a_successful_dry_run_writes_nothing_and_the_import_then_succeeds(
    courses: Path, tmp_path: Path
) -> None:
    file = _pair("::A::¿Sí? {T}\n", "::A::Yes? {T}\n")(_inbox(tmp_path))
    before = tree_hash(courses)

    dry_code, _ = import_gift(file, courses, "mini", dry_run=True, fmt="text")
    unchanged = tree_hash(courses) == before
    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert (dry_code, unchanged, code) == (0, True, 0), output


def test_a_repeated_title_is_named_with_both_lines_and_no_made_up_type_mismatch(
    courses: Path, tmp_path: Path
) -> None:
    file = _moodle_examples(_inbox(tmp_path))

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1
    assert f"{file}:123: a second question titled ::Jesus' hometown:: (the first is at line 117)" in output
    assert "rename one of them here and its twin in the other language's file" in output
    assert "single-choice" not in output and "short-answer" not in output


def test_a_twin_of_another_type_names_both_types_and_the_twin_line(courses: Path, tmp_path: Path) -> None:
    file = _pair("::A::¿Cuántos? {#4}\n", "\n\n::A::How many? {=four}\n")(_inbox(tmp_path))

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1
    assert output.splitlines() == [
        f"{file}:1: question ::A:: is a numeric question here but a short-answer question in its English "
        "twin (line 3 of the English file): a question and its twin must be the same type; change the "
        "answer block of one of them"
    ]


def test_moodles_documented_examples_import_with_stable_generated_ids(courses: Path, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    for lang in ("es", "en"):
        shutil.copy(GIFT / "moodle_docs.gift", inbox / f"moodle.{lang}.gift")

    code, output = import_gift(inbox / "moodle.es.gift", courses, "mini", dry_run=False, fmt="text")

    course, problems = load_course(courses / "mini")
    assert code == 0 and problems == [], output
    bank = course.banks["moodle"]
    assert [q.type for q in bank] == ["single"] * 4 + ["short"] * 2 + ["true_false"] * 2 + ["matching"] + [
        "numeric"
    ] * 3 + ["open", "multiple"]
    assert [q.id for q in bank][:2] == [
        "moodle-who-s-buried-in-grant-s-tomb",
        "moodle-grant-is-in-grant-s-tomb",
    ]
    assert bank[4].id == "moodle-who-s-buried-in-grant-s-tomb-2"  # the same text again: file order
    assert [q.id for q in load_course(courses / "mini")[0].banks["moodle"]] == [q.id for q in bank]


def test_moodles_examples_file_imports_whole_once_its_repeated_title_is_renamed(
    courses: Path, tmp_path: Path
) -> None:
    file = _moodle_examples(_inbox(tmp_path))
    for path in (file, file.with_name("moodle.en.gift")):
        text = path.read_text(encoding="utf-8")
        renamed = text.replace("::Jesus' hometown:: Jesus", "::Jesus' hometown (short)::Jesus")
        path.write_text(renamed, encoding="utf-8")

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    course, problems = load_course(courses / "mini")
    assert code == 0 and problems == [], output
    assert len(course.banks["moodle"]) == 43


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    return inbox


def test_a_repeated_title_is_reported_even_before_the_twin_exists(courses: Path, tmp_path: Path) -> None:
    file = Path(shutil.copy(GIFT / "moodle_examples.txt", _inbox(tmp_path) / "examples.txt"))

    code, output = import_gift(file, courses, "mini", dry_run=True, fmt="text")

    assert code == 1
    assert f"{file}:123: a second question titled ::Jesus' hometown::" in output
    assert "the English twin is missing: put it next to" in output


REAL_COURSES = Path(__file__).parent.parent.parent / "courses"
REFUSED_IN_A_REAL_COURSE: dict[str, Setup] = {
    "a title that is already a question id of the course": _pair(
        "::b-ley-16-escuela::¿Sí? {T}\n", "::b-ley-16-escuela::Yes? {T}\n", name="extra"
    ),
    "no English twin": _pair("::Nueva::¿Sí? {T}\n", None, name="extra"),
    "GIFT syntax errors": lambda folder: Path(shutil.copy(GIFT / "errors.gift", folder / "errores.gift")),
}


@pytest.fixture
def real_courses(tmp_path: Path) -> Path:
    shutil.copytree(REAL_COURSES, tmp_path / "courses", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "courses"


@pytest.mark.parametrize("case", list(REFUSED_IN_A_REAL_COURSE))
def test_the_cli_refuses_the_same_way_with_and_without_dry_run_and_the_real_courses_tree_is_unchanged(
    real_courses: Path, tmp_path: Path, case: str
) -> None:
    file = REFUSED_IN_A_REAL_COURSE[case](_inbox(tmp_path))
    before = tree_hash(real_courses)
    env = {
        **os.environ,
        "CASCADA_COURSES_DIR": str(real_courses),
        "CASCADA_DATA_DIR": str(tmp_path / "data"),
        "CASCADA_SECRET_KEY": "k" * 48,
    }
    command = [sys.executable, "-m", "app.cli", "questions", "import", str(file)]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "--course", "trabajo-infantil", *extra],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )

    dry, real = run("--dry-run"), run()

    assert (dry.returncode, real.returncode) == (1, 1), real.stderr
    assert dry.stderr == real.stderr and f"{file}:" in real.stderr
    assert tree_hash(real_courses) == before == tree_hash(REAL_COURSES)
