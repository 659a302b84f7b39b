"""`cascada questions import`: a GIFT file is checked, shown on a dry run, or added to a course as a bank."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.courses.files import gift
from app.courses.files.folders import load_course
from app.courses.files.gift_import import bank_file_name, import_gift
from tests.conftest import FIXTURES

GIFT = FIXTURES / "gift"
SPANISH = "::Edad mínima::¿Desde qué edad se permite el trabajo adolescente? {#14}\n"
ENGLISH = "::Edad mínima::From what age is adolescent work allowed? {#14}\n"


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_with_errors_is_refused_with_each_error_at_its_line(courses: Path) -> None:
    file = GIFT / "errors.gift"

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1
    assert output.splitlines()[:2] == [
        f"{file}:4: no closing }} for the answer block opened here (a blank line ends a question)",
        f"{file}:10: the weight %abc% is not a number; write a percent such as %50% or %-25%",
    ]
    assert len(output.splitlines()) == 6 and not (courses / "mini" / "banks" / "errors.es.gift").exists()


def test_a_json_dry_run_prints_the_parsed_questions(courses: Path) -> None:
    file = GIFT / "banco.es.gift"

    code, output = import_gift(file, courses, "mini", dry_run=True, fmt="json")

    assert code == 0
    assert json.loads(output) == gift.to_json(gift.parse(file.read_text(encoding="utf-8")))
    assert "¿Cuántos elementos" in output  # not escaped


def test_a_text_dry_run_prints_one_line_per_question_and_imports_nothing(courses: Path) -> None:
    file = GIFT / "banco.es.gift"
    before = sorted((courses / "mini" / "banks").iterdir())

    code, output = import_gift(file, courses, "mini", dry_run=True, fmt="text")

    lines = output.splitlines()
    assert code == 0 and len(lines) == 10
    assert lines[0].startswith(f"{file}:4: single ::Elementos de la trata:: ¿Cuántos elementos")
    description = "description (ignored: not a question) Las siguientes preguntas tratan de la entrevista."
    assert lines[7] == f"{file}:30: {description}"
    assert (
        lines[8] == "7 questions (1 matching, 1 multiple, 1 numeric, 1 open, 1 short, 1 single, 1 true_false)"
    )
    assert lines[9].startswith("dry run: the import would write") and lines[9].endswith("nothing written")
    assert sorted((courses / "mini" / "banks").iterdir()) == before


def test_a_spanish_file_without_its_twin_is_refused_with_how_to_add_it_and_nothing_written(
    courses: Path, tmp_path: Path
) -> None:
    file = _file(tmp_path, "Edades Mínimas.gift", SPANISH)

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1 and not (courses / "mini" / "banks" / "edades-minimas.es.gift").exists()
    assert output.splitlines() == [
        f"{file}:1: no English twin edades-minimas.en.gift: write the English text of every question "
        "there, with the same ::titles::",
        f"the English twin is missing: put it next to {file} as Edades Mínimas.en.gift (every question "
        "under the same ::title::, or untitled questions in the same order, with the same answers in the "
        "same order) and run the same command again: both files are checked and imported together, and "
        "nothing is written until both pass",
    ]


def test_a_file_and_its_twin_beside_it_are_imported_together_into_a_valid_course(
    courses: Path, tmp_path: Path
) -> None:
    _file(tmp_path, "edades.en.gift", ENGLISH)

    code, output = import_gift(
        _file(tmp_path, "edades.es.gift", SPANISH), courses, "mini", dry_run=False, fmt="text"
    )

    banks = courses / "mini" / "banks"
    assert code == 0, output
    assert (banks / "edades.es.gift").read_text(encoding="utf-8") == SPANISH
    assert (banks / "edades.en.gift").read_text(encoding="utf-8") == ENGLISH
    assert output.splitlines()[:2] == [
        f"imported {tmp_path / 'edades.es.gift'} as {banks / 'edades.es.gift'}",
        f"imported {tmp_path / 'edades.en.gift'} as {banks / 'edades.en.gift'}",
    ]
    assert "the bank is only used once a quiz draws from it" in output.splitlines()[-1]
    assert load_course(courses / "mini")[1] == []


def test_an_english_file_alone_says_the_spanish_original_is_missing(courses: Path, tmp_path: Path) -> None:
    file = _file(tmp_path, "edades.en.gift", ENGLISH)

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1 and not (courses / "mini" / "banks" / "edades.en.gift").exists()
    assert output.splitlines()[-1].startswith(
        f"the Spanish original is missing: put it next to {file} as edades.es.gift"
    )


def test_the_cli_names_the_missing_english_twin_exits_1_and_writes_nothing(
    courses: Path, tmp_path: Path
) -> None:
    file = _file(tmp_path, "edades.gift", SPANISH)
    env = {
        **os.environ,
        "CASCADA_COURSES_DIR": str(courses),
        "CASCADA_DATA_DIR": str(tmp_path / "data"),
        "CASCADA_SECRET_KEY": "k" * 48,
    }

    command = [sys.executable, "-m", "app.cli", "questions", "import", str(file), "--course", "mini"]

    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )

    assert done.returncode == 1, done.stderr
    assert f"put it next to {file} as edades.en.gift" in done.stderr
    assert not (courses / "mini" / "banks" / "edades.es.gift").exists()


def test_importing_the_same_files_again_changes_nothing_and_names_the_quizzes_that_draw_from_them(
    courses: Path,
) -> None:
    code, output = import_gift(GIFT / "banco.es.gift", courses, "mini", dry_run=False, fmt="text")

    banks = courses / "mini" / "banks"
    assert code == 0, output
    assert output.splitlines() == [
        f"{banks / 'banco.es.gift'} already holds this file",
        f"{banks / 'banco.en.gift'} already holds this file",
        "bank `banco` is drawn by: final",
    ]


def test_a_different_file_never_overwrites_an_existing_bank(courses: Path, tmp_path: Path) -> None:
    target = courses / "mini" / "banks" / "banco.es.gift"
    before = target.read_bytes()

    code, output = import_gift(
        _file(tmp_path, "banco.es.gift", SPANISH), courses, "mini", dry_run=False, fmt="text"
    )

    assert code == 1 and "exists with other content" in output and str(target) in output
    assert target.read_bytes() == before


def test_an_unknown_course_is_refused(courses: Path) -> None:
    code, output = import_gift(GIFT / "banco.es.gift", courses, "no-existe", dry_run=False, fmt="text")

    assert (code, output) == (2, f"no course `no-existe` in {courses} (courses: mini)")


def test_a_slug_that_leaves_the_courses_folder_is_refused(courses: Path) -> None:
    code, output = import_gift(GIFT / "banco.es.gift", courses, "../courses/mini", dry_run=False, fmt="text")

    assert code == 2 and output.startswith("no course `../courses/mini`")


def test_a_missing_file_or_unknown_format_is_refused(courses: Path, tmp_path: Path) -> None:
    assert import_gift(tmp_path / "nada.gift", courses, "mini", dry_run=True, fmt="text") == (
        2,
        f"{tmp_path / 'nada.gift'}: no such file",
    )
    assert import_gift(GIFT / "banco.es.gift", courses, "mini", dry_run=True, fmt="xml")[0] == 2


def test_a_file_of_descriptions_only_is_not_imported(courses: Path, tmp_path: Path) -> None:
    file = _file(tmp_path, "notas.gift", "Solo un texto.\n")

    code, output = import_gift(file, courses, "mini", dry_run=False, fmt="text")

    assert code == 1 and "no questions to import" in output
    assert not (courses / "mini" / "banks" / "notas.es.gift").exists()


@pytest.mark.parametrize(
    ("name", "bank"),
    [
        ("palermo.gift", "palermo.es.gift"),
        ("palermo.es.gift", "palermo.es.gift"),
        ("palermo.en.gift", "palermo.en.gift"),
        ("Banco Trata 2024.txt", "banco-trata-2024.es.gift"),
        ("Ñandutí.EN.gift", "nanduti.en.gift"),
    ],
)
def test_the_bank_file_name_keeps_a_language_suffix_and_is_an_id(name: str, bank: str) -> None:
    assert bank_file_name(Path(name)) == bank
