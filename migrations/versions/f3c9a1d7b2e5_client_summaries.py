"""client_summaries: each client's dashboard figures, kept under their history version and
local day, so the therapist dashboard reads one row per client

Revision ID: f3c9a1d7b2e5
Revises: e7b1c4d2a9f0
Create Date: 2026-11-25 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3c9a1d7b2e5'
down_revision = "e7b1c4d2a9f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'client_summaries',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('history_version', sa.Integer(), nullable=False),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('worse_rise', sa.Float(), nullable=False),
        sa.Column('worse_regions', sa.SmallInteger(), nullable=False),
        sa.Column('inactive', sa.Boolean(), nullable=False),
        sa.Column('worst_pain_during', sa.SmallInteger(), nullable=True),
        sa.Column('too_hard', sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_client_summaries_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_client_summaries')),
    )


def downgrade():
    op.drop_table('client_summaries')
