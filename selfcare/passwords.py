"""Password hashing: Argon2id for new hashes; older werkzeug (scrypt) hashes still verify and are
replaced at the next successful login."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash

ARGON2_PREFIX = "$argon2"


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    return _hasher(**current_app.config["PASSWORD_HASH_PARAMETERS"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not stored_hash.startswith(ARGON2_PREFIX):
        return check_password_hash(stored_hash, password)
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True for hashes of an older method or with weaker parameters than the current ones."""
    if not stored_hash.startswith(ARGON2_PREFIX):
        return True
    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(hasher_: PasswordHasher) -> str:
    return hasher_.hash("not a real password at all")


def spend_a_check(password: str) -> None:
    """The work of checking a password, for requests about an unknown address: they take as
    long as for a known one."""
    verify_password(_dummy_hash(hasher()), password)
