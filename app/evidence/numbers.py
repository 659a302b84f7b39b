"""The report's numbers in the reader's locale with Babel (es: "80,2 %", "1.234"; en: "80.2%", "1,234")."""

from functools import cache, lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_percent, parse_pattern

from app.i18n import current_language

DASH = "—"


def _locale(lang: str | None) -> str:
    return lang or current_language()


@cache
def _compiled(pattern: str, lang: str) -> tuple[NumberPattern, Locale]:
    """The parsed pattern and locale, once: a country report formats some 10,000 numbers."""
    return parse_pattern(pattern), Locale.parse(lang)


@lru_cache(maxsize=8192, typed=True)
def format_decimal(value: float, format: str, locale: str) -> str:
    """Cached: a report repeats counts and rounded shares many times (1,000 cohorts, 10,000 numbers)."""
    number_pattern, parsed = _compiled(format, locale)
    return number_pattern.apply(value, parsed)


def count(value: float | None, lang: str | None = None) -> str:
    return DASH if value is None else format_decimal(value, format="#,##0", locale=_locale(lang))


def decimal(value: float | None, lang: str | None = None, digits: int = 1) -> str:
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return DASH if value is None else format_decimal(value, format=pattern, locale=_locale(lang))


def share(value: float | None, lang: str | None = None) -> str:
    """A share between 0 and 1 as a percentage with one decimal."""
    return DASH if value is None else _percent(round(value, 3), _locale(lang))


@lru_cache(maxsize=8192, typed=True)
def _percent(value: float, locale: str) -> str:
    # The locale's own pattern (es "80,2 %", en "80.2%"), unquantised after rounding to one decimal.
    return format_percent(value, locale=locale, decimal_quantization=False)


def score(value: float | None, lang: str | None = None) -> str:
    """A percent score (0-100) as a percentage with one decimal."""
    return DASH if value is None else share(value / 100, lang)


def interval(low: float | None, high: float | None, lang: str | None = None) -> str:
    """A 95 % interval of percentage points, "[9,1; 40,9]" (the semicolon reads well in both locales)."""
    if low is None or high is None:
        return DASH
    return f"[{decimal(low, lang)};\u00a0{decimal(high, lang)}]"  # kept on one line in a narrow column
