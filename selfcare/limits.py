"""Rate limits and what they count by: the client's address (as the configured proxies report
it), the signed-in account, or the e-mail address a form names. With RATELIMIT_STORAGE_URI
pointing at Redis, every worker and every app server counts together."""

from flask import current_app, request
from flask_login import current_user

from .extensions import limiter
from .security_log import address_hash


def client_address() -> str:
    return request.remote_addr or "unknown"


def signed_in_account() -> str:
    return f"account:{current_user.id}" if current_user.is_authenticated else client_address()


def named_address() -> str:
    """The e-mail address a login or reset form names, hashed: the same address is counted
    together whichever machine the tries come from."""
    return "address:" + address_hash(request.form.get("email", ""))


def configured(name: str):
    """A limit read from the config when the request comes, so tests and deployments set it."""
    return lambda: current_app.config[name]


# Pages that check the current password (change it, change the address, delete the account)
# share one budget per account: a stolen session can't guess the password past the login limits.
password_checks = limiter.shared_limit(
    configured("PASSWORD_CHECK_RATE_LIMIT"),
    scope="password-check",
    key_func=signed_in_account,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,
)
