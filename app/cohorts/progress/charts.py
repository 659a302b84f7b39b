"""Small SVG charts drawn on the server: no script, no style attributes, readable on a phone.

Each function returns the markup of one `<svg role="img">` with a <title> and a <desc> that says
in words what the chart shows (screen readers read those, not the bars). Every piece of text is
escaped here, so the result is safe to place in a page as is. Colours are presentation
attributes (`fill=`), which the Content-Security-Policy allows; the page's CSS sizes the chart.
"""

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 12, 30  # margins for the axis labels
INK, MUTED, BRAND = "#1b1f24", "#4a5560", "#0b5394"
BIN_LABELS = tuple(f"{low}–{low + 10}" for low in range(0, 100, 10))


def score_bins(grades: Sequence[float]) -> list[int]:
    """Counts of grades in ten bins of 10 points: [0, 10), [10, 20) ... [90, 100]; 100 goes in the last."""
    counts = [0] * 10
    for grade in grades:
        counts[min(9, max(0, int(grade // 10)))] += 1
    return counts


def bins_summary(counts: Sequence[int]) -> str:
    """The non-empty bins in words-free form ("50–60: 2; 90–100: 1") for a chart's description."""
    return "; ".join(f"{label}: {count}" for label, count in zip(BIN_LABELS, counts, strict=True) if count)


def svg_open(title: str, desc: str, chart_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="system-ui, sans-serif" '
        f'font-size="11"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def svg_text(x: float, y: float, content: object, anchor: str = "middle", fill: str = MUTED) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(str(content))}</text>'


def axes(top_label: object) -> str:
    """The two axes, with the y-axis maximum written at its top and 0 at its foot."""
    x0, y0, y1 = LEFT, HEIGHT - BOTTOM, TOP
    return (
        f'<path d="M{x0} {y1}V{y0}H{WIDTH - RIGHT}" fill="none" stroke="{MUTED}" stroke-width="1"/>'
        + svg_text(x0 - 4, y1 + 4, top_label, "end")
        + svg_text(x0 - 4, y0, 0, "end")
    )


def plot_height() -> int:
    return HEIGHT - TOP - BOTTOM


def completion_over_time(
    series: Sequence[tuple[date, int]],
    members: int,
    *,
    title: str,
    desc: str,
    chart_id: str = "completion",
    date_format: str = "%d/%m",
) -> Markup:
    """Cumulative completions per day as a stepped line; the y axis runs to the cohort's size."""
    top = max(members, 1)
    width = WIDTH - LEFT - RIGHT
    parts = [svg_open(title, desc, chart_id), axes(top)]
    if series:
        step = width / max(len(series) - 1, 1)

        def y(count: int) -> float:
            return HEIGHT - BOTTOM - plot_height() * count / top

        path = f"M{LEFT} {y(series[0][1]):.1f}"
        for i in range(1, len(series)):  # a step only where the count changes: short markup
            if series[i][1] != series[i - 1][1]:
                path += f"H{LEFT + i * step:.1f}V{y(series[i][1]):.1f}"
        path += f"H{WIDTH - RIGHT if len(series) > 1 else LEFT}"
        parts.append(f'<path d="{path}" fill="none" stroke="{BRAND}" stroke-width="2"/>')
        parts.append(svg_text(LEFT, HEIGHT - BOTTOM + 14, series[0][0].strftime(date_format), "start"))
        parts.append(
            svg_text(WIDTH - RIGHT, HEIGHT - BOTTOM + 14, series[-1][0].strftime(date_format), "end")
        )
        last = series[-1][1]
        parts.append(svg_text(WIDTH - RIGHT - 2, max(y(last) - 4, TOP + 8), last, "end", INK))
    parts.append("</svg>")
    return Markup("".join(parts))


def score_histogram(grades: Sequence[float], *, title: str, desc: str, chart_id: str = "scores") -> Markup:
    """A bar per 10-point bin of the grades, its count written above it and the bins below."""
    counts = score_bins(grades)
    top = max(max(counts), 1)
    slot = (WIDTH - LEFT - RIGHT) / len(counts)
    parts = [svg_open(title, desc, chart_id), axes(top)]
    for i, count in enumerate(counts):
        height = plot_height() * count / top
        x, y = LEFT + i * slot + 2, HEIGHT - BOTTOM - height
        if count:
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" height="{height:.1f}" fill="{BRAND}"/>'
            )
            parts.append(svg_text(x + (slot - 4) / 2, y - 3, count, fill=INK))
        if i % 2 == 0:  # every 20 points: a label per bin runs "90" into "100" on a phone-sized chart
            parts.append(svg_text(LEFT + i * slot, HEIGHT - BOTTOM + 14, i * 10))
    parts.append(svg_text(WIDTH - RIGHT, HEIGHT - BOTTOM + 14, 100, "end"))
    parts.append("</svg>")
    return Markup("".join(parts))
