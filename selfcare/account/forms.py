from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired

from ..auth.forms import LanguageField, email_field, name_field, new_password_field
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
    language = LanguageField()


class ChangePasswordForm(PageForm):
    current_password = current_password_field(
        _l("Current password"), _l("Please enter your current password.")
    )
    new_password = new_password_field(_l("New password"))


class ChangeEmailForm(PageForm):
    email = email_field(_l("New email"))
    current_password = current_password_field(
        _l("Current password"), _l("Please enter your current password.")
    )


class TokenForm(PageForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=_l("Name it after where you'll use it.")), at_most(60)],
        description=_l("For example “my spreadsheet” or “watch app”."),
        render_kw=limit_attrs(60),
    )
    scope = RadioField(
        _l("It may"),
        choices=[
            SelectChoice(TOKEN_READ, _l("Read my entries")),
            SelectChoice(TOKEN_WRITE, _l("Read and add entries")),
        ],
        default=TOKEN_READ,  # a program that only reads can't spoil the record
    )
    lifetime_days = RadioField(
        _l("It stops working after"),
        choices=[
            SelectChoice("30", lazy_ngettext("%(num)d day", "%(num)d days", 30)),
            SelectChoice("90", lazy_ngettext("%(num)d day", "%(num)d days", 90)),
            SelectChoice("365", _l("a year")),
        ],
        default="90",
    )


class ConfirmPasswordForm(PageForm):
    password = current_password_field(_l("Your password"), _l("Please enter your password."))


class DeleteAccountForm(PageForm):
    password = current_password_field(
        _l("Your password"), _l("Please enter your password to confirm.")
    )
