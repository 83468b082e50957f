"""Figures kept by day and period: kept_figures (a client's figures per local day, today and the
days ahead) replaces client_summaries (one row that went stale every midnight); pain_periods
(weeks and months per region) is filled from the existing check-ins; routines keep the
frequencies a programme had before (past_frequencies)

Revision ID: b7d3e5f1a2c4
Revises: a4c2e9d1b7f3
Create Date: 2026-12-07 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7d3e5f1a2c4"
down_revision = "a4c2e9d1b7f3"
branch_labels = None
depends_on = None

# The periods of the histories already stored, as selfcare/figures/periods.py works them out.
_DATES = {
    "sqlite": {
        "week": "date(c.day, 'weekday 0', '-6 days')",
        "month": "date(c.day, 'start of month')",
        "day_before": "date(c.day, '-1 day')",
    },
    "postgresql": {
        "week": "CAST(date_trunc('week', c.day) AS DATE)",
        "month": "CAST(date_trunc('month', c.day) AS DATE)",
        "day_before": "(c.day - 1)",
    },
}
_FILL = """
WITH scores AS (
    SELECT c.id AS checkin_id, c.user_id, {start} AS starts_on,
           EXISTS (SELECT 1 FROM routine_logs r
                   WHERE r.user_id = c.user_id AND r.day = {day_before}) AS after_routine,
           s.region, CAST(s.score AS FLOAT) AS score
    FROM checkins c JOIN pain_scores s ON s.checkin_id = c.id
), daily AS (
    SELECT user_id, starts_on, after_routine, avg(score) AS score
    FROM scores GROUP BY checkin_id, user_id, starts_on, after_routine
)
INSERT INTO pain_periods
    (user_id, period, starts_on, region, total, days, after_routine_total, after_routine_days)
SELECT user_id, '{period}', starts_on, region, sum(score), count(*),
       sum(CASE WHEN after_routine THEN score ELSE 0.0 END),
       sum(CASE WHEN after_routine THEN 1 ELSE 0 END)
FROM scores GROUP BY user_id, starts_on, region
UNION ALL
SELECT user_id, '{period}', starts_on, '*', sum(score), count(*),
       sum(CASE WHEN after_routine THEN score ELSE 0.0 END),
       sum(CASE WHEN after_routine THEN 1 ELSE 0 END)
FROM daily GROUP BY user_id, starts_on
"""


def upgrade():
    op.drop_table("client_summaries")
    op.create_table(
        "kept_figures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("history_version", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.SmallInteger(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("worse_rise", sa.Float(), nullable=False),
        sa.Column("worse_regions", sa.SmallInteger(), nullable=False),
        sa.Column("inactive", sa.Boolean(), nullable=False),
        sa.Column("worst_pain_during", sa.SmallInteger(), nullable=True),
        sa.Column("too_hard", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_kept_figures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_kept_figures")),
    )
    op.create_table(
        "pain_periods",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=5), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("after_routine_total", sa.Float(), nullable=False),
        sa.Column("after_routine_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pain_periods_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "period", "starts_on", "region", name=op.f("pk_pain_periods")
        ),
    )
    # Plain ADD COLUMN on both databases: a table copy would cascade-delete routine items.
    op.add_column(
        "routines", sa.Column("past_frequencies", sa.JSON(), server_default="[]", nullable=False)
    )
    dates = _DATES[op.get_bind().dialect.name]
    for period in ("week", "month"):
        op.execute(
            _FILL.format(period=period, start=dates[period], day_before=dates["day_before"])
        )


def downgrade():
    op.drop_column("routines", "past_frequencies")
    op.drop_table("pain_periods")
    op.drop_table("kept_figures")
    op.create_table(
        "client_summaries",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("history_version", sa.Integer(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("worse_rise", sa.Float(), nullable=False),
        sa.Column("worse_regions", sa.SmallInteger(), nullable=False),
        sa.Column("inactive", sa.Boolean(), nullable=False),
        sa.Column("worst_pain_during", sa.SmallInteger(), nullable=True),
        sa.Column("too_hard", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_client_summaries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_client_summaries")),
    )
