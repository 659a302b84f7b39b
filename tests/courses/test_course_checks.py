"""`cascada courses check`: every kind of mistake in a course folder is named with its file and line."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.courses.catalog import check, from_document, load_course, to_document
from tests.conftest import FIXTURES


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "courses" / "mini", tmp_path / "mini")
    return tmp_path / "mini"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _problems(folder: Path) -> list[str]:
    code, lines = check(folder.parent)
    assert code == 1
    return lines


def test_the_fixture_course_is_valid(mini: Path) -> None:
    assert check(mini.parent) == (0, [])


def test_loading_twice_gives_the_same_hash_and_a_lesson_change_a_new_one(mini: Path) -> None:
    first, _ = load_course(mini)
    second, _ = load_course(mini)
    _edit(mini / "basico" / "segunda.es.md", "Texto", "Otro texto")
    changed, _ = load_course(mini)

    assert first and second and changed
    assert first.content_hash == second.content_hash != changed.content_hash


def test_a_stored_document_reads_back_as_the_same_course(mini: Path) -> None:
    course, _ = load_course(mini)
    assert course is not None

    again = from_document(to_document(course), course.images)

    assert to_document(again) == to_document(course) and again.content_hash == course.content_hash


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "unknown key": (
        lambda m: _edit(m / "course.yaml", "hours: 1", "hours: 1\nhoras: 2"),
        "course.yaml:5: unknown key `horas`",
    ),
    "missing translation in YAML": (
        lambda m: _edit(m / "course.yaml", ', en: "Minimal course"}', "}"),
        "course.yaml:1: missing English translation (`en`) of title",
    ),
    "missing English lesson": (
        lambda m: (m / "basico" / "segunda.en.md").unlink(),
        "course.yaml:12: missing file mini/basico/segunda.en.md",
    ),
    "missing facilitator notes": (
        lambda m: (m / "practica" / "facilitator.en.md").unlink(),
        "missing file mini/practica/facilitator.en.md",
    ),
    "draw larger than bank": (
        lambda m: _edit(m / "practica" / "final.quiz.yaml", "count: 3", "count: 9"),
        "final.quiz.yaml:5: draws 9 questions but bank `general` has 4",
    ),
    "unknown bank": (
        lambda m: _edit(m / "practica" / "final.quiz.yaml", "bank: general", "bank: generales"),
        "final.quiz.yaml:5: no bank `generales`",
    ),
    "broken lesson link": (
        lambda m: _edit(m / "basico" / "primera.es.md", "lesson:segunda", "lesson:cuarta"),
        "primera.es.md:11: broken lesson link: `cuarta`",
    ),
    "broken glossary link": (
        lambda m: _edit(m / "basico" / "primera.es.md", "glossary:trata", "glossary:otro"),
        "primera.es.md:3: broken glossary link: `otro`",
    ),
    "broken image": (
        lambda m: _edit(m / "basico" / "primera.en.md", "images/flujo.svg", "images/nada.svg"),
        "primera.en.md:9: broken image link: `images/nada.svg`",
    ),
    "javascript link": (
        lambda m: _edit(m / "basico" / "segunda.es.md", "Texto", "[x](javascript:alert(1))"),
        "segunda.es.md:3: link `javascript:alert(1)` is not allowed",
    ),
    "no correct answer": (
        lambda m: _edit(m / "basico" / "control-basico.quiz.yaml", "correct: true", "correct: false"),
        "control-basico.quiz.yaml:6: questions.0: a single-choice question needs exactly one correct option",
    ),
    "duplicate question id": (
        lambda m: _edit(m / "banks" / "general.yaml", "id: formas", "id: edad-nino"),
        "general.yaml:7: duplicate question id `edad-nino`",
    ),
    "duplicate item id": (
        lambda m: _edit(m / "course.yaml", "lesson: tercera", "lesson: primera"),
        "duplicate lesson, case or quiz id `primera`",
    ),
    "unknown case": (
        lambda m: _edit(m / "basico" / "control-basico.quiz.yaml", "case: caso-itapua", "case: caso-x"),
        "control-basico.quiz.yaml:22: question `oferta` names case `caso-x`",
    ),
    "GIFT syntax error": (
        lambda m: _edit(m / "banks" / "banco.es.gift", "{#7:0}", "{#siete}"),
        "banco.es.gift:",
    ),
    "YAML syntax error": (
        lambda m: _edit(m / "banks" / "general.yaml", "questions:", "questions: [\n"),
        "general.yaml:",
    ),
    "lesson without title": (
        lambda m: _edit(m / "practica" / "tercera.es.md", "# Tercera lección", "Tercera"),
        "tercera.es.md:1: a lesson starts with its title",
    ),
    "unsafe SVG": (
        lambda m: (m / "images" / "flujo.svg").write_text('<svg onload="alert(1)"></svg>'),
        "flujo.svg:1: SVG contains script",
    ),
    "practicum on a plain course": (
        lambda m: _edit(
            m / "course.yaml", "hours: 1", "hours: 1\npracticum: null\nkind: training_of_trainers"
        ),
        "needs a `practicum`",
    ),
}


@pytest.mark.parametrize("kind", list(BREAKAGES))
def test_each_kind_of_mistake_is_reported_with_file_and_line(mini: Path, kind: str) -> None:
    breakage, expected = BREAKAGES[kind]
    breakage(mini)

    problems = _problems(mini)

    assert any(expected in line for line in problems), problems
    assert load_course(mini)[0] is None  # a course with any problem is refused whole
