from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..auth.forms import name_field, new_password_field
from ..forms import TimezoneField


def current_password_field(label: str, message: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(message=message)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(FlaskForm):
    name = name_field()
    timezone = TimezoneField()


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field(
        "Current password", "Please enter your current password."
    )
    new_password = new_password_field("New password")


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(message="Name it after where you'll use it."), Length(max=60)],
        description="For example “my spreadsheet” or “watch app”.",
    )


class DeleteAccountForm(FlaskForm):
    password = current_password_field("Your password", "Please enter your password to confirm.")
