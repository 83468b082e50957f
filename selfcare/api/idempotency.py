"""The Idempotency-Key header on API writes (draft-ietf-httpapi-idempotency-key-header). A write
that was saved but whose answer was lost (a dropped connection after the commit, a 503) can be
sent again with its key and is saved once: the key is kept in the write's transaction, so it is
kept exactly when the write is. The same request again answers 200 with what was saved; the key
with another request is refused (422). Keys are per person."""

import hashlib
import re
from functools import wraps

from flask import g, jsonify, request

from ..errors import problem
from ..submissions import claim_key

HEADER = "Idempotency-Key"
# Visible ASCII but the quote and backslash: a UUID fits, and so does any token a client makes.
KEY_MAX_LENGTH = 255
KEY = re.compile(rf"[!#-\[\]-~]{{1,{KEY_MAX_LENGTH}}}")


def key_in(header: str) -> str | None:
    """The key an Idempotency-Key header carries (KEY), bare or in
    double quotes (a structured-field string, as the draft writes it); None for anything else."""
    if len(header) >= 2 and header[0] == header[-1] == '"':
        header = header[1:-1]
    return header if KEY.fullmatch(header) else None


def request_digest() -> str:
    """What makes a request the same request: method, path and body, byte for byte."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def idempotent(saved_by):
    """A write view done once per Idempotency-Key (without the header, every time). The view
    finds its key in `g.idempotency_key`. `saved_by(key_row)` is the JSON of what the request
    that took the key saved, or None when that has been deleted since."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get(HEADER)
            if header is None:
                return view(*args, **kwargs)
            key = key_in(header)
            if key is None:
                return problem(
                    400,
                    f"An Idempotency-Key is 1 to {KEY_MAX_LENGTH} visible ASCII characters, "
                    "such as a UUID.",
                )
            digest = request_digest()
            earlier = claim_key(g.api_user.id, key, digest)
            if earlier is None:
                g.idempotency_key = key
                return view(*args, **kwargs)
            if earlier.request_digest != digest:
                message = "This Idempotency-Key came with another request. Use a new key."
                return problem(422, message, errors={HEADER: [message]})
            saved = saved_by(earlier)
            if saved is None:
                return problem(409, "What was saved with this Idempotency-Key has been deleted.")
            return jsonify(saved)  # 200: saved before, not again

        return wrapper

    return decorate
