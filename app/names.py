"""People's names for searching and ordering, the same on SQLite and PostgreSQL.

A user row stores `name_key` beside `full_name`: the name case-folded, without accents (Núñez →
nunez), in Unicode compatibility form and with single spaces. A search folds the typed text the
same way and matches it anywhere in the key, so "nunez", "Núñez" and "NUÑEZ" find the same people;
lists of people are ordered by the key, then by the name as written, so "Óscar Núñez" comes
between "Nilda" and "Pedro", not after "Zulma" as a byte-wise or C-collation sort would put it.
Ñ is ordered with N (the key drops its tilde, as it must for "nunez" to find "Núñez"): within a
list of names this places "Nuñez" beside "Nunez" rather than after every "Nu…".
"""

import unicodedata
from typing import Any


def folded(name: str) -> str:
    """The search and sort key of a name: "  Óscar  NÚÑEZ " → "oscar nunez"."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_key_default(context: Any) -> str:
    """Column default for inserts that give only `full_name` (bulk inserts of the roster and demo)."""
    return folded(context.get_current_parameters().get("full_name") or "")


def like_pattern(query: str) -> str:
    """A LIKE pattern matching the folded query anywhere in a key; % and _ typed by the user match
    themselves."""
    escaped = folded(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
