"""Translations: Spanish (Paraguay) is the source language, English comes from a gettext catalog.

The catalog is compiled from its .po file in memory at start-up, so translations work right
after `pip install` with no build step.
"""

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
CATALOG_DIR = Path(__file__).parent / "translations"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def po_files(language: str) -> list[Path]:
    """The language's catalogs: messages.po plus one file per domain (cohorts.po, ...), merged."""
    return sorted((CATALOG_DIR / language / "LC_MESSAGES").glob("*.po"))


def read_catalog(language: str) -> Catalog:
    merged = Catalog(locale=language)
    for path in po_files(language):
        with path.open("rb") as po_file:
            for message in read_po(po_file, locale=language):
                if message.id:
                    merged[message.id] = message
    return merged


@cache
def catalog(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE or not po_files(language):
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(language))
    buffer.seek(0)
    return Translations(fp=buffer)


def set_language(language: str) -> None:
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def negotiate(accept_language: str | None) -> str | None:
    """The first supported language in an Accept-Language header, or None."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag[:2] in LANGUAGES:
            return tag[:2]
    return None
