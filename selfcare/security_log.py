"""The security event log: sign-ins, failures, password and token changes, refusals, sharing.
One JSON object a line on the `selfcare.security` logger, never with health data or passwords;
an e-mail address that matches no account is logged as a hash."""

import hashlib
import json
import logging

from flask import has_request_context, request

from .models import utcnow

logger = logging.getLogger("selfcare.security")


def init_app(_app) -> None:
    """Events go to standard error (gunicorn's and systemd's journal) at level INFO."""
    logger.setLevel(logging.INFO)
    # Where the process already logs (gunicorn, a configured root logger), events go there once.
    if not logger.handlers and not logging.getLogger().handlers:
        logger.addHandler(logging.StreamHandler())


def address_hash(email: str) -> str:
    """Enough to see repeated attempts on one address without writing the address down."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def record(event: str, **details) -> None:
    """Write one event: `details` are ids and short words (user_id=, share_id=, reason=)."""
    entry = {"at": utcnow().isoformat(timespec="seconds"), "event": event, **details}
    if has_request_context():
        entry["ip"] = request.remote_addr
        entry["path"] = request.path
    logger.info(json.dumps(entry, sort_keys=True, default=str))
