from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired

from ..auth.forms import email_field, name_field, new_password_field
from ..forms import PageForm, TimezoneField, at_most, limit_attrs


def current_password_field(label: str, message: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired(message=message)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(PageForm):
    name = name_field()
    timezone = TimezoneField()


class ChangePasswordForm(PageForm):
    current_password = current_password_field(
        "Current password", "Please enter your current password."
    )
    new_password = new_password_field("New password")


class ChangeEmailForm(PageForm):
    email = email_field("New email")
    current_password = current_password_field(
        "Current password", "Please enter your current password."
    )


class TokenForm(PageForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(message="Name it after where you'll use it."), at_most(60)],
        description="For example “my spreadsheet” or “watch app”.",
        render_kw=limit_attrs(60),
    )


class DeleteAccountForm(PageForm):
    password = current_password_field("Your password", "Please enter your password to confirm.")
