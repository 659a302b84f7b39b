"""Cells a spreadsheet will show as text: the one rule every CSV export uses (OWASP CSV injection)."""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never typed; NUL cuts a cell short


def neutralise(cell: str) -> str:
    """The cell as text: a leading formula sign or control character gets a quote, controls are dropped.

    A spreadsheet skips a leading NUL and then runs what follows, so "\\x00=cmd" is a formula too.
    """
    quoted = cell.startswith(FORMULA_STARTS) or bool(_CONTROL.match(cell))
    cleaned = _CONTROL.sub("", cell)
    return "'" + cleaned if quoted or cleaned.startswith(FORMULA_STARTS) else cleaned
