"""The course catalog: a valid folder loads as frozen data; each mistake is named at its file and line."""

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.courses import markdown
from app.courses.catalog import Course, from_document, to_document
from app.courses.files.folders import Problem, check, load_all, load_course
from tests.conftest import FIXTURES

REAL_COURSES = Path(__file__).parent.parent.parent / "courses"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "courses" / "mini", tmp_path / "mini")
    return tmp_path / "mini"


def _load(folder: Path) -> Course:
    course, problems = load_course(folder)
    assert problems == [] and course is not None, "\n".join(map(str, problems))
    return course


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- a valid course ----------------------------------------------------------------------


def test_the_mini_course_loads_with_no_problems(mini: Path) -> None:
    course, problems = load_course(mini)

    assert problems == [] and course is not None
    assert check(mini) == (0, []) and check(mini.parent) == (0, [])


def test_modules_and_items_come_in_study_order_with_titles_from_the_markdown(mini: Path) -> None:
    course = _load(mini)

    assert course.slug == "mini" and course.manifest.title.en == "Minimal course"
    assert [m.id for m in course.modules] == ["basico", "practica"]
    assert [(i.kind, i.id, i.module_id) for i in course.items()] == [
        ("lesson", "primera", "basico"),
        ("lesson", "segunda", "basico"),
        ("case", "caso-itapua", "basico"),
        ("quiz", "control-basico", "basico"),
        ("lesson", "tercera", "practica"),
        ("quiz", "final", "practica"),
    ]
    first = course.item("primera")
    assert first is not None and (first.title.es, first.title.en) == ("Primera lección", "First lesson")
    assert first.body["en"].startswith("# First lesson") and set(first.body) == {"es", "en"}
    assert first.minutes == 10 and first.required and first.quiz is None
    assert course.item("no-such-item") is None


def test_quiz_items_carry_their_quiz_and_modules_their_facilitator_notes(mini: Path) -> None:
    course = _load(mini)
    quiz = course.item("control-basico")

    assert quiz is not None and quiz.quiz is not None and quiz.body == {}
    assert quiz.title == quiz.quiz.title and quiz.title.en == "Basic check"
    assert [q.id for q in quiz.quiz.questions] == ["elementos", "cruce", "oferta"]
    assert all(set(m.facilitator) == {"es", "en"} for m in course.modules)
    assert course.modules[0].summary is not None and course.modules[1].summary is None


def test_banks_glossary_sources_and_images_are_read(mini: Path) -> None:
    course = _load(mini)

    assert set(course.banks) == {"general", "banco"}
    assert [q.id for q in course.banks["general"]] == ["edad-nino", "formas", "pares", "plan"]
    assert [t.id for t in course.glossary] == ["trata"] and [s.id for s in course.sources] == ["I1"]
    assert set(course.images) == {"images/flujo.svg"} and course.images["images/flujo.svg"].startswith(
        b"<svg"
    )
    assert course.question_count() == 4 + 7 + 3
    assert len(course.content_hash) == 64 and int(course.content_hash, 16) >= 0


def test_a_gift_bank_merges_its_english_twin_and_ignores_descriptions(mini: Path) -> None:
    banco = _load(mini).banks["banco"]

    assert [q.id for q in banco] == [
        "elementos-de-la-trata",
        "consentimiento",
        "indicadores",
        "conceptos",
        "sigla",
        "dias-de-la-semana",
        "reflexion",
    ]
    assert [q.type for q in banco] == [
        "single",
        "true_false",
        "multiple",
        "matching",
        "short",
        "numeric",
        "open",
    ]
    assert banco[0].text.en.startswith("How many elements") and banco[0].category == "elementos-del-delito"


def test_every_reference_in_a_lesson_resolves_in_both_languages(mini: Path) -> None:
    course = _load(mini)
    first = course.item("primera")
    assert first is not None

    for lang in ("es", "en"):
        refs = markdown.references(first.body[lang])
        assert {r.kind for r in refs} == {"glossary", "source", "image", "lesson"}
        assert all(r.target in {"trata", "I1", "images/flujo.svg", "segunda"} for r in refs)


# --- hashes and documents ----------------------------------------------------------------


def test_loading_twice_gives_the_same_content_hash(mini: Path) -> None:
    assert _load(mini).content_hash == _load(mini).content_hash


def test_changing_one_lesson_changes_the_content_hash(mini: Path) -> None:
    before = _load(mini).content_hash
    _edit(mini / "practica" / "tercera.en.md", "Last reading.", "The last reading.")

    assert _load(mini).content_hash != before


