"""users.email_verified_at

Revision ID: c3f8e2a4d6b1
Revises: b7e3f2a9c410
Create Date: 2026-11-25 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f8e2a4d6b1'
down_revision = 'b7e3f2a9c410'
branch_labels = None
depends_on = None


def upgrade():
    # Existing addresses stay unconfirmed: nobody has followed a link to them yet.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))


def downgrade():
    # Not in batch mode: on SQLite that copies the table, and the copy's drop would cascade to
    # every row that points at a user.
    op.drop_column('users', 'email_verified_at')
