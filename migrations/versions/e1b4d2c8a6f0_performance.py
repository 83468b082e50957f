"""performance: users.history_version (computed trends are cached until it moves), and
ix_pain_scores_checkin_id dropped: the unique index on (checkin_id, region) already leads with
checkin_id, so the second index only cost writes and space (docs/benchmarks.md)

Revision ID: e1b4d2c8a6f0
Revises: dca71aa52059
Create Date: 2026-11-25 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1b4d2c8a6f0'
down_revision = "dca71aa52059"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_pain_scores_checkin_id', table_name='pain_scores')
    # Added natively (never a batch copy of users on SQLite, whose drop would cascade).
    op.add_column(
        'users',
        sa.Column('history_version', sa.Integer(), server_default='0', nullable=False),
    )


def downgrade():
    op.drop_column('users', 'history_version')
    op.create_index('ix_pain_scores_checkin_id', 'pain_scores', ['checkin_id'], unique=False)
