"""Tables that scroll sideways on a phone sit in a box the keyboard can reach and a screen reader can name."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parent.parent / "templates"
WRAPPER = re.compile(r'<div class="table-scroll"([^>]*)>')
IDS = re.compile(r'\bid="([^"]+)"')


def wrappers() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(TEMPLATES)), match.group(1))
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in WRAPPER.finditer(path.read_text(encoding="utf-8"))
    ]


def test_the_templates_have_scrolling_tables_to_check() -> None:
    assert {"admin/users.html", "admin/audit.html"} <= {name for name, _ in wrappers()}


@pytest.mark.parametrize(("name", "attributes"), wrappers())
def test_each_table_scroll_box_is_a_focusable_region_with_a_name(name: str, attributes: str) -> None:
    """Named by an element of its page (aria-labelledby) or by its own translated label (aria-label)."""
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', attributes)
    label = re.search(r'aria-label="([^"]+)"', attributes)

    assert 'tabindex="0"' in attributes and 'role="region"' in attributes, name
    ids = IDS.findall((TEMPLATES / name).read_text(encoding="utf-8"))
    assert (labelled_by and labelled_by.group(1) in ids) or (label and label.group(1).strip()), name
