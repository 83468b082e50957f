"""users.language: the language the product speaks to each person, English for everyone so far

Revision ID: a1f5c7e9b3d2
Revises: c4e8a2f6d1b9
Create Date: 2026-12-08 01:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "a1f5c7e9b3d2"
down_revision = "c4e8a2f6d1b9"
branch_labels = None
depends_on = None


# A plain ADD COLUMN on both databases: a batch copy of users would drop the old table, and with
# foreign keys on, every row that hangs off a user with it.
def upgrade():
    op.add_column(
        "users", sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
    )


def downgrade():
    op.execute("ALTER TABLE users DROP COLUMN language")
