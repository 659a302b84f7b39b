"""field mode: answers that reached the server after the deadline, kept for the instructor to decide

Revision ID: 0006_field
Revises: 0006_evidence
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_field'
down_revision: str | None = '0006_evidence'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lateanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('device_seq', sa.Integer(), nullable=False),
    sa.Column('elapsed_ms', sa.Integer(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('decision', sa.Enum('pending', 'accepted', 'rejected', name='latedecision'), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quizattempt.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id', 'position')
    )
    with op.batch_alter_table('lateanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lateanswer_attempt_id'), ['attempt_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lateanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lateanswer_attempt_id'))
    op.drop_table('lateanswer')
    sa.Enum(name='latedecision').drop(op.get_bind(), checkfirst=True)
