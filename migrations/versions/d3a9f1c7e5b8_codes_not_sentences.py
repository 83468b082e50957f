"""Codes, not English sentences, in the access log: its purposes become codes (access.Purpose),
read in the reader's language when shown

Revision ID: d3a9f1c7e5b8
Revises: a1f5c7e9b3d2
Create Date: 2026-12-08 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "d3a9f1c7e5b8"
down_revision = "a1f5c7e9b3d2"
branch_labels = None
depends_on = None

# Each purpose as it was stored until now, and its code. "charts" and "report" were codes
# already; a value not listed here (none the app wrote) stays as it is, and shows as it is.
PURPOSE_CODES = {
    "dashboard figures": "dashboard",
    "added an appointment": "appointment_added",
    "export (CSV)": "export_csv",
    "export (FHIR)": "export_fhir",
    "opened the home programme": "programme_opened",
    "changed the home programme": "programme_changed",
    "asked to re-score PSFS": "psfs_rescore_asked",
    "opened PSFS activities": "psfs_activities_opened",
    "named PSFS activities with the client": "psfs_activities_named",
    "opened PSFS scoring": "psfs_scoring_opened",
    "entered PSFS scores with the client": "psfs_scores_entered",
    "you stopped sharing": "share_stopped",
    "you undid stopping": "share_restored",
}

access_log = sa.table("access_log", sa.column("purpose", sa.String()))


def _recode(codes: dict[str, str]) -> None:
    """One UPDATE, one pass over the log however long it is."""
    op.execute(
        access_log.update()
        .where(access_log.c.purpose.in_(list(codes)))
        .values(purpose=sa.case(codes, value=access_log.c.purpose))
    )


def upgrade():
    _recode(PURPOSE_CODES)


def downgrade():
    _recode({code: phrase for phrase, code in PURPOSE_CODES.items()})
