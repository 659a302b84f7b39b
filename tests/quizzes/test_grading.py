"""Server-side scoring: each type's fraction, partial credit, the attempt's percent, the grade that counts."""

from typing import Any

import pytest
from pydantic import TypeAdapter

from app.courses import schema
from app.courses.schema import GradingMethod
from app.quizzes import grading

QUESTION: TypeAdapter[Any] = TypeAdapter(schema.Question)


def _text(value: str) -> dict[str, str]:
    return {"es": value, "en": value}


def question(kind: str, **fields: Any) -> Any:
    return QUESTION.validate_python({"id": "q", "type": kind, "text": _text("¿?"), **fields})


def options(*specs: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"text": _text(f"Opción {i}"), **spec} for i, spec in enumerate(specs)]


SINGLE = question("single", options=options({}, {"correct": True}, {}))
# Two right options of three: +50 each, the wrong one -100.
MULTIPLE = question("multiple", options=options({"correct": True}, {"correct": True}, {}))
WEIGHTED = question("multiple", options=options({"weight": 50}, {"weight": 50}, {"weight": -100}))
MATCHING = question("matching", pairs=[{"left": _text(f"L{i}"), "right": _text(f"R{i}")} for i in range(3)])
SHORT = question("short", answers=["redes sociales", {"text": "internet", "weight": 50}])
NUMERIC = question("numeric", answers=[{"value": 18, "tolerance": 0.5}, {"value": 21, "weight": 25}])
OPEN = question("open")
TRUE_FALSE = question("true_false", answer=False)


def test_single_choice_gives_full_points_for_the_correct_option_only() -> None:
    scores = [grading.score(SINGLE, i) for i in range(3)]

    assert scores == [0.0, 1.0, 0.0]


def test_single_choice_with_an_explicit_partial_weight_gives_that_share() -> None:
    partial = question("single", options=options({"correct": True}, {"weight": 40}, {}))

    assert grading.score(partial, 1) == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ([0, 1], 1.0),  # both right options
        ([0], 0.5),  # one of two right options
        ([1], 0.5),
        ([0, 2], 0.0),  # 0.5 - 1 clamps at zero, never negative
        ([2], 0.0),
        ([0, 1, 2], 0.0),
    ],
)
def test_multiple_response_gives_partial_credit_and_never_goes_negative(
    chosen: list[int], expected: float
) -> None:
    result = grading.score(MULTIPLE, chosen)

    assert result == pytest.approx(expected)


# Three right options of five: +100/3 each, the two wrong ones -100/2 each.
THREE_OF_FIVE = question(
    "multiple", options=options({"correct": True}, {"correct": True}, {"correct": True}, {}, {})
)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ([0, 1, 2], 1.0),
        ([0, 1], 2 / 3),  # two of three right options
        ([0, 1, 3], 2 / 3 - 1 / 2),  # two right, one wrong: 1/6
        ([0, 3, 4], 0.0),  # one right, two wrong: 1/3 - 1 clamps at zero
        ([0, 1, 2, 3, 4], 0.0),  # ticking everything earns nothing
        ([3], 0.0),
    ],
)
def test_multiple_response_three_right_of_five_gives_moodle_partial_credit(
    chosen: list[int], expected: float
) -> None:
    result = grading.score(THREE_OF_FIVE, chosen)

    assert result == pytest.approx(expected)


def test_multiple_response_with_every_option_correct_has_no_penalty_weight() -> None:
    every = question("multiple", options=options({"correct": True}, {"correct": True}))

    assert grading.score(every, [0]) == pytest.approx(0.5) and grading.score(every, [0, 1]) == 1.0


def test_single_choice_with_a_negative_explicit_weight_clamps_to_zero() -> None:
    penalised = question("single", options=options({"correct": True}, {"weight": -50}))

    assert grading.score(penalised, 1) == 0.0


@pytest.mark.parametrize(("chosen", "expected"), [([0], 0.5), ([0, 1], 1.0), ([0, 1, 2], 0.0), ([2], 0.0)])
def test_multiple_response_uses_explicit_weights_as_percents(chosen: list[int], expected: float) -> None:
    result = grading.score(WEIGHTED, chosen)

    assert result == pytest.approx(expected)


def test_multiple_response_counts_a_repeated_option_once_and_ignores_unknown_indexes() -> None:
    result = grading.score(MULTIPLE, [0, 0, 0, 7, -1])

    assert result == pytest.approx(0.5)


