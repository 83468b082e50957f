"""Command-line tasks: `flask seed-demo`, `flask sync-library`, `flask backup`,
`flask send-reminders`, `flask refresh-figures`."""

import click
from flask import Flask, current_app


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Create the demo client and therapist with their history (idempotent)."""
        if current_app.config["SELFCARE_PRODUCTION"]:
            raise click.ClickException("Refusing to load demo data when SELFCARE_ENV=production.")
        from .demo import seed_demo

        for line in seed_demo():
            click.echo(line)

    @app.cli.command("sync-library")
    def sync_library_command():
        """Load or refresh the exercise library from the reference data (idempotent)."""
        from .routines.exercises import sync_exercise_library

        click.echo(f"{sync_exercise_library()} library exercises in place")

    @app.cli.command("backup")
    def backup_command():
        """Write a consistent copy of the SQLite database to instance/backups/."""
        from pathlib import Path

        from .backup import BackupNotPossible, backup_sqlite
        from .extensions import db

        try:
            target = backup_sqlite(db.engine, Path(current_app.instance_path) / "backups")
        except BackupNotPossible as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {target}")

    @app.cli.command("send-reminders")
    @click.option(
        "--now",
        type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
        help="Act as if it were this moment (UTC), for tests and trying it out.",
    )
    def send_reminders_command(now):
        """Send the reminders that are due (safe every minute, on several machines at once)."""
        from datetime import UTC

        from .config import DEVELOPMENT_BASE_URL
        from .models import utcnow
        from .reminders.mails import send_due
        from .reminders.service import claim_due, release

        moment = now.replace(tzinfo=UTC) if now else utcnow()
        # Without a request, PUBLIC_BASE_URL is the only way to know the site's address; in
        # development it is where `make run` serves, so the links open logged in there.
        base_url = current_app.config["PUBLIC_BASE_URL"]
        if not base_url and current_app.config["SELFCARE_PRODUCTION"]:
            raise click.ClickException("Set PUBLIC_BASE_URL: reminder mails link to the site.")
        sent = 0
        with current_app.test_request_context(base_url=base_url or DEVELOPMENT_BASE_URL):
            for due, claim in claim_due(moment):
                if send_due(due):
                    sent += 1
                else:
                    release(claim)
        click.echo(f"{sent} reminder{'' if sent == 1 else 's'} sent")

    @app.cli.command("refresh-figures")
    def refresh_figures_command():
        """Work out the figures of the sharing clients that wrote since, or whose kept days run
        out tomorrow (safe every few minutes, on several machines at once)."""
        from .figures.kept import refresh_sharing_clients

        count = refresh_sharing_clients()
        click.echo(f"{count} client{'' if count == 1 else 's'} worked out")
