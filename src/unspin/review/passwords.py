"""Reviewers' passwords, kept only as Argon2id hashes (argon2-cffi, the maintained binding of the PHC winner).

Argon2id is memory-hard: each guess against a stolen store costs memory as
well as time. The library's default parameters follow RFC 9106's second
recommended option (64 MiB, 3 passes). ``verify`` of an unknown name still
hashes once, against a throwaway hash, so the time taken does not say
whether the name exists.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
_hasher = PasswordHasher()
_DECOY = _hasher.hash("not a password anyone has")


class PasswordError(ValueError):
    """A password that may not be set; the message says why."""


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"a password needs at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``stored_hash`` None (no such user) costs the same and is False."""
    try:
        return _hasher.verify(stored_hash or _DECOY, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