def test_changing_an_image_changes_the_content_hash(mini: Path) -> None:
    before = _load(mini).content_hash
    _edit(mini / "images" / "flujo.svg", "#0b5394", "#990000")

    assert _load(mini).content_hash != before


def test_a_document_through_json_reads_back_as_an_equal_course(mini: Path) -> None:
    course = _load(mini)

    stored = json.loads(json.dumps(to_document(course)))
    again = from_document(stored, course.images)

    assert to_document(again) == to_document(course)
    assert again == course  # frozen dataclasses and pydantic models compare by value
    assert stored["images"] == {
        "images/flujo.svg": hashlib.sha256(course.images["images/flujo.svg"]).hexdigest()
    }


def test_a_document_is_refused_with_images_that_do_not_match_it(mini: Path) -> None:
    course = _load(mini)

    with pytest.raises(ValueError, match="images"):
        from_document(to_document(course), {"images/flujo.svg": b"<svg/>"})


# --- several courses and the check command -----------------------------------------------


def test_load_all_reads_each_folder_with_a_course_yaml_and_skips_others(mini: Path) -> None:
    shutil.copytree(mini, mini.parent / "copia")
    (mini.parent / "notas").mkdir()
    _edit(mini.parent / "copia" / "course.yaml", "hours: 1", "hours: 1\nextra: 1")

    courses, problems = load_all(mini.parent)

    assert [c.slug for c in courses] == ["mini"]
    assert [str(p) for p in problems] == ["copia/course.yaml:5: unknown key `extra`"]


def test_load_all_on_the_real_courses_does_not_crash_or_print(capsys: pytest.CaptureFixture[str]) -> None:
    courses, problems = load_all(REAL_COURSES)

    assert all(isinstance(p, Problem) for p in problems) and problems == sorted(problems)
    assert all(isinstance(c, Course) for c in courses)
    assert capsys.readouterr() == ("", "")


def test_check_names_files_from_the_folder_it_was_given(mini: Path) -> None:
    _edit(mini / "course.yaml", "hours: 1", "hours: 1\nhoras: 2")

    assert check(mini.parent) == (1, [f"{mini}/course.yaml:5: unknown key `horas`"])
    assert check(mini) == (1, [f"{mini}/course.yaml:5: unknown key `horas`"])
    assert check(mini / "no-such-folder") == (1, [f"{mini}/no-such-folder: no such folder"])


def test_problems_print_as_file_line_message_and_sort_by_file_then_line() -> None:
    problems = [Problem(Path("b.md"), 1, "x"), Problem(Path("a.md"), 9, "y"), Problem(Path("a.md"), 2, "z")]

    assert [str(p) for p in sorted(problems)] == ["a.md:2: z", "a.md:9: y", "b.md:1: x"]


# --- one broken copy of mini per kind of mistake -----------------------------------------

QUIZ = "basico/control-basico.quiz.yaml"
FINAL = "practica/final.quiz.yaml"
SCRIPT_SVG = '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>'
PRACTICUM = """practicum:
  title: {es: P, en: P}
  instructions: {es: I, en: I}
  min_score: 1
  criteria:
    - id: c
      title: {es: C, en: C}
      levels:
        - {score: 0, label: {es: N, en: N}, descriptor: {es: D, en: D}}
        - {score: 2, label: {es: S, en: S}, descriptor: {es: D, en: D}}
"""


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda mini: _edit(mini / name, old, new)


def remove(name: str) -> Callable[[Path], None]:
    return lambda mini: (mini / name).unlink()


