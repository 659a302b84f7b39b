"""Alembic environment: runs migrations against the URL given by app.migrate.alembic_config."""

from alembic import context

from app.db import make_engine, writer
from app.models import metadata

config = context.config


def run_migrations() -> None:
    engine = writer(make_engine(config.get_main_option("sqlalchemy.url") or ""))
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
