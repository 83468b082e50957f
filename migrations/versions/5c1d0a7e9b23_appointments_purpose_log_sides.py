"""appointments, access log purpose, per-side doses in routine logs

Revision ID: 5c1d0a7e9b23
Revises: a1019b44148f
Create Date: 2026-11-25 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d0a7e9b23'
down_revision = 'a1019b44148f'
branch_labels = None
depends_on = None

# PostgreSQL keeps constraint names through a table rename; these follow the naming convention.
RENAMED_CONSTRAINTS = [
    ('pk_therapy_sessions', 'pk_appointments'),
    ('fk_therapy_sessions_client_id_users', 'fk_appointments_client_id_users'),
    ('fk_therapy_sessions_created_by_id_users', 'fk_appointments_created_by_id_users'),
]


def _table(name):
    """The table as the models name it, for SQLite to rebuild it with its constraints renamed."""
    return sa.Table(
        name, sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=f'fk_{name}_client_id_users', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=f'fk_{name}_created_by_id_users', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=f'pk_{name}'),
    )


def _rename_table(old, new, constraints):
    op.drop_index(f'ix_{old}_client_day', table_name=old)
    op.rename_table(old, new)
    if op.get_bind().dialect.name == 'postgresql':
        for old_name, new_name in constraints:
            op.execute(f'ALTER TABLE {new} RENAME CONSTRAINT {old_name} TO {new_name}')
        op.execute(f'ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq')
    else:
        with op.batch_alter_table(new, recreate='always', copy_from=_table(new)):
            pass
    op.create_index(f'ix_{new}_client_day', new, ['client_id', 'day'], unique=False)


def upgrade():
    _rename_table('therapy_sessions', 'appointments', RENAMED_CONSTRAINTS)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('what', new_column_name='purpose', existing_type=sa.String(length=60), existing_nullable=False)
    with op.batch_alter_table('routine_log_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('per_side', sa.Boolean(), nullable=False, server_default=sa.false()))
    # What was logged was done as the routine planned it: each side where its item said so.
    op.execute(
        'UPDATE routine_log_items SET per_side = COALESCE(('
        ' SELECT routine_items.per_side FROM routine_items'
        ' JOIN routine_logs ON routine_logs.routine_id = routine_items.routine_id'
        ' WHERE routine_logs.id = routine_log_items.log_id'
        ' AND routine_items.exercise_id = routine_log_items.exercise_id LIMIT 1'
        '), (SELECT exercises.per_side FROM exercises WHERE exercises.id = routine_log_items.exercise_id))'
    )
    with op.batch_alter_table('routine_log_items', schema=None) as batch_op:
        batch_op.alter_column('per_side', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('routine_log_items', schema=None) as batch_op:
        batch_op.drop_column('per_side')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('purpose', new_column_name='what', existing_type=sa.String(length=60), existing_nullable=False)
    _rename_table('appointments', 'therapy_sessions', [(new, old) for old, new in RENAMED_CONSTRAINTS])
