"""Which questions an attempt gets and in which order: seeded, without repeats, per the quiz settings."""

import random
from typing import Any

import pytest

from app.courses import drawing, schema


def _text(value: str) -> dict[str, str]:
    return {"es": value, "en": value}


def _single(qid: str, category: str | None = None) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "single",
        "text": _text(qid),
        "category": category,
        "options": [{"text": _text(f"{qid}-{i}"), "correct": i == 0} for i in range(4)],
    }


def _matching(qid: str) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "matching",
        "text": _text(qid),
        "pairs": [{"left": _text(f"L{i}"), "right": _text(f"R{i}")} for i in range(4)],
    }


def bank(*questions: dict[str, Any]) -> tuple[schema.Question, ...]:
    return tuple(schema.Bank.model_validate({"questions": list(questions)}).questions)


BANKS = {
    "general": bank(*(_single(f"g{i}") for i in range(6))),
    "temas": bank(
        _single("a1", "trata"),
        _single("a2", "trata"),
        _single("b1", "trabajo"),
        _single("b2", "trabajo"),
        _single("c1"),
    ),
    "pares": bank(_matching("m1")),
}


def quiz(**fields: Any) -> schema.Quiz:
    return schema.Quiz.model_validate({"title": _text("Q"), **fields})


def ids(slots: list[drawing.Slot]) -> list[str]:
    return [slot.question_id for slot in slots]


def test_the_same_seed_draws_the_same_questions_in_the_same_order() -> None:
    settings = quiz(draw=[{"bank": "general", "count": 4}], shuffle_questions=True)

    first = drawing.draw(settings, BANKS, random.Random(7))
    second = drawing.draw(settings, BANKS, random.Random(7))

    assert first == second


def test_different_seeds_give_different_draws() -> None:
    settings = quiz(draw=[{"bank": "general", "count": 3}])

    draws = {tuple(ids(drawing.draw(settings, BANKS, random.Random(seed)))) for seed in range(20)}

    assert len(draws) > 1


def test_a_draw_never_repeats_a_question_across_rules_of_the_same_bank() -> None:
    settings = quiz(draw=[{"bank": "general", "count": 3}, {"bank": "general", "count": 3}])

    for seed in range(30):
        drawn = ids(drawing.draw(settings, BANKS, random.Random(seed)))

        assert sorted(drawn) == [f"g{i}" for i in range(6)]


def test_a_bank_question_already_in_the_quiz_is_not_drawn_again() -> None:
    settings = quiz(questions=[_single("g0")], draw=[{"bank": "general", "count": 5}])

    drawn = ids(drawing.draw(settings, BANKS, random.Random(1)))

    assert drawn[0] == "g0" and sorted(drawn) == [f"g{i}" for i in range(6)]


def test_each_rule_draws_its_count_and_a_rule_without_count_takes_the_whole_bank_in_order() -> None:
    settings = quiz(questions=[_single("own")], draw=[{"bank": "general", "count": 2}, {"bank": "temas"}])

    drawn = drawing.draw(settings, BANKS, random.Random(3))

    assert [slot.source for slot in drawn] == ["quiz"] + ["bank:general"] * 2 + ["bank:temas"] * 5
    assert ids(drawn)[3:] == ["a1", "a2", "b1", "b2", "c1"]


def test_a_category_rule_draws_only_from_that_category() -> None:
    settings = quiz(
        draw=[{"bank": "temas", "category": "trata", "count": 2}, {"bank": "temas", "category": "trabajo"}]
    )

    for seed in range(10):
        drawn = ids(drawing.draw(settings, BANKS, random.Random(seed)))

        assert sorted(drawn[:2]) == ["a1", "a2"] and sorted(drawn[2:]) == ["b1", "b2"]


def test_without_shuffling_options_keep_their_file_order() -> None:
    settings = quiz(questions=[_single("x"), _single("y")], shuffle_options=False)

    slots = [slot for seed in range(20) for slot in drawing.draw(settings, BANKS, random.Random(seed))]

    orders = {slot.option_order for slot in slots}

    assert orders == {(0, 1, 2, 3)}


