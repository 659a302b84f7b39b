"""The GIFT parser: Moodle's documented question forms, errors with lines, and the schema mapping."""

import json
import random
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from app.courses.files.gift import (
    GiftError,
    GiftQuestion,
    parse,
    question_ids,
    to_json,
    to_schema_question,
)
from app.courses.schema import Question

FIXTURES = Path(__file__).parent.parent / "fixtures" / "gift"
QUESTION = TypeAdapter(Question)


def only(source: str) -> GiftQuestion:
    """Parse a source that must hold exactly one question and no errors."""
    result = parse(source)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def error_of(source: str) -> GiftError:
    """Parse a source that must hold exactly one error and no questions."""
    result = parse(source)
    assert result.questions == []
    assert len(result.errors) == 1
    return result.errors[0]


def fixture(name: str) -> list[GiftQuestion]:
    result = parse((FIXTURES / name).read_text(encoding="utf-8"))
    assert result.errors == []
    return result.questions


def options(q: GiftQuestion) -> list[tuple[str, float, str | None]]:
    return [(o.text, o.weight, o.feedback) for o in q.options]


# --- question forms from Moodle's GIFT documentation ---------------------------------------


def test_multiple_choice_with_one_equals_answer_is_single_choice() -> None:
    q = only("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert q.type == "single"
    assert q.text == "Who's buried in Grant's tomb?"
    assert options(q) == [("Grant", 0, None), ("Jefferson", 0, None), ("no one", 100, None)]
    assert q.format == "moodle" and q.title is None and q.category is None and q.line == 1


def test_answer_block_in_the_middle_of_the_text_leaves_a_blank() -> None:
    q = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.text == "Grant is _____ in Grant's tomb."
    assert q.type == "single"


def test_answer_block_at_the_end_leaves_no_blank() -> None:
    assert only("Two plus two equals {=four =4}   ").text == "Two plus two equals"


def test_answers_on_separate_indented_lines_are_read_like_one_line() -> None:
    q = only(
        "The American holiday of Thanksgiving is celebrated on the {\n"
        "    ~second\n"
        "    ~third\n"
        "    =fourth\n"
        "} Thursday of November."
    )
    assert q.text == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    assert options(q) == [("second", 0, None), ("third", 0, None), ("fourth", 100, None)]


def test_only_equals_answers_is_short_answer() -> None:
    q = only("Who's buried in Grant's tomb?{=Grant =Ulysses S. Grant =Ulysses Grant}")
    assert q.type == "short"
    assert [(a.text, a.weight) for a in q.answers] == [
        ("Grant", 100),
        ("Ulysses S. Grant", 100),
        ("Ulysses Grant", 100),
    ]


def test_short_answer_weights_and_feedback() -> None:
    q = only(
        "::Jesus' hometown:: Jesus Christ was from {\n"
        "    =Nazareth#Yes! That's right!\n"
        "    =%75%Nazereth#Right, but misspelled.\n"
        "    =%25%Bethlehem#He was born here, but not raised here.\n"
        "}."
    )
    assert q.type == "short"
    assert q.text == "Jesus Christ was from _____."
    assert [(a.text, a.weight, a.feedback) for a in q.answers] == [
        ("Nazareth", 100, "Yes! That's right!"),
        ("Nazereth", 75, "Right, but misspelled."),
        ("Bethlehem", 25, "He was born here, but not raised here."),
    ]


@pytest.mark.parametrize(
    ("block", "answer"), [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)]
)
def test_true_false_accepts_t_true_f_false(block: str, answer: bool) -> None:
    q = only(f"Grant is buried in Grant's tomb.{block}")
    assert q.type == "true_false"
    assert q.answer is answer
    assert q.feedback_true is None and q.feedback_false is None


def test_true_false_first_feedback_is_for_the_wrong_answer_second_for_the_right_one() -> None:
    true_q = only("42 is the Absolute Answer to everything.{TRUE#No, it is.#You got it.}")
    assert (true_q.answer, true_q.feedback_false, true_q.feedback_true) == (True, "No, it is.", "You got it.")
    false_q = only("Grant is buried in Grant's tomb.{FALSE#No one is buried there.#Right, entombed.}")
    assert false_q.answer is False
    assert false_q.feedback_true == "No one is buried there."
    assert false_q.feedback_false == "Right, entombed."


