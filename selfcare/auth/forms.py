from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, StopValidation

from ..forms import PageForm, TimezoneField, at_most, limit_attrs, unclipped
from ..models import CLIENT, THERAPIST

PASSWORD_MIN, PASSWORD_MAX = 12, 128
PASSWORD_HINT = "At least 12 characters. A few words that don't belong together work well."  # noqa: S105
PASSWORD_TOO_GUESSABLE = (
    "That one would be easy for someone else to guess: it's a common password or follows a "  # noqa: S105
    "pattern. A few unrelated words are easier to remember and much harder to guess."
)
LINK_DAMAGED = "This link is damaged; please open it again from the e-mail."
# zxcvbn's scale: 3 is "safely unguessable", about 10^8 guesses or more.
PASSWORD_MIN_SCORE = 3


def hard_to_guess(form, field):
    """Refuse common and pattern-like passwords (zxcvbn knows the common ones offline), counting
    the person's own name and address as easy guesses."""
    if field.errors:  # too short or too long: that message is enough
        return
    # Imported on the first password chosen, not at start-up (its word lists are a noticeable
    # part of a worker's start-up, docs/architecture.md).
    from zxcvbn import zxcvbn

    known = [form[name].data for name in ("name", "email") if name in form and form[name].data]
    person = getattr(form, "person", None)  # set by pages for someone who has an account
    if person is not None:
        known += [person.name, person.email]
    # zxcvbn takes up to 72 characters (its work grows fast with length); 72 that are hard to
    # guess make the whole hard to guess.
    if zxcvbn(field.data[:72], user_inputs=known)["score"] < PASSWORD_MIN_SCORE:
        raise StopValidation(PASSWORD_TOO_GUESSABLE)


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(message="Please choose a password."),
            unclipped(
                Length(
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                    message=f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters.",
                )
            ),
            hard_to_guess,
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


def email_field(label: str = "Email", autocomplete: str = "email") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message="Please enter your email address."),
            Email(message="That doesn't look like an email address.", check_deliverability=False),
            at_most(254),
        ],
        render_kw={"autocomplete": autocomplete},
    )


def token_field() -> HiddenField:
    """The signed part of a mailed link, carried from the link's page to its form."""
    return HiddenField(validators=[DataRequired(message=LINK_DAMAGED), at_most(500)])


def name_field() -> StringField:
    return StringField(
        "Your name",
        validators=[DataRequired(message="Please enter your name."), at_most(100)],
        render_kw=limit_attrs(100, autocomplete="name"),
    )


class RegisterForm(PageForm):
    name = name_field()
    email = email_field()
    password = new_password_field("Password")
    role = RadioField(
        "I am",
        choices=[
            SelectChoice(CLIENT, "A client tracking my own care"),
            SelectChoice(THERAPIST, "A therapist"),
        ],
        default=CLIENT,
        validators=[InputRequired(message="Please choose one.")],
    )
    timezone = TimezoneField("Your time zone", ask=True)


class LoginForm(PageForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(message="Please enter your email address.")],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired(message="Please enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")


class ForgotPasswordForm(PageForm):
    email = email_field(autocomplete="username")


class ResetPasswordForm(PageForm):
    token = token_field()
    password = new_password_field("New password")


class ConfirmEmailForm(PageForm):
    token = token_field()