def write(name: str, data: str | bytes) -> Callable[[Path], None]:
    def breakage(mini: Path) -> None:
        (mini / name).write_bytes(data if isinstance(data, bytes) else data.encode())

    return breakage


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "YAML syntax error": (
        edit("glossary.yaml", "    source: I1", "    source: [I1"),
        "mini/glossary.yaml:5: YAML syntax error: expected ',' or ']', but got '<stream end>' (while parsing",
    ),
    "YAML syntax error inside the file": (
        edit("course.yaml", "hours: 1", "hours: 1\n  minutes: 2"),
        "mini/course.yaml:5: YAML syntax error: mapping values are not allowed here",
    ),
    "YAML syntax error in a bank": (
        edit("banks/general.yaml", "questions:", "questions: [\n"),
        "general.yaml:",
    ),
    "duplicate YAML key": (
        edit("course.yaml", "hours: 1", "hours: 1\nhours: 2"),
        "mini/course.yaml:5: duplicate key `hours`",
    ),
    "unknown key": (
        edit("course.yaml", "hours: 1", "hours: 1\nhoras: 2"),
        "mini/course.yaml:5: unknown key `horas`",
    ),
    "unknown key in a question": (
        edit(QUIZ, "    type: single\n", "    type: single\n    hint: x\n"),
        f"mini/{QUIZ}:8: unknown key `hint` in questions.0",
    ),
    "missing key": (
        edit("course.yaml", "hours: 1\n", ""),
        "mini/course.yaml:1: missing required key `hours`",
    ),
    "missing key in a bank question": (
        edit("banks/general.yaml", "    answers: [{value: 18}]\n", ""),
        "mini/banks/general.yaml:2: missing required key `answers` in questions.0",
    ),
    "missing English text in YAML": (
        edit(QUIZ, '{es: "Control básico", en: "Basic check"}', '{es: "Control básico"}'),
        f"mini/{QUIZ}:1: missing English translation (`en`) of title",
    ),
    "missing English course title": (
        edit("course.yaml", ', en: "Minimal course"}', "}"),
        "course.yaml:1: missing English translation (`en`) of title",
    ),
    "missing nested English text": (
        edit("glossary.yaml", ', en: "Act, means and purpose of exploitation."}', "}"),
        "mini/glossary.yaml:4: missing English translation (`en`) of terms.0.definition",
    ),
    "text in one language only": (
        edit(
            "course.yaml",
            'audience: {es: "Pruebas automáticas.", en: "Automated tests."}',
            "audience: Pruebas",
        ),
        "mini/course.yaml:3: audience: write this text in both languages",
    ),
    "id that is not a slug": (
        edit("course.yaml", "  - id: practica", "  - id: Practica"),
        "mini/course.yaml:17: modules.1.id: `Practica` is not an id",
    ),
    "unknown question type": (
        edit(QUIZ, "type: true_false", "type: verdadero"),
        f"mini/{QUIZ}:15: questions.1: unknown question type `verdadero`",
    ),
    "no correct answer": (
        edit(QUIZ, "correct: true", "correct: false"),
        f"mini/{QUIZ}:6: questions.0: a single-choice question needs exactly one correct option; mark",
    ),
    "missing English lesson": (
        remove("basico/segunda.en.md"),
        "mini/course.yaml:12: missing file mini/basico/segunda.en.md: the English translation of segunda.es",
    ),
    "missing Spanish case": (
        remove("basico/caso-itapua.es.md"),
        "mini/course.yaml:14: missing file mini/basico/caso-itapua.es.md: the Spanish translation",
    ),
    "item without files": (
        edit("course.yaml", "lesson: tercera", "lesson: cuarta"),
        "mini/course.yaml:20: missing file mini/practica/cuarta.es.md and its English twin cuarta.en.md",
    ),
    "quiz without file": (remove(FINAL), "mini/course.yaml:22: missing file mini/practica/final.quiz.yaml"),
    "module without facilitator notes": (
        remove("practica/facilitator.es.md"),
        "mini/course.yaml:17: missing file mini/practica/facilitator.es.md: the Spanish translation",
    ),
    "module without English facilitator notes": (
        remove("practica/facilitator.en.md"),
        "missing file mini/practica/facilitator.en.md",
    ),
    "lesson without title": (
        edit("practica/tercera.es.md", "# Tercera lección", "Tercera lección"),
        "mini/practica/tercera.es.md:1: a lesson starts with its title: `# Title`",
    ),
    "case without title": (
        edit("basico/caso-itapua.en.md", "# A case in Itapúa", "A case"),
        "mini/basico/caso-itapua.en.md:1: a case study starts with its title",
    ),
    "facilitator notes without title": (
        edit("basico/facilitator.en.md", "# Facilitator notes", "Notes"),
        "mini/basico/facilitator.en.md:1: facilitator notes start with their title",
    ),
    "not UTF-8": (
        write("basico/segunda.es.md", "# Segunda\n\nAcción".encode("latin-1")),
        "segunda.es.md:1: this file is not UTF-8",
    ),
    "broken source link": (
        edit("basico/primera.es.md", "source:I1", "source:I9"),
        "mini/basico/primera.es.md:3: broken source link: `I9` is not in sources.yaml",
    ),
    "broken glossary link": (
        edit("basico/primera.en.md", "glossary:trata", "glossary:trafico"),
        "mini/basico/primera.en.md:3: broken glossary link: `trafico` is not in glossary.yaml",
    ),
    "broken glossary link in Spanish": (
        edit("basico/primera.es.md", "glossary:trata", "glossary:otro"),
        "primera.es.md:3: broken glossary link: `otro`",
    ),
    "broken lesson link": (
        edit("basico/primera.es.md", "lesson:segunda", "lesson:control-basico"),
        "mini/basico/primera.es.md:11: broken lesson link: `control-basico` is not a lesson or case study",
    ),
    "lesson link to no item": (
        edit("basico/primera.es.md", "lesson:segunda", "lesson:cuarta"),
        "primera.es.md:11: broken lesson link: `cuarta`",
    ),
    "broken image": (
        edit("basico/primera.en.md", "images/flujo.svg", "images/flow.svg"),
        "mini/basico/primera.en.md:9: broken image link: `images/flow.svg`",
    ),
    "link of another kind": (
        edit("practica/facilitator.es.md", "| Caso | 20 |", "| Caso | 20 |\n\nVer [el plan](ftp://plan)"),
        "mini/practica/facilitator.es.md:7: link `ftp://plan` is not allowed",
    ),
    "javascript link": (
        edit("basico/segunda.es.md", "Texto", "[x](javascript:alert(1))"),
        "segunda.es.md:3: link `javascript:alert(1)` is not allowed",
    ),
    "draw from an unknown bank": (
        edit(FINAL, "bank: general", "bank: generales"),
        f"mini/{FINAL}:5: no bank `generales` (banks/generales.yaml or banks/generales.es.gift); banks of",
    ),
    "draw more than the bank holds": (
        edit(FINAL, "{bank: banco}", "{bank: banco, count: 8}"),
        f"mini/{FINAL}:6: draws 8 questions but bank `banco` has 7",
    ),
    "draw more than a YAML bank holds": (
        edit(FINAL, "count: 3", "count: 9"),
        "final.quiz.yaml:5: draws 9 questions but bank `general` has 4",
    ),
    "draw from an empty category": (
        edit(FINAL, "count: 3", "category: nada"),
        f"mini/{FINAL}:5: draws all questions but bank `general` has 0 in category `nada`",
    ),
    "question naming an unknown case": (
        edit(QUIZ, "case: caso-itapua", "case: caso-boqueron"),
        f"mini/{QUIZ}:22: question `oferta` names case `caso-boqueron`, which is not a case study of this",
    ),
    "duplicate module id": (
        edit("course.yaml", "  - id: practica", "  - id: basico"),
        "mini/course.yaml:17: duplicate module id `basico`",
    ),
    "duplicate item id": (
        edit("course.yaml", "quiz: final", "quiz: control-basico"),
        "mini/course.yaml:22: duplicate lesson, case or quiz id `control-basico`",
    ),
    "duplicate lesson id": (
        edit("course.yaml", "lesson: tercera", "lesson: primera"),
        "duplicate lesson, case or quiz id `primera`",
    ),
    "duplicate question id in two files": (
        edit("banks/general.yaml", "id: formas", "id: cruce"),
        f"mini/{QUIZ}:15: duplicate question id `cruce` in this course (also in mini/banks/general.yaml)",
    ),
    "duplicate question id in one bank": (
        edit("banks/general.yaml", "id: formas", "id: edad-nino"),
        "general.yaml:7: duplicate question id `edad-nino`",
    ),
    "duplicate question id in a GIFT bank": (
        lambda m: [
            _edit(m / f"banks/banco.{lang}.gift", "::Reflexión::", "::Plan::") for lang in ("es", "en")
        ],
        "mini/banks/banco.es.gift:28: duplicate question id `plan` in this course",
    ),
    "duplicate glossary term": (
        edit(
            "glossary.yaml",
            "terms:\n",
            "terms:\n  - {id: trata, term: {es: T, en: T}, definition: {es: D, en: D}}\n",
        ),
        "mini/glossary.yaml:3: duplicate glossary term `trata`",
    ),
    "duplicate source id": (
        edit("sources.yaml", "sources:\n", "sources:\n  - {id: I1, title: Otro}\n"),
        "mini/sources.yaml:3: duplicate source id `I1`",
    ),
    "glossary term citing an unknown source": (
        edit("glossary.yaml", "source: I1", "source: I2"),
        "mini/glossary.yaml:5: term `trata` cites source `I2`, which is not in sources.yaml",
    ),
    "reserved item id": (
        edit("course.yaml", "lesson: tercera", "lesson: facilitator"),
        "mini/course.yaml:20: `facilitator` is reserved for the module's notes",
    ),
    "GIFT syntax error": (
        edit("banks/banco.es.gift", "{#7:0}", "{#7:0"),
        "mini/banks/banco.es.gift:26: no closing } for the answer block opened here",
    ),
    "English GIFT title that does not match": (
        edit("banks/banco.en.gift", "::Sigla::", "::Acronym::"),
        "mini/banks/banco.en.gift:24: banco.es.gift has no question titled ::Acronym::",
    ),
    "Spanish GIFT question without its English twin": (
        edit("banks/banco.en.gift", "::Sigla::", "::Acronym::"),
        "mini/banks/banco.es.gift:24: banco.en.gift has no question titled ::Sigla::",
    ),
    "English GIFT twin of another shape": (
        edit("banks/banco.en.gift", "    ~%-100%Signed contract and wages paid\n", ""),
        "mini/banks/banco.es.gift:13: question ::Indicadores:: has 3 options here but 2 in its "
        "English twin (line 13 of the English file)",
    ),
    "GIFT bank without English twin": (
        remove("banks/banco.en.gift"),
        "mini/banks/banco.es.gift:1: no English twin banco.en.gift",
    ),
    "English GIFT bank without Spanish original": (
        write("banks/otro.en.gift", "::A::Question? {T}\n"),
        "mini/banks/otro.en.gift:1: an English bank needs its Spanish original otro.es.gift",
    ),
    "image of another type": (
        write("images/foto.gif", b"GIF89a"),
        "mini/images/foto.gif:1: not an image type",
    ),
    "image over 200 KB": (
        write("images/grande.png", b"\x89PNG" + b"0" * 205 * 1024),
        "mini/images/grande.png:1: this image is 205 KB; images must be at most 200 KB",
    ),
    "SVG with a script": (
        write("images/flujo.svg", SCRIPT_SVG),
        "mini/images/flujo.svg:2: SVG contains script (`<script`)",
    ),
    "SVG with an event attribute": (
        write("images/flujo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        "mini/images/flujo.svg:1: SVG contains script (`onload=`)",
    ),
    "SVG with a javascript link": (
        write("images/flujo.svg", '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>'),
        "mini/images/flujo.svg:1: SVG contains script (`javascript:`)",
    ),
    "practicum on a plain course": (
        edit("course.yaml", "hours: 1\n", "hours: 1\n" + PRACTICUM),
        "mini/course.yaml:5: only a training_of_trainers course has a `practicum`",
    ),
    "training of trainers without practicum": (
        edit("course.yaml", "hours: 1", "hours: 1\nkind: training_of_trainers"),
        "mini/course.yaml:5: a training_of_trainers course needs a `practicum`",
    ),
}