def test_true_false_with_only_wrong_answer_feedback() -> None:
    q = only("Grant is buried in Grant's tomb.{F#No one is buried in Grant's tomb.}")
    assert q.feedback_true == "No one is buried in Grant's tomb."
    assert q.feedback_false is None


def test_matching_pairs_with_general_feedback() -> None:
    q = only(
        "Match the following countries with their corresponding capitals. {\n"
        "    =Canada -> Ottawa\n"
        "    =Italy  -> Rome\n"
        "    =Japan  -> Tokyo\n"
        "    =India  -> New Delhi\n"
        "    ####It's good to know the capitals\n"
        "    }"
    )
    assert q.type == "matching"
    assert [(p.left, p.right) for p in q.pairs] == [
        ("Canada", "Ottawa"),
        ("Italy", "Rome"),
        ("Japan", "Tokyo"),
        ("India", "New Delhi"),
    ]
    assert q.general_feedback == "It's good to know the capitals"


def test_numeric_value_with_tolerance() -> None:
    q = only("When was Ulysses S. Grant born?{#1822:5}")
    assert q.type == "numeric"
    assert [(n.value, n.tolerance, n.weight) for n in q.numbers] == [(1822, 5, 100)]


def test_numeric_range_becomes_value_and_tolerance() -> None:
    q = only("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    assert q.text == "What is the value of pi (to 3 decimal places)? _____."
    assert (q.numbers[0].value, q.numbers[0].tolerance) == (3.1415, 0.0005)


def test_numeric_without_tolerance_is_exact() -> None:
    q = only("What is two minus five? {#-3}")
    assert (q.numbers[0].value, q.numbers[0].tolerance) == (-3, 0)


def test_numeric_with_several_weighted_answers_and_feedback() -> None:
    q = only(
        "When was Ulysses S. Grant born? {#\n"
        "    =1822:0      # Correct! Full credit.\n"
        "    =%50%1822:2  # He was born in 1822. Half credit for being close.\n"
        "}"
    )
    assert [(n.value, n.tolerance, n.weight, n.feedback) for n in q.numbers] == [
        (1822, 0, 100, "Correct! Full credit."),
        (1822, 2, 50, "He was born in 1822. Half credit for being close."),
    ]


def test_empty_answer_block_is_an_open_question() -> None:
    q = only("Write a short biography of Dag Hammarskjöld. {}")
    assert q.type == "open"
    assert q.text == "Write a short biography of Dag Hammarskjöld."


def test_open_question_keeps_its_general_feedback() -> None:
    q = only("Write a short biography of Dag Hammarskjöld. {####He was UN Secretary-General.}")
    assert (q.type, q.general_feedback) == ("open", "He was UN Secretary-General.")


def test_text_without_answer_block_is_a_description() -> None:
    q = only("You can use your pencil and paper for these next math questions.")
    assert q.type == "description"
    assert q.text == "You can use your pencil and paper for these next math questions."


def test_weighted_choices_with_two_positive_weights_is_multiple_response() -> None:
    q = only(
        "What two people are entombed in Grant's tomb? {\n"
        "   ~%-100%No one\n"
        "   ~%50%Grant\n"
        "   ~%50%Grant's wife\n"
        "   ~%-100%Grant's father\n"
        "}"
    )
    assert q.type == "multiple"
    assert options(q) == [
        ("No one", -100, None),
        ("Grant", 50, None),
        ("Grant's wife", 50, None),
        ("Grant's father", -100, None),
    ]


def test_a_single_full_weight_without_equals_is_single_choice() -> None:
    assert only("Pick the capital of Italy. {~%100%Rome ~Milan ~Turin}").type == "single"


def test_one_equals_answer_with_partial_credit_weights_stays_single_choice() -> None:
    q = only("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")
    assert q.type == "single"
    assert options(q) == [
        ("wrong answer", 0, None),
        ("half credit answer", 50, None),
        ("full credit answer", 100, None),
    ]


def test_decimal_weights_are_read() -> None:
    q = only("Which are primes? {~%33.3333%2 ~%33.3333%3 ~%33.3333%5 ~%-100%4}")
    assert [o.weight for o in q.options] == [33.3333, 33.3333, 33.3333, -100]


def test_each_answer_takes_the_feedback_after_its_hash() -> None:
    q = only(
        "What's the answer to this multiple-choice question? {\n"
        "    ~wrong answer#feedback comment on the wrong answer\n"
        "    ~another wrong answer#feedback comment on this wrong answer\n"
        "    =right answer#Very good!}"
    )
    assert options(q) == [
        ("wrong answer", 0, "feedback comment on the wrong answer"),
        ("another wrong answer", 0, "feedback comment on this wrong answer"),
        ("right answer", 100, "Very good!"),
    ]


def test_general_feedback_follows_four_hashes() -> None:
    q = only("::Q2:: What's between orange and green in the spectrum? {=yellow ~red ~blue ####Roy G. Biv}")
    assert q.general_feedback == "Roy G. Biv"
    assert [o.text for o in q.options] == ["yellow", "red", "blue"]


def test_title_between_double_colons_is_removed_from_the_text() -> None:
    q = only("::Kanji Origins::Japanese characters originally came from what country? {=China ~India}")
    assert q.title == "Kanji Origins"
    assert q.text == "Japanese characters originally came from what country?"


def test_escaped_control_characters_are_literal_text() -> None:
    q = only("Which answer equals 5? {~ \\= 2 + 2 = \\= 2 + 3 ~ \\= 2 + 4}")
    assert options(q) == [("= 2 + 2", 0, None), ("= 2 + 3", 100, None), ("= 2 + 4", 0, None)]


def test_every_gift_escape_is_resolved() -> None:
    q = only(
        "::GIFT Control Characters\\: a quiz::Which of the following is NOT a control character "
        "for the GIFT import format? \\{ \\} {\n"
        "   ~ \\~     # \\~ is a control character.\n"
        "   ~ \\=     # \\= is a control character.\n"
        "   ~ \\#     # \\# is a control character.\n"
        "   ~ \\{     # \\{ is a control character.\n"
        "   ~ \\}     # \\} is a control character.\n"
        "   = \\\\     # Correct! \\\\ (backslash) is not a control character.\n"
        "}"
    )
    assert q.title == "GIFT Control Characters: a quiz"
    assert q.text.endswith("for the GIFT import format? { }")
    assert [o.text for o in q.options] == ["~", "=", "#", "{", "}", "\\"]
    assert q.options[0].feedback == "~ is a control character."
    assert q.options[5].feedback == "Correct! \\ (backslash) is not a control character."


def test_backslash_n_is_a_line_break() -> None:
    q = only("First line\\nsecond line {T}")
    assert q.text == "First line\nsecond line"


def test_other_backslashes_are_kept() -> None:
    assert only("Solve \\(x^2 = 4\\) for x > 0. {#2}").text == "Solve \\(x^2 = 4\\) for x > 0."


# --- file structure: comments, categories, formats, lines ---------------------------------


def test_whole_line_comments_are_ignored_even_inside_a_question() -> None:
    result = parse(
        "// question: 1 name: Grants tomb\n"
        "::Grants tomb::Who is buried in Grant's tomb? {\n"
        "   // the right one first\n"
        "   =no one\n"
        "   ~Grant\n"
        "}\n"
        "\n"
        "// a comment alone in its block\n"
    )
    assert result.errors == []
    assert [q.title for q in result.questions] == ["Grants tomb"]
    assert [o.text for o in result.questions[0].options] == ["no one", "Grant"]
    assert result.questions[0].line == 2


def test_double_slash_inside_a_url_is_not_a_comment() -> None:
    q = only("Is https://docs.moodle.org/en/GIFT_format the GIFT reference? {T}")
    assert q.text == "Is https://docs.moodle.org/en/GIFT_format the GIFT reference?"


def test_category_applies_to_the_questions_after_it() -> None:
    result = parse(
        "First. {T}\n\n"
        "$CATEGORY: $course$/top/Elementos\n\n"
        "Second. {T}\n\n"
        "Third. {F}\n"
        "$CATEGORY: $course$/top/Medios\n"
        "Fourth. {F}\n"
    )
    assert result.errors == []
    assert [q.category for q in result.questions] == [
        None,
        "$course$/top/Elementos",
        "$course$/top/Elementos",
        "$course$/top/Medios",
    ]


def test_empty_category_is_reported_and_the_previous_one_kept() -> None:
    result = parse("$CATEGORY: top/A\n\n$CATEGORY:\n\nQuestion. {T}")
    assert result.errors == [GiftError(3, "$CATEGORY: needs a category name after the colon")]
    assert result.questions[0].category == "top/A"


@pytest.mark.parametrize("fmt", ["moodle", "markdown", "html", "plain"])
def test_format_prefix_sets_the_format_and_leaves_the_text(fmt: str) -> None:
    q = only(f"::Formats::[{fmt}]Who's buried in **Grant's tomb**? {{=no one ~Grant}}")
    assert q.format == fmt
    assert q.text == "Who's buried in **Grant's tomb**?"


def test_unknown_bracket_prefix_is_part_of_the_text() -> None:
    q = only("[note] This is not a format. {T}")
    assert (q.format, q.text) == ("moodle", "[note] This is not a format.")


def test_format_prefix_on_answers_and_feedback_is_dropped() -> None:
    q = only("[html]Pick one. {=[html]<b>yes</b>#[html]<i>good</i> ~[plain]no}")
    assert options(q) == [("<b>yes</b>", 100, "<i>good</i>"), ("no", 0, None)]


def test_multi_line_question_text_keeps_its_line_breaks() -> None:
    q = only("::Multi::[markdown]Read the case:\n- a list item\n- another {T}")
    assert q.text == "Read the case:\n- a list item\n- another"
    assert q.format == "markdown"


def test_question_line_is_the_first_line_of_its_block() -> None:
    result = parse("\n\n// comment\n\n   \n::A::First.\n{T}\n\n\n::B::Second. {F}\n")
    assert [(q.title, q.line) for q in result.questions] == [("A", 6), ("B", 10)]


def test_windows_line_endings_and_byte_order_mark_are_accepted() -> None:
    result = parse("\ufeff::A::First. {\r\n=yes\r\n~no\r\n}\r\n\r\n::B::Second. {T}\r\n")
    assert result.errors == []
    assert [(q.title, q.line) for q in result.questions] == [("A", 1), ("B", 6)]
    assert [o.text for o in result.questions[0].options] == ["yes", "no"]


def test_moodle_documentation_examples_file_parses_without_errors() -> None:
    questions = fixture("moodle_docs.gift")
    assert [(q.line, q.type) for q in questions] == [
        (6, "single"),
        (8, "single"),
        (10, "single"),
        (16, "single"),
        (23, "short"),
        (25, "short"),
        (27, "true_false"),
        (29, "true_false"),
        (31, "matching"),
        (39, "numeric"),
        (41, "numeric"),
        (43, "numeric"),
        (48, "open"),
        (50, "description"),
        (52, "multiple"),
    ]
    assert {q.category for q in questions} == {"$course$/top/GIFT examples"}


# --- errors ---------------------------------------------------------------------------------


def test_unclosed_brace_is_reported_at_the_line_of_the_opening_brace() -> None:
    error = error_of("::Grant::Who is buried\nin Grant's tomb? {\n=no one\n~Grant")
    assert error == GiftError(
        2, "no closing } for the answer block opened here (a blank line ends a question)"
    )


def test_blank_line_inside_an_answer_block_is_reported_at_both_halves() -> None:
    result = parse("Pick one. {\n=a\n\n~b\n}")
    assert [e.line for e in result.errors] == [1, 5]
    assert "a blank line ends a question" in result.errors[0].message


def test_closing_brace_without_an_opening_one_is_reported() -> None:
    error = error_of("Who is buried\nin Grant's tomb? =no one ~Grant}")
    assert error.line == 2 and "} with no {" in error.message


def test_two_questions_without_a_blank_line_between_them_are_reported() -> None:
    error = error_of("First question {=a ~b\nSecond question {=c ~d}")
    assert error.line == 2
    assert "opened on line 1" in error.message and "blank line" in error.message


def test_a_second_answer_block_is_reported() -> None:
    error = error_of("Pick {=a ~b} and then\n{=c ~d}")
    assert error.line == 2 and "only one answer block" in error.message


def test_weight_that_is_not_a_number_is_reported_at_its_answer_line() -> None:
    error = error_of("Difficult question. {\n~wrong answer\n~%abc%half credit answer\n=full credit answer\n}")
    assert error == GiftError(3, "the weight %abc% is not a number; write a percent such as %50% or %-25%")


def test_weight_outside_minus_100_to_100_is_reported() -> None:
    error = error_of("Pick. {~%150%a ~b}")
    assert error.line == 1 and "%150%" in error.message and "-100 to 100" in error.message


def test_numeric_answer_that_is_not_a_number_is_reported_at_its_line() -> None:
    error = error_of("When was Grant born? {#\n=1822:0\n=about 1822\n}")
    assert error == GiftError(3, "'about 1822' is not a number")


def test_numeric_answer_with_a_decimal_comma_suggests_a_point() -> None:
    error = error_of("What is pi? {#3,14:0,01}")
    assert error.message == "'0,01' is not a number (use a point for decimals)"


def test_numeric_tolerance_that_is_not_a_number_is_reported() -> None:
    assert error_of("Pick a number. {#5:abc}").message == "'abc' is not a number"


def test_numeric_range_written_backwards_is_reported() -> None:
    assert "runs backwards" in error_of("Pick a number. {#5..1}").message


def test_empty_numeric_block_is_reported() -> None:
    assert "has no number" in error_of("Pick a number. {#}").message


def test_choice_question_with_only_wrong_answers_is_reported() -> None:
    error = error_of("Who's buried in Grant's tomb?\n{~Grant ~Jefferson ~Lincoln}")
    assert error.line == 2
    assert error.message.startswith("none of the answers is right: mark the right one with =")


def test_choice_answer_block_with_empty_answers_is_reported() -> None:
    assert error_of("Pick one. {~ ~}") == GiftError(1, "an answer after ~ has no text")


def test_choice_question_with_one_answer_is_reported() -> None:
    assert "at least 2 answers" in error_of("Pick one. {~%100%only}").message


def test_two_equals_answers_in_a_choice_question_are_reported() -> None:
    error = error_of("Pick. {=a =b ~c}")
    assert error.message.startswith("2 answers are marked with =")


def test_matching_with_fewer_than_two_pairs_is_reported() -> None:
    error = error_of("Match the countries. {=Canada -> Ottawa}")
    assert error == GiftError(
        1, "a matching question needs at least 2 pairs written =left -> right; this one has 1"
    )


def test_matching_item_without_arrow_is_reported_at_its_line() -> None:
    error = error_of("Match. {\n=Canada -> Ottawa\n=Italy Rome\n}")
    assert error == GiftError(3, "'=Italy Rome' has no ->; write each pair as =left -> right")


def test_text_before_the_first_answer_is_reported() -> None:
    error = error_of("Who's buried in Grant's tomb? {no one}")
    assert error.message.startswith("'no one' is not an answer")


def test_unclosed_title_is_reported() -> None:
    assert error_of("::Grant's tomb Who's buried here? {T}") == GiftError(
        1, "no closing :: for the title opened here"
    )


def test_question_without_text_is_reported() -> None:
    assert "has no text" in error_of("::Only a title::{T}").message


def test_parsing_continues_after_each_error() -> None:
    result = parse((FIXTURES / "errors.gift").read_text(encoding="utf-8"))
    assert [q.title for q in result.questions] == ["ok-1", "ok-2", "ok-3"]
    assert [e.line for e in result.errors] == [4, 10, 18, 21, 23, 25]


def test_parse_never_raises_on_garbage() -> None:
    rng = random.Random(20240601)
    alphabet = list("{}~=#%:->.\\/ \nabc1$[]") + ["::", "//", "####", "$CATEGORY:", "\n\n", "\\n", "[html]"]
    for _ in range(2000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        result = parse(source)
        assert all(isinstance(e.line, int) and e.line >= 1 and e.message for e in result.errors)


# --- output ---------------------------------------------------------------------------------


def test_to_json_holds_common_and_type_specific_fields_and_is_serialisable() -> None:
    data = to_json(parse((FIXTURES / "moodle_docs.gift").read_text(encoding="utf-8")))
    json.dumps(data)
    single = data[0]
    assert set(single) == {
        "line",
        "title",
        "type",
        "text",
        "format",
        "category",
        "general_feedback",
        "options",
    }
    assert single["options"][2] == {"text": "no one", "weight": 100, "feedback": None}
    by_type: dict[str, dict] = {}
    for item in data:
        by_type.setdefault(item["type"], item)  # the first question of each type
    assert {"answer", "feedback_true", "feedback_false"} <= set(by_type["true_false"])
    assert by_type["matching"]["pairs"][0] == {"left": "Canada", "right": "Ottawa"}
    assert by_type["numeric"]["numbers"][0] == {
        "value": 1822,
        "tolerance": 5,
        "weight": 100,
        "feedback": None,
    }
    assert by_type["short"]["answers"][0]["text"] == "Grant"
    assert "options" not in by_type["open"]


def test_question_id_is_the_slug_of_the_title_without_accents() -> None:
    q = only("::Elementos de la trata: ¿acción, medio y fin?::Pregunta. {T}")
    assert question_ids([q], "banco") == ["elementos-de-la-trata-accion-medio-y-fin"]


def test_an_untitled_question_or_a_title_without_letters_gets_an_id_from_its_text() -> None:
    assert question_ids([only("Pregunta sin título. {T}")], "banco") == ["banco-pregunta-sin-titulo"]
    assert question_ids([only("::¿?::Pregunta. {T}")], "banco") == ["banco-pregunta"]


def test_question_id_is_at_most_80_characters() -> None:
    titled = only("::" + "palabra " * 20 + "::Pregunta. {T}")
    untitled = only("palabra " * 20 + "{T}")
    for question_id in question_ids([titled, untitled], "banco-con-un-nombre-largo"):
        assert len(question_id) <= 80 and not question_id.endswith("-")


# --- schema mapping -------------------------------------------------------------------------


def twins() -> list[tuple[GiftQuestion, GiftQuestion]]:
    english = {q.title: q for q in fixture("banco.en.gift")}
    return [(q, english[q.title]) for q in fixture("banco.es.gift") if q.type != "description"]


def test_every_question_with_its_english_twin_validates_against_the_schema() -> None:
    pairs = twins()
    assert [es.type for es, _ in pairs] == [
        "single",
        "true_false",
        "multiple",
        "matching",
        "short",
        "numeric",
        "open",
    ]
    for index, (es, en) in enumerate(pairs):
        data = to_schema_question(es, en, question_id=f"q{index}")
        question = QUESTION.validate_python(data)
        assert question.type == es.type
        assert question.text.en == en.text


def test_question_without_english_twin_fails_validation_on_the_missing_translation() -> None:
    for es, _ in twins():
        data = to_schema_question(es, None, question_id="sin-ingles")
        assert data["text"] == {"es": es.text}
        with pytest.raises(ValidationError) as raised:
            QUESTION.validate_python(data)
        assert any(err["type"] == "missing" and err["loc"][-1] == "en" for err in raised.value.errors())


def test_schema_single_choice_marks_the_full_weight_option_correct() -> None:
    es, en = twins()[0]
    data = to_schema_question(es, en, question_id="elementos")
    assert [o["correct"] for o in data["options"]] == [False, True, False]
    assert data["options"][1]["feedback"] == {
        "es": "Correcto: acción, medio y fin.",
        "en": "Right: act, means and purpose.",
    }
    assert data["feedback"] == {
        "es": "Acción, medio y fin de explotación.",
        "en": "Act, means and purpose of exploitation.",
    }
    assert data["category"] == "elementos-del-delito"
    assert all("weight" not in o for o in data["options"])


def test_schema_multiple_response_marks_positive_weights_correct_and_keeps_weights() -> None:
    es, en = twins()[2]
    data = to_schema_question(es, en, question_id="indicadores")
    assert [(o["correct"], o["weight"]) for o in data["options"]] == [(True, 50), (True, 50), (False, -100)]


def test_schema_true_false_feedback_goes_to_each_answer() -> None:
    es, en = twins()[1]
    data = to_schema_question(es, en, question_id="consentimiento")
    assert data["answer"] is False
    assert data["feedback_true"]["en"] == "Consent does not count if coercive means were used."
    assert data["feedback_false"] == {"es": "Correcto.", "en": "Right."}


def test_schema_short_answer_accepts_both_languages_once() -> None:
    es, en = twins()[4]
    data = to_schema_question(es, en, question_id="sigla")
    assert [(a["text"], a["weight"]) for a in data["answers"]] == [
        ("OIT", 100),
        ("ILO", 100),
        ("O.I.T.", 50),
        ("I.L.O.", 50),
    ]
    same = only("Capital? {=Asunción}")
    assert [
        a["text"] for a in to_schema_question(same, only("Capital? {=asuncion}"), question_id="c")["answers"]
    ] == ["Asunción"]


def test_schema_numeric_and_matching_and_open() -> None:
    by_type = {es.type: to_schema_question(es, en, question_id="x") for es, en in twins()}
    assert by_type["numeric"]["answers"] == [{"value": 7, "tolerance": 0, "weight": 100}]
    assert by_type["matching"]["pairs"][0] == {
        "left": {"es": "Captación", "en": "Recruitment"},
        "right": {"es": "Reclutar a la víctima", "en": "Enlisting the victim"},
    }
    assert set(by_type["open"]) == {"id", "type", "text", "category"}


def test_schema_category_is_omitted_without_a_category() -> None:
    data = to_schema_question(only("Sí o no. {T}"), only("Yes or no. {T}"), question_id="si-o-no")
    assert "category" not in data
    QUESTION.validate_python(data)


def test_description_is_not_a_schema_question() -> None:
    with pytest.raises(ValueError, match="not a question"):
        to_schema_question(only("Solo texto."), None, question_id="texto")


def test_english_twin_of_another_type_or_shape_is_refused() -> None:
    es = only("::A::Pick. {=a ~b}")
    with pytest.raises(ValueError, match="is a single-choice question here but a true/false question in its"):
        to_schema_question(es, only("::A::Pick. {T}"), question_id="a")
    with pytest.raises(ValueError, match="has 2 options here but 3 in its English twin"):
        to_schema_question(es, only("::A::Pick. {=a ~b ~c}"), question_id="a")


def test_generated_ids_come_from_the_bank_and_the_text_not_the_position() -> None:
    first = parse(
        "¿Quién dirige la investigación? {=El fiscal ~La policía}\n\n::Edad::¿Edad mínima? {#14}\n"
    ).questions
    moved = parse("::Otra::¿Sí? {T}\n\n¿Quién dirige la investigación? {=El fiscal ~La policía}\n").questions

    assert question_ids(first, "banco") == ["banco-quien-dirige-la-investigacion", "edad"]
    assert question_ids(moved, "banco")[1] == "banco-quien-dirige-la-investigacion"


def test_a_repeated_untitled_text_gets_a_numbered_id_that_never_takes_a_title() -> None:
    questions = parse("::Banco Sí::¿Sí? {T}\n\n¿Sí? {T}\n\n¿Sí? {F}\n").questions

    assert question_ids(questions, "banco") == ["banco-si", "banco-si-2", "banco-si-3"]