def test_true_false_scores_only_the_stated_answer() -> None:
    scores = [grading.score(TRUE_FALSE, value) for value in (False, True, "false", 0)]

    assert scores == [1.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"0": 0, "1": 1, "2": 2}, 1.0),
        ({"0": 0, "1": 2, "2": 1}, 1 / 3),
        ({"0": 0, "1": 1}, 2 / 3),  # one left unmatched
        ({"0": 1, "1": 1, "2": 1}, 1 / 3),  # the same right item everywhere earns only its own pair
        ({}, 0.0),
        ({0: 0, 1: 1, 2: 2}, 1.0),  # int keys, as built in Python rather than parsed from JSON
        ({0: 0, "1": 2, 2: 2}, 2 / 3),
    ],
)
def test_matching_gives_a_share_per_right_pair(response: dict[str, int], expected: float) -> None:
    result = grading.score(MATCHING, response)

    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    "typed", ["redes sociales", "  REDES sociáles ", "Redes   Sociales", "rédes\tsociales"]
)
def test_short_answer_ignores_case_accents_and_spaces(typed: str) -> None:
    result = grading.score(SHORT, typed)

    assert result == 1.0


@pytest.mark.parametrize(("accepted", "typed"), [("Ñeembucú", " neembucu "), ("neembucu", "ÑEEMBUCÚ")])
def test_short_answer_matches_a_department_name_with_or_without_its_accents(
    accepted: str, typed: str
) -> None:
    department = question("short", answers=[accepted])

    assert grading.score(department, typed) == 1.0


def test_short_answer_takes_the_best_weight_when_two_accepted_answers_match() -> None:
    both = question("short", answers=[{"text": "OIT", "weight": 50}, {"text": "oit", "weight": 100}])

    assert grading.score(both, "Oit") == 1.0


@pytest.mark.parametrize(("typed", "expected"), [("Internet ", 0.5), ("redes", 0.0), ("redessociales", 0.0)])
def test_short_answer_gives_an_accepted_answers_weight_and_nothing_for_others(
    typed: str, expected: float
) -> None:
    result = grading.score(SHORT, typed)

    assert result == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18", 1.0),
        (" 18 ", 1.0),
        ("18.0", 1.0),
        ("18.5", 1.0),
        ("17.5", 1.0),  # the tolerance's edges count
        ("18,5", 1.0),
        ("17,5", 1.0),  # a decimal comma, as written in Paraguay
        ("18.51", 0.0),
        ("17.49", 0.0),  # just outside
        ("21", 0.25),
        ("21,0", 0.25),  # the partial-credit answer
        ("dieciocho", 0.0),
        ("18 años", 0.0),
        ("", 0.0),
        ("1_8", 0.0),
        ("nan", 0.0),
        ("inf", 0.0),
        ("--18", 0.0),
        ("1.8e1", 0.0),
        ("18,0,0", 0.0),
        ("1.234,5", 0.0),
    ],
)
def test_numeric_accepts_the_tolerance_edges_and_a_decimal_comma_but_not_garbage(
    typed: str, expected: float
) -> None:
    result = grading.score(NUMERIC, typed)

    assert result == expected


def test_numeric_tolerance_survives_binary_rounding() -> None:
    tenth = question("numeric", answers=[{"value": 0.3, "tolerance": 0.1}])

    assert grading.score(tenth, "0.4") == 1.0 and grading.score(tenth, "0,2") == 1.0
    assert grading.score(tenth, "0.41") == 0.0


def test_an_answered_open_response_waits_for_an_instructor_but_an_unanswered_one_scores_zero() -> None:
    answered = grading.score(OPEN, "Aviso a la fiscalía.")

    assert answered is None
    assert grading.score(OPEN, None) == 0.0 and grading.score(OPEN, "   \n") == 0.0


@pytest.mark.parametrize("item", [SINGLE, MULTIPLE, MATCHING, SHORT, NUMERIC, TRUE_FALSE])
def test_an_unanswered_question_scores_zero(item: Any) -> None:
    scores = {grading.score(item, empty) for empty in (None, "", "  ", [], {})}

    assert scores == {0.0}


@pytest.mark.parametrize(
    ("item", "response"),
    [
        (SINGLE, True),  # JSON true is not option 1
        (SINGLE, "1"),
        (SINGLE, 1.0),
        (SINGLE, [1]),
        (MULTIPLE, "01"),
        (MULTIPLE, {"0": 1}),
        (MULTIPLE, [True, 1.0]),
        (MATCHING, [0, 1, 2]),
        (MATCHING, {"0": True, "1": "1"}),
        (NUMERIC, True),
        (NUMERIC, [18]),
        (SHORT, ["redes sociales"]),
        (TRUE_FALSE, "false"),
    ],
)
def test_a_response_of_the_wrong_shape_scores_zero_instead_of_failing(item: Any, response: Any) -> None:
    result = grading.score(item, response)

    assert result == 0.0


