"""The English catalog covers every Spanish string in the code and templates, and keeps placeholders intact.

The English catalog is messages.po plus one .po per newer domain (cohorts.po, ...), merged at
start-up. When a test here fails after adding a string, add the entry to the .po of the domain
that uses it and translate it (pybabel extract -F babel.cfg -k N_ -o /tmp/messages.pot . lists
every msgid).
"""

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from app.i18n import catalog, read_catalog

ROOT = Path(__file__).parent.parent
BABEL_CFG = ROOT / "babel.cfg"
ENGLISH_PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}  # the same keywords as `pybabel extract -k N_`

# %(name)s, %(num)d, ... and the escaped percent sign %%
PLACEHOLDER = re.compile(r"%(?:%|\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z])")


@cache
def extracted_msgids() -> dict[str, list[str]]:
    """Every msgid (the singular for plural entries) in app/ and templates/, with where it occurs."""
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(BABEL_CFG))
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@cache
def english_po() -> Catalog:
    return read_catalog("en")


def translations() -> list[Message]:
    return [message for message in english_po() if message.id]


def _forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_extraction_finds_the_strings_of_both_code_and_templates() -> None:
    places = [place for found in extracted_msgids().values() for place in found]

    assert any(place.startswith("app/") for place in places)
    assert any(place.startswith("templates/") for place in places)
    assert "Iniciar sesión" in extracted_msgids()


def test_every_extracted_message_has_a_non_fuzzy_english_translation() -> None:
    po = english_po()
    untranslated = []
    for msgid, places in extracted_msgids().items():
        message = po.get(msgid)
        if message is None:
            problem = "not in the .po"
        elif message.fuzzy:
            problem = "fuzzy"
        elif not all(form.strip() for form in _forms(message)):
            problem = "empty translation"
        else:
            continue
        untranslated.append(f"{msgid!r} ({problem}; {places[0]})")

    where = ENGLISH_PO.relative_to(ROOT)
    assert not untranslated, (
        f"{len(untranslated)} message(s) without an English translation in {where}:\n  "
        + "\n  ".join(untranslated)
        + "\nRun the pybabel extract/update commands in this file's docstring and translate them."
    )


def test_every_translation_keeps_the_placeholders_of_its_msgid() -> None:
    mismatched = []
    for message in translations():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*map(_placeholders, ids))
        for form in _forms(message):
            if form and _placeholders(form) != expected:
                mismatched.append(f"{ids[0]!r} -> {form!r}: expected {sorted(expected)}")

    assert not mismatched, "translations that change placeholders:\n  " + "\n  ".join(mismatched)


def test_plural_entries_have_both_english_forms() -> None:
    incomplete = [
        message.id
        for message in translations()
        if message.pluralizable and (len(_forms(message)) != 2 or not all(_forms(message)))
    ]

    assert not incomplete


def test_english_catalog_translates_the_login_label() -> None:
    assert catalog("en").gettext("Iniciar sesión") == "Log in"


def test_english_catalog_picks_the_plural_form_from_the_count() -> None:
    english = catalog("en")

    assert english.ngettext("%(num)s usuario", "%(num)s usuarios", 1) == "%(num)s user"
    assert english.ngettext("%(num)s usuario", "%(num)s usuarios", 3) == "%(num)s users"


def test_spanish_catalog_returns_the_source_text() -> None:
    assert catalog("es").gettext("Iniciar sesión") == "Iniciar sesión"
