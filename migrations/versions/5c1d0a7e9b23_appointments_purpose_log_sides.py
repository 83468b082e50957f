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


def _rename_table(old, new, constraints):
    op.drop_index(f'ix_{old}_client_day', table_name=old)
    op.rename_table(old, new)
    if op.get_bind().dialect.name == 'postgresql':
        for old_name, new_name in constraints:
            op.execute(f'ALTER TABLE {new} RENAME CONSTRAINT {old_name} TO {new_name}')
        op.execute(f'ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq')
    op.create_index(f'ix_{new}_client_day', new, ['client_id', 'day'], unique=False)


def upgrade():
    _rename_table('therapy_sessions', 'appointments', RENAMED_CONSTRAINTS)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('what', new_column_name='purpose', existing_type=sa.String(length=60), existing_nullable=False)
    with op.batch_alter_table('routine_log_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('per_side', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('routine_log_items', schema=None) as batch_op:
        batch_op.drop_column('per_side')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('purpose', new_column_name='what', existing_type=sa.String(length=60), existing_nullable=False)
    _rename_table('appointments', 'therapy_sessions', [(new, old) for old, new in RENAMED_CONSTRAINTS])
