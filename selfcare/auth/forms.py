from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from ..forms import PageForm, TimezoneField, at_most, limit_attrs, unclipped
from ..languages import LANGUAGES
from ..models import CLIENT, THERAPIST

PASSWORD_MIN, PASSWORD_MAX = 12, 128
PASSWORD_HINT = _l(
    "At least %(min)d characters. A few words that don't belong together work well.",
    min=PASSWORD_MIN,
)
PASSWORD_TOO_GUESSABLE = _l(
    "That one would be easy for someone else to guess: it's a common password or follows a "
    "pattern. A few unrelated words are easier to remember and much harder to guess."
)
LINK_DAMAGED = _l("This link is damaged; please open it again from the e-mail.")
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
            InputRequired(message=_l("Please choose a password.")),
            unclipped(
                Length(
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                    message=_l(
                        "Use between %(min)d and %(max)d characters.",
                        min=PASSWORD_MIN,
                        max=PASSWORD_MAX,
                    ),
                )
            ),
            hard_to_guess,
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


def email_field(label: str = _l("Email"), autocomplete: str = "email") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Email(
                message=_l("That doesn't look like an email address."), check_deliverability=False
            ),
            at_most(254),
        ],
        render_kw={"autocomplete": autocomplete},
    )


def token_field() -> HiddenField:
    """The signed part of a mailed link, carried from the link's page to its form."""
    return HiddenField(validators=[DataRequired(message=LINK_DAMAGED), at_most(500)])


def name_field() -> StringField:
    return StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please enter your name.")), at_most(100)],
        render_kw=limit_attrs(100, autocomplete="name"),
    )


LANGUAGE_LABEL = _l("Language")


def _known_language(form, field):
    if field.data not in LANGUAGES:
        raise ValidationError(_l("Please choose a language from the list."))


class LanguageField(SelectField):
    """The language the product speaks to the person in, from LANGUAGES. Each is named in its
    own language and marked as such for screen readers; the page gives the default (the
    browser's choice, or the person's own)."""

    def __init__(self, label=LANGUAGE_LABEL, **kwargs):
        super().__init__(
            label,
            choices=[
                SelectChoice(code, name, render_kw={"lang": code})
                for code, name in LANGUAGES.items()
            ],
            validators=[_known_language],
            validate_choice=False,  # _known_language says it more plainly
            **kwargs,
        )


class RegisterForm(PageForm):
    name = name_field()
    email = email_field()
    password = new_password_field(_l("Password"))
    role = RadioField(
        _l("I am"),
        choices=[
            SelectChoice(CLIENT, _l("A client tracking my own care")),
            SelectChoice(THERAPIST, _l("A therapist")),
        ],
        default=CLIENT,
        validators=[InputRequired(message=_l("Please choose one."))],
    )
    timezone = TimezoneField(_l("Your time zone"), ask=True)
    language = LanguageField()


class LoginForm(PageForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(message=_l("Please enter your email address."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(PageForm):
    email = email_field(autocomplete="username")


class ResetPasswordForm(PageForm):
    token = token_field()
    password = new_password_field(_l("New password"))


class ConfirmEmailForm(PageForm):
    token = token_field()
