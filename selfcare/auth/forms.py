from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..localtime import timezone_names
from ..models import CLIENT, THERAPIST

PASSWORD_RULES = [
    InputRequired(message="Please choose a password."),
    Length(min=8, max=128, message="Use between 8 and 128 characters."),
]
PASSWORD_HINT = "At least 8 characters; 12 or more is safer. A short phrase works well."  # noqa: S105


class TimezoneField(SelectField):
    def __init__(self, label="Time zone", **kwargs):
        super().__init__(
            label,
            choices=[SelectChoice(name, name.replace("_", " ")) for name in timezone_names()],
            default="UTC",
            description="Decides when your day starts and ends.",
            **kwargs,
        )


class RegisterForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Please enter your name."), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Please enter your email address."),
            Email(message="That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        "Password",
        validators=PASSWORD_RULES,
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
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


class LoginForm(FlaskForm):
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


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(message="Please enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=PASSWORD_RULES,
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired(message="Please enter your name."), Length(max=100)],
    )
    timezone = TimezoneField()
