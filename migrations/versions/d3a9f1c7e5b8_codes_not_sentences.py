"""Codes, not English sentences, in the database: the access log's purposes become codes
(access.Purpose) and a sign-in's device its browser and system names (sign_ins.device_browser,
sign_ins.device_system); both sentences are made in the reader's language when shown

Revision ID: d3a9f1c7e5b8
Revises: b3e9d5a7c1f4
Create Date: 2026-12-08 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "d3a9f1c7e5b8"
down_revision = "b3e9d5a7c1f4"
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
# The systems a device could be named by alone (auth.service.SYSTEMS as it is now).
SYSTEMS = {"iPhone", "iPad", "Android", "ChromeOS", "Windows", "macOS", "Linux"}
UNKNOWN_DEVICE = "Unknown device"

access_log = sa.table("access_log", sa.column("purpose", sa.String()))
sign_ins = sa.table(
    "sign_ins",
    sa.column("device", sa.String()),
    sa.column("device_browser", sa.String()),
    sa.column("device_system", sa.String()),
)


def _recode(codes: dict[str, str]) -> None:
    """One UPDATE, one pass over the log however long it is."""
    op.execute(
        access_log.update()
        .where(access_log.c.purpose.in_(list(codes)))
        .values(purpose=sa.case(codes, value=access_log.c.purpose))
    )


def device_parts(device: str) -> tuple[str, str]:
    """The browser and system a stored device sentence was made of. Anything else is kept whole
    as the browser, so it reads as it did (and downgrading gives it back as it was)."""
    browser, on, system = device.partition(" on ")
    if on and browser and system:
        return browser, system
    if device == UNKNOWN_DEVICE:
        return "", ""
    if device in SYSTEMS:
        return "", device
    return device, ""


def device_sentence(browser: str, system: str) -> str:
    """The English sentence stored before: what auth.service.device_label reads in English."""
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or UNKNOWN_DEVICE


# Plain ADD and DROP COLUMN on both databases (SQLite 3.35 and later), no batch copy.
def upgrade():
    _recode(PURPOSE_CODES)

    for name in ("device_browser", "device_system"):
        op.add_column(
            "sign_ins", sa.Column(name, sa.String(length=60), server_default="", nullable=False)
        )
    connection = op.get_bind()
    for (device,) in connection.execute(sa.select(sign_ins.c.device).distinct()).all():
        browser, system = device_parts(device)
        connection.execute(
            sign_ins.update()
            .where(sign_ins.c.device == device)
            .values(device_browser=browser, device_system=system)
        )
    op.drop_column("sign_ins", "device")


def downgrade():
    op.add_column(
        "sign_ins", sa.Column("device", sa.String(length=60), server_default="", nullable=False)
    )
    connection = op.get_bind()
    pairs = sa.select(sign_ins.c.device_browser, sign_ins.c.device_system).distinct()
    for browser, system in connection.execute(pairs).all():
        connection.execute(
            sign_ins.update()
            .where(sign_ins.c.device_browser == browser, sign_ins.c.device_system == system)
            .values(device=device_sentence(browser, system)[:60])
        )
    op.drop_column("sign_ins", "device_system")
    op.drop_column("sign_ins", "device_browser")
    if connection.dialect.name == "postgresql":  # as the column was made (SQLite can't drop it)
        op.execute("ALTER TABLE sign_ins ALTER COLUMN device DROP DEFAULT")

    _recode({code: phrase for phrase, code in PURPOSE_CODES.items()})
