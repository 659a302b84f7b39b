"""Numbers and calendar dates as the reader's language writes them, through Babel's locale data.

Spanish: "80,2 %", "4,5", "1.234,5"; English: "80.2%", "4.5", "1,234.5". Every page and the PDF
call these (templates through the filters registered in `app.web`), so one figure reads the same
everywhere. Dates are written dd/mm/yyyy in both languages, as Paraguayan documents do. CSV
exports use the same functions in the language of the person exporting (see `cohorts/progress/exports.py`).
"""

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern

from app import i18n
from app.timeutil import local

DAY_PATTERN = "dd/MM/yyyy"


def _locale() -> Locale:
    return Locale.parse(i18n.current_language())


def decimal(value: float | None, digits: int = 1) -> str:
    """A number with at most `digits` decimals and no trailing zeros ("4,5", "18", "1.234,5")."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale())


def percent(value: float | None, digits: int = 1) -> str:
    """A percentage given on a 0–100 scale ("80,2 %" in Spanish, "80.2%" in English)."""
    if value is None:
        return ""
    locale = _locale()
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (0, digits)
    return pattern.apply(value / 100, locale)


def day(value: date | datetime | None) -> str:
    """A calendar date; a moment in time is first placed in Asunción's day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return format_date(value, DAY_PATTERN, locale=_locale())


def moment(value: datetime | None) -> str:
    """A moment in time, in Asunción: "15/01/2027 14:30"."""
    if value is None:
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M")
