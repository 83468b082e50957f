"""users.email_verified_at

Revision ID: c3f8e2a4d6b1
Revises: 5c1d0a7e9b23
Create Date: 2026-11-25 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f8e2a4d6b1'
down_revision = '5c1d0a7e9b23'
branch_labels = None
depends_on = None


def upgrade():
    # Existing addresses stay unconfirmed: nobody has followed a link to them yet.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
