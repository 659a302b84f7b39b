"""The gain figures on an example computed by hand (the arithmetic is written next to each figure)."""

import pytest

from app.evidence.gain import Result, compute, t_975

# Four matched pairs and one officer who took only the pre-test; a mastery mark of 70.
EXAMPLE = [
    Result(pre, post, mastery=70) for pre, post in ((40, 70), (50, 80), (60, 70), (30, 60), (55, None))
]


def test_gain_counts_only_matched_pairs_and_the_one_who_left_as_attrition() -> None:
    gain = compute(EXAMPLE)

    assert (gain.started, gain.pairs, gain.left) == (5, 4, 1)
    assert gain.attrition == pytest.approx(1 / 5)
    assert gain.mean_pre == pytest.approx(45)  # (40 + 50 + 60 + 30) / 4; the 55 is not in it
    assert gain.mean_post == pytest.approx(70)  # (70 + 80 + 70 + 60) / 4


def test_gain_figures_match_the_hand_computation() -> None:
    gain = compute(EXAMPLE)

    # differences 30, 30, 10, 30: mean 25; squared deviations 25 + 25 + 225 + 25 = 300; s = √(300/3) = 10
    assert gain.mean_difference == pytest.approx(25)
    # 25 ± t(0.975, 3) · 10 / √4 = 25 ± 3.1824 · 5
    assert gain.ci_low == pytest.approx(25 - 15.912, abs=1e-3)
    assert gain.ci_high == pytest.approx(25 + 15.912, abs=1e-3)
    assert gain.normalised_gain == pytest.approx(25 / 55)  # (70 - 45) / (100 - 45)
    assert gain.effect_size == pytest.approx(2.5)  # 25 / 10
    assert gain.mastery_share == pytest.approx(3 / 4)  # 70, 80 and 70 reach 70; 60 does not


def test_gain_mastery_uses_each_course_mark() -> None:
    gain = compute([Result(40, 70, mastery=70), Result(50, 75, mastery=80)])

    assert gain.mastery_share == pytest.approx(1 / 2)


def test_gain_of_one_pair_has_no_interval_and_of_none_has_no_figures() -> None:
    one = compute([Result(50, 60)])
    nobody = compute([Result(50, None), Result(None, 90)])

    assert one.mean_difference == pytest.approx(10) and one.ci_low is None and one.effect_size is None
    assert (nobody.started, nobody.pairs, nobody.left, nobody.mean_pre) == (1, 0, 1, None)


def test_t_quantile_beyond_the_table_continues_it_smoothly() -> None:
    assert t_975(30) == pytest.approx(2.0423)
    assert t_975(40) == pytest.approx(2.0211, abs=5e-4)
    assert t_975(120) == pytest.approx(1.9799, abs=5e-4)
    with pytest.raises(ValueError):
        t_975(0)
