from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..forms import PageForm, TimezoneField, at_most, limit_attrs, unclipped
from ..models import CLIENT, THERAPIST

PASSWORD_HINT = "At least 8 characters; 12 or more is safer. A short phrase works well."  # noqa: S105


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(message="Please choose a password."),
            unclipped(Length(min=8, max=128, message="Use between 8 and 128 characters.")),
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


def name_field() -> StringField:
    return StringField(
        "Your name",
        validators=[DataRequired(message="Please enter your name."), at_most(100)],
        render_kw=limit_attrs(100, autocomplete="name"),
    )


class RegisterForm(PageForm):
    name = name_field()
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Please enter your email address."),
            Email(message="That doesn't look like an email address.", check_deliverability=False),
            at_most(254),
        ],
        render_kw={"autocomplete": "email"},
    )
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
    timezone = TimezoneField()


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
