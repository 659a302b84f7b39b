"""Tables that scroll sideways on a phone sit in a box the keyboard can reach and a screen reader can name."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parent.parent / "templates"
WRAPPER = re.compile(r'<div class="table-scroll"([^>]*)>')
IDS = re.compile(r'\bid="([^"]+)"')


def wrappers() -> list[tuple[str, str]]:
    return [(str(path.relative_to(TEMPLATES)), match.group(1))
            for path in sorted(TEMPLATES.rglob("*.html"))
            for match in WRAPPER.finditer(path.read_text(encoding="utf-8"))]


def test_the_templates_have_scrolling_tables_to_check() -> None:
    assert {"admin/users.html", "admin/audit.html"} <= {name for name, _ in wrappers()}


@pytest.mark.parametrize(("name", "attributes"), wrappers())
def test_each_table_scroll_box_is_a_focusable_region_named_by_a_heading_of_its_page(
        name: str, attributes: str) -> None:
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', attributes)

    assert 'tabindex="0"' in attributes and 'role="region"' in attributes, name
    ids = IDS.findall((TEMPLATES / name).read_text(encoding="utf-8"))
    assert labelled_by and labelled_by.group(1) in ids, name
