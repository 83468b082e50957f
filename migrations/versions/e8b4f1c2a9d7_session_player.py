"""pain during each logged exercise and how hard it felt (the guided session)

Revision ID: e8b4f1c2a9d7
Revises: e8b4d2f6a913
Create Date: 2026-11-25 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b4f1c2a9d7'
down_revision = "e8b4d2f6a913"
branch_labels = None
depends_on = None


def upgrade():
    # A batch copies routine_log_items on SQLite (nothing refers to it), so the checks exist there too.
    with op.batch_alter_table('routine_log_items') as batch:
        batch.add_column(sa.Column('pain_during', sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column('difficulty', sa.String(length=11), nullable=True))
        batch.create_check_constraint('pain_during_range', 'pain_during BETWEEN 0 AND 10')
        batch.create_check_constraint(
            'difficulty_choice', "difficulty IN ('too_easy', 'about_right', 'too_hard')"
        )


def downgrade():
    with op.batch_alter_table('routine_log_items') as batch:
        batch.drop_constraint(op.f('ck_routine_log_items_difficulty_choice'), type_='check')
        batch.drop_constraint(op.f('ck_routine_log_items_pain_during_range'), type_='check')
        batch.drop_column('difficulty')
        batch.drop_column('pain_during')
