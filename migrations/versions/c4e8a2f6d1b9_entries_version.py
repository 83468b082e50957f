"""users.history_version and kept_figures.history_version are named entries_version: the
version of a person's entries, raised by every write to them ("history" meant five things)

Revision ID: c4e8a2f6d1b9
Revises: 0d148d5dfb15
Create Date: 2026-12-07 23:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "c4e8a2f6d1b9"
down_revision = "0d148d5dfb15"
branch_labels = None
depends_on = None

TABLES = ("users", "kept_figures")


# A rename in place on both databases (SQLite 3.25 and later): a batch copy of users would drop
# the old table, and with foreign keys on, every row that hangs off a user with it.
def _rename(old: str, new: str) -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")


def upgrade():
    _rename("history_version", "entries_version")


def downgrade():
    _rename("entries_version", "history_version")