def test_attempt_percent_weighs_each_question_by_its_points() -> None:
    scores = [(2.0, 1.0), (1.0, 0.0), (1.0, 0.5)]

    result = grading.attempt_percent(scores)

    assert result == 62.5


def test_attempt_percent_is_none_while_an_answer_waits_and_rounds_to_two_places() -> None:
    pending = grading.attempt_percent([(1.0, 1.0), (1.0, None)])
    third = grading.attempt_percent([(1.0, 1.0), (1.0, 0.0), (1.0, 0.0)])

    assert pending is None and third == 33.33
    assert grading.attempt_percent([]) == 0.0


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (GradingMethod.highest, 90.0),
        (GradingMethod.last, 60.0),
        (GradingMethod.average, 63.33),
    ],
)
def test_final_grade_follows_the_quiz_grading_method(method: GradingMethod, expected: float) -> None:
    result = grading.final_grade(method, [40.0, 90.0, 60.0])

    assert result == expected


def test_final_grade_without_finished_attempts_is_none() -> None:
    results = {grading.final_grade(method, []) for method in GradingMethod}

    assert results == {None}


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (50.0, True),
        (100.0, True),
        (49.99, False),
        (0.0, False),
        (None, False),
        (50 - 1e-12, True),  # float noise at the mark still passes
    ],
)
def test_passed_means_at_least_the_pass_mark(percent: float | None, expected: bool) -> None:
    result = grading.passed(percent, 50)

    assert result is expected


def test_correct_answer_of_single_choice_names_only_the_full_credit_option() -> None:
    partial = question("single", options=options({"weight": 50}, {"correct": True}, {}))

    result = grading.correct_answer(partial)

    assert result == {"options": [1]}


def test_correct_answers_per_type() -> None:
    items = (MULTIPLE, TRUE_FALSE, MATCHING, SHORT, NUMERIC, OPEN)

    results = [grading.correct_answer(item) for item in items]

    assert results == [
        {"options": [0, 1]},
        {"value": False},
        {"pairs": [[0, 0], [1, 1], [2, 2]]},
        {"answers": ["redes sociales"]},
        {"values": [[18.0, 0.5]]},
        {},
    ]


def test_feedback_for_a_response_is_the_chosen_options_and_matching_answers() -> None:
    with_feedback = question(
        "single",
        options=[
            {"text": _text("A"), "correct": True, "feedback": _text("Bien")},
            {"text": _text("B"), "feedback": _text("Falta algo")},
        ],
    )
    short = question("short", answers=[{"text": "OIT", "feedback": _text("Exacto")}])

    chosen = grading.feedback_for(with_feedback, 1)
    typed = grading.feedback_for(short, " oit ")

    assert [t.es for t in chosen] == ["Falta algo"] and [t.es for t in typed] == ["Exacto"]
    assert grading.feedback_for(with_feedback, True) == [] and grading.feedback_for(with_feedback, None) == []


def test_correct_answer_of_multiple_response_lists_the_options_with_positive_weight() -> None:
    result = grading.correct_answer(WEIGHTED)

    assert result == {"options": [0, 1]}


def test_correct_answer_without_a_full_credit_answer_names_the_best_ones() -> None:
    partial = question("short", answers=[{"text": "casi", "weight": 50}, {"text": "algo", "weight": 20}])

    assert grading.correct_answer(partial) == {"answers": ["casi"]}


def test_feedback_for_multiple_response_is_each_chosen_options_once() -> None:
    chosen = question(
        "multiple",
        options=[
            {"text": _text("A"), "correct": True, "feedback": _text("Sí A")},
            {"text": _text("B"), "feedback": _text("No B")},
            {"text": _text("C"), "correct": True},
        ],
    )

    result = grading.feedback_for(chosen, [1, 0, 1, 2, 9])

    assert [t.es for t in result] == ["No B", "Sí A"]


def test_feedback_for_true_false_follows_the_value_chosen() -> None:
    item = question(
        "true_false", answer=True, feedback_true=_text("Correcto"), feedback_false=_text("Revise")
    )

    assert [t.es for t in grading.feedback_for(item, False)] == ["Revise"]
    assert [t.es for t in grading.feedback_for(item, True)] == ["Correcto"]
    assert grading.feedback_for(item, None) == []


def test_feedback_for_numeric_is_the_best_matching_answers_only() -> None:
    item = question(
        "numeric",
        answers=[
            {"value": 18, "feedback": _text("Exacto")},
            {"value": 18, "tolerance": 5, "weight": 50, "feedback": _text("Cerca")},
        ],
    )

    exact = grading.feedback_for(item, "18,0")
    close = grading.feedback_for(item, "20")

    assert [t.es for t in exact] == ["Exacto"] and [t.es for t in close] == ["Cerca"]
    assert grading.feedback_for(item, "veinte") == []
