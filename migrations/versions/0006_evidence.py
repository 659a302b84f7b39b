"""evidence: commission member role, the sex of a user (optional), police headcounts per department

Revision ID: 0006_evidence
Revises: 0006_records_b
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0006_evidence"
down_revision: str | None = "0006_records_b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEX = sa.Enum("female", "male", name="sex")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TYPE role ADD VALUE IF NOT EXISTS 'commission'")
    SEX.create(bind, checkfirst=True)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sex", SEX, nullable=True))
    op.create_table(
        "departmentheadcount",
        sa.Column("department", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("officers", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("department"),
    )


def downgrade() -> None:
    op.drop_table("departmentheadcount")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("sex")
    SEX.drop(op.get_bind(), checkfirst=True)
    # PostgreSQL cannot drop a value from an enum type; 'commission' stays in `role`, unused.
