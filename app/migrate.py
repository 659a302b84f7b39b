"""Schema changes go through Alembic; `cascada db upgrade` and `cascada serve` call upgrade().

Alembic (with Mako under it) was about a quarter of a start's import time, so it is imported only
when the database is not already at the newest revision. The newest revision is read from the
migration files' `revision` and `down_revision` lines; a test holds that reading equal to Alembic's.
"""

import re
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.config import PROJECT_DIR
from app.db import make_engine, transaction

MIGRATIONS_DIR = PROJECT_DIR / "migrations"
_REVISION = re.compile(r"""^revision(?:: str)? = ['"]([^'"]+)['"]""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision(?:: str \| None)? = ['"]([^'"]+)['"]""", re.MULTILINE)

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(database_url: str) -> "Config":
    from alembic.config import Config  # loaded on demand (see the module's docstring)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    if revision == "head" and applied(database_url) == heads():
        return
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def heads() -> set[str]:
    """The revisions no migration builds on, read from the migration files."""
    revisions, built_on = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        built_on.update(_DOWN_REVISION.findall(source))
    return revisions - built_on


def applied(database_url: str) -> set[str]:
    """The revisions the database is at (none on an empty database)."""
    engine = make_engine(database_url, pool_size=1)
    try:
        with transaction(engine) as session:
            return {row[0] for row in session.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError:  # no alembic_version table yet
        return set()
    finally:
        engine.dispose()
