"""Demo data: accounts a newcomer can log in with, and a believable history."""

from .auth.service import create_user, find_user_by_email
from .models import CLIENT, THERAPIST, User

DEMO_PASSWORD = "selfcare-demo"  # noqa: S105 (published in the README on purpose)
DEMO_CLIENT_EMAIL = "client@example.com"
DEMO_THERAPIST_EMAIL = "therapist@example.com"


def ensure_user(
    email: str, name: str, role: str, timezone: str = "Europe/London"
) -> tuple[User, bool]:
    """The user with this email, created when missing; the flag says whether it was new."""
    existing = find_user_by_email(email)
    if existing is not None:
        return existing, False
    return create_user(
        email=email, name=name, password=DEMO_PASSWORD, role=role, timezone=timezone
    ), True


def seed_demo() -> list[str]:
    """Create the demo accounts; safe to run again. Returns lines for the command to print."""
    done = []
    client, created = ensure_user(DEMO_CLIENT_EMAIL, "Alex Demo", CLIENT)
    done.append(("created " if created else "kept ") + client.email)
    therapist, created = ensure_user(DEMO_THERAPIST_EMAIL, "Sam Therapist", THERAPIST)
    done.append(("created " if created else "kept ") + therapist.email)
    return done
