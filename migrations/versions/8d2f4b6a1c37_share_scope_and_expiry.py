"""share scope and expiry

Revision ID: 8d2f4b6a1c37
Revises: 5c1d0a7e9b23
Create Date: 2026-11-25 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d2f4b6a1c37'
down_revision = '5c1d0a7e9b23'
branch_labels = None
depends_on = None

EVERYTHING = 'pain,routines,motion,notes'


def upgrade():
    for table in ('invites', 'shares'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            # Shares made before scopes covered everything.
            batch_op.add_column(sa.Column('parts', sa.String(length=40), nullable=False, server_default=EVERYTHING))
            batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('parts', existing_type=sa.String(length=40), server_default=None)


def downgrade():
    for table in ('shares', 'invites'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('ends_on')
            batch_op.drop_column('parts')
