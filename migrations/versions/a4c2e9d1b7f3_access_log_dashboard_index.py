"""access_log: an index for the dashboard's "logged today?" question, which read every entry of
a client's day through the client's index (20,000 for a busy bench client)

Revision ID: a4c2e9d1b7f3
Revises: f3c9a1d7b2e5
Create Date: 2026-11-25 23:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "a4c2e9d1b7f3"
down_revision = "f3c9a1d7b2e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_access_log_therapist_purpose_client_when",
        "access_log",
        ["therapist_id", "purpose", "client_id", "viewed_at"],
    )


def downgrade():
    op.drop_index("ix_access_log_therapist_purpose_client_when", table_name="access_log")
