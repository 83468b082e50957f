"""an optional photo on an exercise

Revision ID: e7b1c4d2a9f0
Revises: e8b4f1c2a9d7
Create Date: 2026-11-25 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b1c4d2a9f0'
down_revision = "e8b4f1c2a9d7"
branch_labels = None
depends_on = None


def upgrade():
    # The stored file's name under PHOTO_DIR; the files themselves are not in the database.
    op.add_column('exercises', sa.Column('photo', sa.String(length=40), nullable=True))


def downgrade():
    # Not in batch mode: on SQLite that copies the table, and the copy's drop would cascade to
    # the routine items and logs that point at an exercise.
    op.drop_column('exercises', 'photo')
