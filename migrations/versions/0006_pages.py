"""course versions remember the fingerprint of the files they were loaded from

Revision ID: 0006_pages
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_pages'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('courseversion') as batch_op:
        batch_op.add_column(sa.Column('source_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_courseversion_source_hash'), ['source_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('courseversion') as batch_op:
        batch_op.drop_index(batch_op.f('ix_courseversion_source_hash'))
        batch_op.drop_column('source_hash')
