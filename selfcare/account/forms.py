from wtforms import PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired

from ..auth.forms import email_field, name_field, new_password_field
from ..forms import PageForm, TimezoneField, at_most, limit_attrs
from ..models import TOKEN_READ, TOKEN_WRITE


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
    scope = RadioField(
        "It may",
        choices=[
            SelectChoice(TOKEN_READ, "Read my entries"),
            SelectChoice(TOKEN_WRITE, "Read and add entries"),
        ],
        default=TOKEN_READ,  # a program that only reads can't spoil the record
    )
    lifetime_days = RadioField(
        "It stops working after",
        choices=[
            SelectChoice("30", "30 days"),
            SelectChoice("90", "90 days"),
            SelectChoice("365", "a year"),
        ],
        default="90",
    )


class ConfirmPasswordForm(PageForm):
    password = current_password_field("Your password", "Please enter your password.")


class DeleteAccountForm(PageForm):
    password = current_password_field("Your password", "Please enter your password to confirm.")