@pytest.mark.parametrize("kind", list(BREAKAGES))
def test_each_kind_of_mistake_is_named_at_its_file_and_line(mini: Path, kind: str) -> None:
    breakage, expected = BREAKAGES[kind]
    breakage(mini)

    course, problems = load_course(mini)

    assert course is None  # a course with any problem is refused whole
    assert any(expected in str(problem) for problem in problems), "\n".join(map(str, problems))


def test_a_folder_name_that_is_not_a_slug_is_reported(mini: Path) -> None:
    folder = mini.rename(mini.parent / "Mini Curso")

    course, problems = load_course(folder)

    assert course is None
    assert [str(p) for p in problems] == [
        "Mini Curso/course.yaml:1: the folder name is the course's id in URLs: "
        "rename the folder to lowercase words joined by `-`"
    ]


def test_files_nothing_refers_to_are_fine(mini: Path) -> None:
    (mini / "notas.txt").write_text("borrador")
    (mini / "basico" / "borrador.es.md").write_text("sin título")

    assert load_course(mini)[1] == []


CASCADES = {
    "glossary that does not parse": (
        edit("glossary.yaml", "    source: I1", "    source: [I1"),
        "glossary.yaml",
    ),
    "bank with an invalid question": (
        edit("banks/general.yaml", "    answers: [{value: 18}]\n", ""),
        "general.yaml",
    ),
    "refused SVG": (write("images/flujo.svg", SCRIPT_SVG), "flujo.svg"),
    "GIFT question that does not parse": (edit("banks/banco.es.gift", "{#7:0}", "{#7:0"), "banco.es.gift"),
}


@pytest.mark.parametrize("kind", list(CASCADES))
def test_a_file_with_problems_is_not_blamed_again_in_other_files(mini: Path, kind: str) -> None:
    breakage, only_file = CASCADES[kind]
    breakage(mini)

    problems = load_course(mini)[1]

    assert problems and {p.path.name for p in problems} == {only_file}, "\n".join(map(str, problems))
