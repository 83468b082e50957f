"""What the browser tests share."""

from datetime import timedelta

from selfcare.dates import local_today
from selfcare.extensions import db
from selfcare.models import CheckIn, PainScore, User

PHONE = {"width": 390, "height": 844}


def register(page, base: str, name: str, email: str, role_label: str) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_label(role_label).check()
    page.get_by_role("button", name="Create account").click()


def add_earlier_checkins(app, email: str, neck: int, days: int) -> None:
    """Neck scores on the `days` days before today, as if checked in then."""
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        today = local_today(user.timezone)
        db.session.add_all(
            CheckIn(
                user_id=user.id,
                day=today - timedelta(days=back),
                scores=[PainScore(region="neck", score=neck)],
            )
            for back in range(1, days + 1)
        )
        db.session.commit()
