"""PSFS: the client's activities, their scorings and therapists' requests to score again

Revision ID: dca71aa52059
Revises: d5a7c9e1f3b2
Create Date: 2026-11-25 18:20:06.410583

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dca71aa52059'
down_revision = 'd5a7c9e1f3b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'psfs_activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_psfs_activities_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_activities')),
    )
    op.create_index(
        op.f('ix_psfs_activities_user_id'), 'psfs_activities', ['user_id'], unique=False
    )
    op.create_table(
        'psfs_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['client_id'], ['users.id'],
            name=op.f('fk_psfs_requests_client_id_users'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['therapist_id'], ['users.id'],
            name=op.f('fk_psfs_requests_therapist_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_requests')),
    )
    op.create_index(
        'ix_psfs_requests_client_open', 'psfs_requests', ['client_id', 'answered_at'], unique=False
    )
    op.create_table(
        'psfs_scorings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('submission_id', sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ['entered_by_id'], ['users.id'],
            name=op.f('fk_psfs_scorings_entered_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_psfs_scorings_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_scorings')),
        sa.UniqueConstraint(
            'user_id', 'submission_id', name=op.f('uq_psfs_scorings_user_id_submission_id')
        ),
    )
    op.create_index('ix_psfs_scorings_user_day', 'psfs_scorings', ['user_id', 'day'], unique=False)
    op.create_table(
        'psfs_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scoring_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.SmallInteger(), nullable=False),
        sa.CheckConstraint('score BETWEEN 0 AND 10', name=op.f('ck_psfs_scores_score_range')),
        sa.ForeignKeyConstraint(
            ['activity_id'], ['psfs_activities.id'],
            name=op.f('fk_psfs_scores_activity_id_psfs_activities'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['scoring_id'], ['psfs_scorings.id'],
            name=op.f('fk_psfs_scores_scoring_id_psfs_scorings'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_psfs_scores')),
        sa.UniqueConstraint(
            'scoring_id', 'activity_id', name=op.f('uq_psfs_scores_scoring_id_activity_id')
        ),
    )
    op.create_index(op.f('ix_psfs_scores_activity_id'), 'psfs_scores', ['activity_id'], unique=False)
    op.create_index(op.f('ix_psfs_scores_scoring_id'), 'psfs_scores', ['scoring_id'], unique=False)


def downgrade():
    # Dropping a table drops its indexes.
    op.drop_table('psfs_scores')
    op.drop_table('psfs_scorings')
    op.drop_table('psfs_requests')
    op.drop_table('psfs_activities')
