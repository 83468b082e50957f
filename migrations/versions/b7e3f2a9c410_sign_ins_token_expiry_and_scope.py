"""sign-ins as rows, API token expiry and scope

Revision ID: b7e3f2a9c410
Revises: 8d2f4b6a1c37
Create Date: 2026-11-25 17:00:00.000000

"""
import secrets
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3f2a9c410'
down_revision = '8d2f4b6a1c37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('device', sa.String(length=60), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('password_entered_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_ins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_ins_token_hash'))
    )
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_ins_user_id'), ['user_id'], unique=False)

    # Logins now live in sign_ins, so everyone signs in once more after the upgrade. Plain ALTER
    # TABLE (SQLite 3.35+): a batch copy of users would cascade-delete every row that refers to it.
    op.drop_column('users', 'session_token')

    # Tokens made so far could write; they keep that and expire 90 days from the upgrade.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=8), nullable=False, server_default='write'))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime()))
    expiry = (datetime.now(timezone.utc) + timedelta(days=90)).replace(tzinfo=None)
    op.get_bind().execute(tokens.update().values(expires_at=expiry))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('scope', existing_type=sa.String(length=8), server_default=None)
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')

    # Not through a batch copy of users (see upgrade), so the column keeps its server default;
    # every user then gets a token of their own, as an empty one would match a forged cookie.
    op.add_column('users', sa.Column('session_token', sa.String(length=32), nullable=False, server_default=''))
    connection = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('session_token', sa.String()))
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(16))
        )

    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ins_user_id'))

    op.drop_table('sign_ins')
