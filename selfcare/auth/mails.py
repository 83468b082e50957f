"""The mails about an account. Built during a request, since their links name this site."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..languages import DEFAULT_LANGUAGE
from ..mail import compose, link, send_mail
from ..models import User
from .service import address_token, password_reset_token


def _setting_as_duration(name: str) -> timedelta:
    """How long a mailed link works, as its mail says it ("for an hour")."""
    return timedelta(seconds=current_app.config[name])


def send_address_confirmation(user: User, address: str) -> None:
    """The link that confirms `address`: the user's own after registering, or a new one."""
    send_mail(
        address,
        _l("Confirm your e-mail address")
        if address == user.email
        else _l("Confirm your new address"),
        "confirm_address",
        language=user.language,
        name=user.name,
        new_account=address == user.email,
        confirm_url=link("auth.confirm_email", token=address_token(user, address)),
        link_lifetime=_setting_as_duration("EMAIL_CONFIRM_MAX_AGE"),
    )


def send_address_in_use(user: User) -> None:
    """To the owner of an address someone tried to register, or to move another account to."""
    send_mail(
        user.email,
        _l("Someone tried to use your address"),
        "address_in_use",
        language=user.language,
        name=user.name,
        login_url=link("auth.login"),
        forgot_url=link("auth.forgot_password"),
    )


def _password_reset(user: User) -> dict:
    return {
        "to": user.email,
        "subject": _l("Choose a new password"),
        "template": "password_reset",
        "language": user.language,
        "name": user.name,
        "reset_url": link("auth.reset_password", token=password_reset_token(user)),
        "link_lifetime": _setting_as_duration("PASSWORD_RESET_MAX_AGE"),
    }


def send_password_reset(user: User) -> None:
    send_mail(**_password_reset(user))


def spend_a_reset_mail(address: str) -> None:
    """For an address without an account: the work of a reset mail, nothing sent, so the answer
    takes as long as for one with an account."""
    nobody = User(id=0, name="", email=address, password_hash="", language=DEFAULT_LANGUAGE)
    compose(**_password_reset(nobody))


def send_address_change_notice(user: User) -> None:
    """To the old address, so a change nobody asked for doesn't go unnoticed."""
    send_mail(
        user.email,
        _l("A change of your e-mail address was asked for"),
        "address_change_notice",
        language=user.language,
        name=user.name,
        password_url=link("account.change_password"),
        forgot_url=link("auth.forgot_password"),
    )
