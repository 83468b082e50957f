"""reminders, their channels and claims

Revision ID: d5a7c9e1f3b2
Revises: c3f8e2a4d6b1
Create Date: 2026-11-25 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a7c9e1f3b2'
down_revision = 'c3f8e2a4d6b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('routine_id', sa.Integer(), nullable=True),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('at', sa.Time(), nullable=False),
        sa.Column('weekdays', sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ['routine_id'], ['routines.id'],
            name=op.f('fk_reminders_routine_id_routines'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_reminders_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sa.UniqueConstraint(
            'user_id', 'routine_id', name=op.f('uq_reminders_user_id_routine_id')
        ),
    )
    # The constraint above lets NULLs repeat: this keeps one check-in reminder per client.
    op.create_index(
        'uq_reminders_one_checkin_each',
        'reminders',
        ['user_id'],
        unique=True,
        postgresql_where=sa.text('routine_id IS NULL'),
        sqlite_where=sa.text('routine_id IS NULL'),
    )
    op.create_index(op.f('ix_reminders_routine_id'), 'reminders', ['routine_id'], unique=False)
    op.create_index(op.f('ix_reminders_user_id'), 'reminders', ['user_id'], unique=False)
    op.create_table(
        'reminder_channels',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.Column('feed_token_hash', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_reminder_channels_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_channels')),
        sa.UniqueConstraint('feed_token_hash', name=op.f('uq_reminder_channels_feed_token_hash')),
    )
    op.create_table(
        'reminder_claims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('what', sa.String(length=24), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_reminder_claims_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_claims')),
        # The claim: a second sender's insert of the same reminder and day fails here.
        sa.UniqueConstraint('user_id', 'what', 'day', name=op.f('uq_reminder_claims_user_id_what_day')),
    )


def downgrade():
    op.drop_table('reminder_claims')
    op.drop_table('reminder_channels')
    op.drop_index('uq_reminders_one_checkin_each', table_name='reminders')
    op.drop_index(op.f('ix_reminders_user_id'), table_name='reminders')
    op.drop_index(op.f('ix_reminders_routine_id'), table_name='reminders')
    op.drop_table('reminders')