def test_with_shuffling_options_are_a_permutation_that_varies() -> None:
    settings = quiz(questions=[_single("x")], shuffle_options=True)

    orders = [drawing.draw(settings, BANKS, random.Random(seed))[0].option_order for seed in range(20)]

    assert all(sorted(order) == [0, 1, 2, 3] for order in orders) and len(set(orders)) > 1


def test_without_shuffling_questions_the_quiz_questions_keep_their_order() -> None:
    settings = quiz(questions=[_single("z"), _single("y"), _single("x")], shuffle_questions=False)

    drawn = ids(drawing.draw(settings, BANKS, random.Random(5)))

    assert drawn == ["z", "y", "x"]


def test_shuffling_questions_mixes_quiz_and_bank_questions() -> None:
    settings = quiz(
        questions=[_single("z"), _single("y")], draw=[{"bank": "general", "count": 2}], shuffle_questions=True
    )

    firsts = {ids(drawing.draw(settings, BANKS, random.Random(seed)))[0] for seed in range(30)}

    assert firsts - {"z", "y"} and firsts & {"z", "y"}


def test_matching_right_items_are_shuffled_even_when_options_are_not() -> None:
    settings = quiz(draw=[{"bank": "pares"}], shuffle_options=False)

    orders = [drawing.draw(settings, BANKS, random.Random(seed))[0].option_order for seed in range(20)]

    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert any(order != (0, 1, 2, 3) for order in orders) and len(set(orders)) > 1


def test_questions_without_options_have_no_option_order() -> None:
    settings = quiz(
        questions=[
            {"id": "n", "type": "numeric", "text": _text("n"), "answers": [{"value": 1}]},
            {"id": "o", "type": "open", "text": _text("o")},
        ]
    )

    drawn = drawing.draw(settings, BANKS, random.Random(0))

    assert [slot.option_order for slot in drawn] == [(), ()]


@pytest.mark.parametrize(
    "rule",
    [
        {"bank": "general", "count": 7},
        {"bank": "temas", "category": "trata", "count": 3},
        {"bank": "missing", "count": 1},
        {"bank": "missing"},
    ],
)
def test_drawing_more_questions_than_the_pool_has_is_a_value_error(rule: dict[str, Any]) -> None:
    settings = quiz(draw=[rule])

    with pytest.raises(ValueError, match="quiz draws"):
        drawing.draw(settings, BANKS, random.Random(0))


def test_two_rules_that_together_overdraw_a_bank_are_a_value_error() -> None:
    settings = quiz(draw=[{"bank": "general", "count": 4}, {"bank": "general", "count": 3}])

    with pytest.raises(
        ValueError, match="quiz draws 3 questions from bank 'general', but only 2 are available"
    ):
        drawing.draw(settings, BANKS, random.Random(0))


def test_an_overdraw_error_names_the_category() -> None:
    settings = quiz(draw=[{"bank": "temas", "category": "trata", "count": 3}])

    with pytest.raises(ValueError, match="category 'trata'"):
        drawing.draw(settings, BANKS, random.Random(0))


def test_without_shuffling_questions_drawn_ones_follow_the_quiz_questions_in_bank_order() -> None:
    settings = quiz(
        questions=[_single("own")], draw=[{"bank": "general", "count": 3}], shuffle_questions=False
    )

    for seed in range(20):
        drawn = ids(drawing.draw(settings, BANKS, random.Random(seed)))

        assert drawn[0] == "own" and drawn[1:] == sorted(drawn[1:], key=lambda qid: int(qid[1:]))


def test_every_question_drawn_belongs_to_the_quiz_question_index() -> None:
    settings = quiz(
        questions=[_single("own")],
        draw=[{"bank": "general", "count": 2}, {"bank": "pares"}],
        shuffle_questions=True,
    )

    index = drawing.question_index(settings, BANKS)
    drawn = drawing.draw(settings, BANKS, random.Random(11))

    assert all(index[slot.question_id].id == slot.question_id for slot in drawn) and len(drawn) == 4


def test_question_index_holds_the_quiz_questions_and_every_drawn_banks_questions() -> None:
    settings = quiz(questions=[_single("own")], draw=[{"bank": "temas", "category": "trata", "count": 1}])

    index = drawing.question_index(settings, BANKS)

    assert sorted(index) == ["a1", "a2", "b1", "b2", "c1", "own"]
