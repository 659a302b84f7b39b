"""Alembic migrations build the same schema as the models, on an empty database of each engine."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app.db import make_engine
from app.migrate import alembic_config, applied, heads, upgrade
from app.models import metadata
from tests.conftest import PG_URL


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    assert PG_URL
    server, test_database = PG_URL.rsplit("/", 1)
    scratch = f"{test_database}_migrations"  # beside the test database, so parallel runs don't collide
    engine = make_engine(f"{server}/postgres")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch}"'))
    engine.dispose()
    return f"{server}/{scratch}"


def test_upgrade_builds_every_table_on_an_empty_database(empty_database: str) -> None:
    upgrade(empty_database)

    engine = make_engine(empty_database)
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert set(metadata.tables) <= tables
    assert differences == [], "models changed without a migration: run alembic revision --autogenerate"


def test_upgrade_twice_is_harmless(empty_database: str) -> None:
    upgrade(empty_database)
    upgrade(empty_database)


def test_the_newest_revision_read_from_the_files_is_alembics(empty_database: str) -> None:
    from alembic.script import ScriptDirectory

    assert heads() == set(ScriptDirectory.from_config(alembic_config(empty_database)).get_heads())


def test_an_empty_database_is_at_no_revision_and_an_upgraded_one_at_the_newest(empty_database: str) -> None:
    assert applied(empty_database) == set()

    upgrade(empty_database)

    assert applied(empty_database) == heads()


def test_a_database_one_revision_behind_is_upgraded(empty_database: str) -> None:
    upgrade(empty_database, "0006_security")
    assert applied(empty_database) == {"0006_security"}

    upgrade(empty_database)

    assert applied(empty_database) == heads()
