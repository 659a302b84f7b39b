"""The report's SVG charts, drawn with the cohort charts' frame (app/cohorts/progress/charts.py): no
script."""

from collections.abc import Sequence

from markupsafe import Markup

from app.cohorts.progress import charts as frame

PRE_FILL = "#9aa5b1"  # light grey-blue: before; the brand blue: after


def pre_post(groups: Sequence[tuple[str, float, float]], *, title: str, desc: str, chart_id: str) -> Markup:
    """Two bars per group, mean pre-test and mean post-test (0-100), each labelled with its value."""
    slot = (frame.WIDTH - frame.LEFT - frame.RIGHT) / max(len(groups), 1)
    parts = [frame.svg_open(title, desc, chart_id), frame.axes(100)]
    for i, (label, pre, post) in enumerate(groups):
        width = max(slot / 2 - 4, 2)
        for j, (value, fill) in enumerate(((pre, PRE_FILL), (post, frame.BRAND))):
            height = frame.plot_height() * value / 100
            x, y = frame.LEFT + i * slot + 2 + j * (width + 2), frame.HEIGHT - frame.BOTTOM - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"/>'
            )
            parts.append(frame.svg_text(x + width / 2, y - 3, round(value), fill=frame.INK))
        parts.append(frame.svg_text(frame.LEFT + (i + 0.5) * slot, frame.HEIGHT - frame.BOTTOM + 14, label))
    parts.append("</svg>")
    return Markup("".join(parts))


def counts(groups: Sequence[tuple[str, int]], *, title: str, desc: str, chart_id: str) -> Markup:
    """A bar per group with its count above it."""
    top = max([count for _, count in groups] + [1])
    slot = (frame.WIDTH - frame.LEFT - frame.RIGHT) / max(len(groups), 1)
    parts = [frame.svg_open(title, desc, chart_id), frame.axes(top)]
    for i, (label, count) in enumerate(groups):
        height = frame.plot_height() * count / top
        x, y = frame.LEFT + i * slot + 2, frame.HEIGHT - frame.BOTTOM - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" height="{height:.1f}" '
            f'fill="{frame.BRAND}"/>'
        )
        parts.append(frame.svg_text(x + (slot - 4) / 2, y - 3, count, fill=frame.INK))
        parts.append(frame.svg_text(x + (slot - 4) / 2, frame.HEIGHT - frame.BOTTOM + 14, label))
    parts.append("</svg>")
    return Markup("".join(parts))
