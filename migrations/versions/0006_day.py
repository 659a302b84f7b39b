"""the day: attendance states (late, excused) and a calendar sequence per session

Revision ID: 0006_day
Revises: 0006_pages
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_day"
down_revision: str | None = "0006_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="present",
            )
        )
    op.execute("UPDATE attendance SET status = 'absent' WHERE NOT present")
    with op.batch_alter_table("cohortsession") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("cohortsession") as batch:
        batch.drop_column("sequence")
    with op.batch_alter_table("attendance") as batch:
        batch.drop_column("status")
