"""home programme: a routine's plan, exercise notes, change history, templates

Revision ID: e8b4d2f6a913
Revises: e1b4d2c8a6f0
Create Date: 2026-11-25 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b4d2f6a913'
down_revision = "e1b4d2c8a6f0"
branch_labels = None
depends_on = None

ROUTINE_PLAN = ('times_per_day', 'days_per_week', 'weekdays', 'starts_on', 'ends_on')


def upgrade():
    # Plain ADD COLUMN on both databases: no table copy.
    op.add_column(
        'routines',
        sa.Column('times_per_day', sa.SmallInteger(), server_default='1', nullable=False),
    )
    op.add_column('routines', sa.Column('days_per_week', sa.SmallInteger(), nullable=True))
    op.add_column('routines', sa.Column('weekdays', sa.String(length=7), nullable=True))
    op.add_column('routines', sa.Column('starts_on', sa.Date(), nullable=True))
    op.add_column('routines', sa.Column('ends_on', sa.Date(), nullable=True))
    op.add_column('routine_items', sa.Column('note', sa.String(length=200), nullable=True))
    op.create_table(
        'programme_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('routine_id', sa.Integer(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_by_name', sa.String(length=100), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['changed_by_id'], ['users.id'],
            name=op.f('fk_programme_changes_changed_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['routine_id'], ['routines.id'],
            name=op.f('fk_programme_changes_routine_id_routines'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_changes')),
    )
    op.create_index(
        op.f('ix_programme_changes_routine_id'), 'programme_changes', ['routine_id'], unique=False
    )
    op.create_table(
        'programme_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('times_per_day', sa.SmallInteger(), nullable=False),
        sa.Column('days_per_week', sa.SmallInteger(), nullable=True),
        sa.Column('weekdays', sa.String(length=7), nullable=True),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['therapist_id'], ['users.id'],
            name=op.f('fk_programme_templates_therapist_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_templates')),
    )
    op.create_index(
        op.f('ix_programme_templates_therapist_id'),
        'programme_templates',
        ['therapist_id'],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f('ix_programme_templates_therapist_id'), table_name='programme_templates')
    op.drop_table('programme_templates')
    op.drop_index(op.f('ix_programme_changes_routine_id'), table_name='programme_changes')
    op.drop_table('programme_changes')
    op.drop_column('routine_items', 'note')
    for column in ROUTINE_PLAN:
        op.drop_column('routines', column)
