"""records: due dates become calendar dates; users get a folded name key for search and ordering

Revision ID: 0006_records_b
Revises: 0006_pages
Create Date: 2026-12-04

`enrollment.due_at` held the end of the due day (midnight after it, in Asunción, as UTC); the
new `enrollment.due_on` is the due day itself: the instant just before `due_at`, in Asunción.
`user.name_key` is `app.accounts.names.folded(full_name)` (now `app.names`), filled for every existing user.
"""

import unicodedata
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_records_b'
down_revision: str | None = '0006_pages'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASUNCION = ZoneInfo("America/Asuncion")
enrollment = sa.table("enrollment", sa.column("id", sa.Integer()),
                      sa.column("due_at", sqlmodel.sql.sqltypes.UTCDateTime()), sa.column("due_on", sa.Date()))
user = sa.table("user", sa.column("id", sa.Integer()), sa.column("full_name", sa.String()),
                sa.column("name_key", sa.String()))


def _folded(name: str) -> str:
    """A copy of names.folded as of this revision (migrations do not import app code that may change)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# Columns are added and dropped in place (ALTER TABLE, SQLite 3.35 or later), never by copying the
# table as Alembic's batch mode does: with foreign keys on, dropping the old copy of `enrollment`
# would cascade to every item read, and dropping `user` is refused.


def upgrade() -> None:
    connection = op.get_bind()
    op.add_column('enrollment', sa.Column('due_on', sa.Date(), nullable=True))
    rows = connection.execute(sa.select(enrollment.c.id, enrollment.c.due_at)
                              .where(enrollment.c.due_at.is_not(None))).all()
    for row_id, due_at in rows:
        day = (due_at.astimezone(ASUNCION) - timedelta(microseconds=1)).date()
        connection.execute(enrollment.update().where(enrollment.c.id == row_id).values(due_on=day))
    op.drop_column('enrollment', 'due_at')

    op.add_column('user', sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                    server_default=''))
    for row_id, full_name in connection.execute(sa.select(user.c.id, user.c.full_name)).all():
        connection.execute(user.update().where(user.c.id == row_id).values(name_key=_folded(full_name)))
    op.create_index(op.f('ix_user_name_key'), 'user', ['name_key'], unique=False)


def downgrade() -> None:
    connection = op.get_bind()
    op.drop_index(op.f('ix_user_name_key'), table_name='user')
    op.drop_column('user', 'name_key')
    op.add_column('enrollment', sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    for row_id, due_on in connection.execute(sa.select(enrollment.c.id, enrollment.c.due_on)
                                             .where(enrollment.c.due_on.is_not(None))).all():
        moment = datetime.combine(due_on + timedelta(days=1), time(), tzinfo=ASUNCION)
        connection.execute(enrollment.update().where(enrollment.c.id == row_id).values(due_at=moment))
    op.drop_column('enrollment', 'due_on')
