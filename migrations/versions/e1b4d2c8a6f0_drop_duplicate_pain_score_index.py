"""drop ix_pain_scores_checkin_id: the unique index on (checkin_id, region) already leads with
checkin_id, so the second index only cost writes and space (docs/benchmarks.md)

Revision ID: e1b4d2c8a6f0
Revises: d5a7c9e1f3b2
Create Date: 2026-11-25 18:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1b4d2c8a6f0'
down_revision = 'd5a7c9e1f3b2'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_pain_scores_checkin_id', table_name='pain_scores')


def downgrade():
    op.create_index('ix_pain_scores_checkin_id', 'pain_scores', ['checkin_id'], unique=False)
