"""Schema changes go through Alembic; `cascada db upgrade` and `cascada serve` call upgrade()."""

from alembic import command
from alembic.config import Config

from app.config import PROJECT_DIR

MIGRATIONS_DIR = PROJECT_DIR / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
