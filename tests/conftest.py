"""Fixtures: a real app on a real, fresh database per test (SQLite always, PostgreSQL when configured)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.accounts.models import Role, User
from app.config import Settings
from app.courses import catalog
from app.db import make_engine
from app.main import create_app
from app.models import metadata


def _own_database(url: str | None) -> str | None:
    """Each pytest-xdist worker gets its own PostgreSQL database beside the configured one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{url}_{worker}" if url and worker else url


PG_URL = _own_database(os.environ.get("CASCADA_TEST_DATABASE_URL"))
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the schema, copied for each test (faster than creating tables each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    return path


def pytest_sessionstart(session: pytest.Session) -> None:
    if PG_URL and os.environ.get("PYTEST_XDIST_WORKER"):
        server, name = PG_URL.rsplit("/", 1)
        engine = make_engine(f"{server}/postgres")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if (
                connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
                is None
            ):
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    assert PG_URL
    engine = make_engine(PG_URL)
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    _truncate(request.getfixturevalue("pg_engine"))
    assert PG_URL
    return PG_URL


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "database_url": database_url,
        "secret_key": "k" * 48,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "log_json": False,
        "courses_dir": FIXTURES / "courses",
        # tests that need the admin rule turn it on (tests/accounts/test_totp.py)
        "admin_second_factor": False,
        "freeze_startup_objects": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    with Session(app.state.engine, expire_on_commit=False) as session:
        yield session


# --- data several folders share (tests.factories and tests.quizzes.flow import FIXTURES from this
# module, so the fixtures below import them when they run, not at the top) ---


@pytest.fixture
def courses(session: Session) -> None:
    """The fixture courses, published; modules that need them in every test mark `usefixtures("courses")`."""
    from tests.factories import load_fixture_courses

    load_fixture_courses(session)


@pytest.fixture
def mini(session: Session) -> catalog.Course:
    from tests.quizzes.flow import load_courses

    return load_courses(session)


@pytest.fixture
def admin(session: Session, app: FastAPI) -> User:
    from tests.factories import make_user

    return make_user(session, app, role=Role.admin)
