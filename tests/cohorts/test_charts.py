"""Server-drawn SVG charts: well-formed, accessible, escaped, nothing the CSP would block, right bins."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from app.cohorts.progress import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes"'


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def series(days: int, counts: list[int]) -> list[tuple[date, int]]:
    start = date(2026, 3, 2)
    return [(start + timedelta(days=i), counts[i]) for i in range(days)]


@pytest.mark.parametrize(
    "draw",
    [
        lambda title, desc: charts.completion_over_time(
            series(5, [0, 1, 1, 3, 4]), 10, title=title, desc=desc
        ),
        lambda title, desc: charts.score_histogram([12, 55, 99], title=title, desc=desc),
    ],
)
def test_charts_are_accessible_images_with_escaped_text(draw: object) -> None:
    markup = draw(HOSTILE, HOSTILE + " desc")  # type: ignore[operator]

    root = parsed(markup)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == HOSTILE
    assert root.findtext(f"{SVG}desc") == HOSTILE + " desc"
    labelled = (root.get("aria-labelledby") or "").split()
    assert [root.find(f".//*[@id='{ref}']") is not None for ref in labelled] == [True, True]
    assert "<script" not in markup and "style=" not in markup and " on" not in markup.replace(" one", "")


def test_score_bins_are_ten_points_wide_and_100_falls_in_the_last() -> None:
    assert charts.score_bins([0, 9.99, 10, 49.5, 50, 89.99, 90, 100]) == [2, 1, 0, 0, 1, 1, 0, 0, 1, 2]
    assert charts.score_bins([]) == [0] * 10


def test_histogram_draws_one_bar_per_nonempty_bin_labelled_with_its_count() -> None:
    root = parsed(charts.score_histogram([55, 58, 91], title="t", desc="d"))

    bars = root.findall(f"{SVG}rect")
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert len(bars) == 2
    heights = sorted(float(bar.get("height") or 0) for bar in bars)
    assert heights[1] == pytest.approx(2 * heights[0])  # two grades in 50-60, one in 90-100
    assert "2" in labels and "100" in labels


def test_the_histograms_axis_labels_do_not_run_into_each_other() -> None:
    """The axis read "…80 90100" on the dashboard: its labels are spaced so each number stands alone."""
    root = parsed(charts.score_histogram([55, 91], title="t", desc="d"))
    foot = charts.HEIGHT - charts.BOTTOM + 14
    spans = []
    for text in root.findall(f"{SVG}text"):
        if float(text.get("y") or 0) == foot:
            width = 0.6 * 11 * len(text.text or "")  # a generous digit width at font-size 11
            x = float(text.get("x") or 0)
            shift = {"start": 0, "middle": width / 2, "end": width}[text.get("text-anchor") or "start"]
            start = x - shift
            spans.append((start, start + width, text.text))

    spans.sort()
    assert [label for _, _, label in spans][0] == "0" and spans[-1][2] == "100"
    assert all(left[1] + 3 <= right[0] for left, right in zip(spans, spans[1:], strict=False)), spans


def test_completion_line_steps_up_only_where_the_count_changes() -> None:
    root = parsed(charts.completion_over_time(series(5, [0, 1, 1, 3, 4]), 4, title="t", desc="d"))

    line = root.findall(f"{SVG}path")[-1].get("d") or ""
    assert line.count("V") == 3  # days 2, 4 and 5
    assert line.endswith("H310")
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "02/03" in texts and "06/03" in texts


def test_an_empty_chart_is_still_a_valid_image() -> None:
    root = parsed(charts.completion_over_time([], 0, title="t", desc="d"))

    assert root.get("role") == "img" and root.findall(f"{SVG}path")


def test_bins_summary_lists_only_nonempty_bins() -> None:
    assert charts.bins_summary(charts.score_bins([55, 58, 100])) == "50–60: 2; 90–100: 1"
