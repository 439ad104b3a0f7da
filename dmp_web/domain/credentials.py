"""Secrets a person types: identifiers, passwords, codes. Generated with `secrets`, stored hashed."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets

# No look-alikes (0/O, 1/I/L) in anything a person copies from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LOGIN_LETTERS = "abcdefghjkmnpqrstuvwxyz"
CREATION_CODE_LENGTH = 12
INITIAL_PASSWORD_LENGTH = 12
OTP_LENGTH = 8

# scrypt, about 40 ms a hash here: slow enough against guessing, fast enough for a page.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def new_creation_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CREATION_CODE_LENGTH))


def new_initial_password() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(INITIAL_PASSWORD_LENGTH))


def new_login_id() -> str:
    """Three letters and four digits, like «hup7510»: short to type, easy to read aloud."""
    letters = "".join(secrets.choice(_LOGIN_LETTERS) for _ in range(3))
    return letters + f"{secrets.randbelow(10_000):04d}"


def new_otp() -> str:
    return f"{secrets.randbelow(10 ** OTP_LENGTH):0{OTP_LENGTH}d}"


def normalize_code(typed: str) -> str:
    """A code as typed from paper: spaces, dashes and case do not matter."""
    return re.sub(r"[\s\-\u00a0]", "", typed or "").upper()


def without_spaces(typed: str) -> str:
    """A secret printed in groups (the initial password), without the spaces typed between them."""
    return re.sub(r"[\s\u00a0\u202f]", "", typed or "")


def hash_secret(value: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(value.encode("utf-8"), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def hash_short_lived(value: str, pepper: bytes) -> str:
    """A one-time code's hash: a salted HMAC under a server key (the pepper), not scrypt. The
    code lives 10 minutes and dies after 5 wrong tries; without the pepper, which is not in the
    store, the hash cannot be tried offline against the 10^8 codes. A slow hash would only make
    each login pay twice more (a login then hashes the password alone)."""
    _check_pepper(pepper)
    salt = secrets.token_bytes(16)
    digest = hmac.new(pepper, salt + value.encode("utf-8"), hashlib.sha256).digest()
    return "hmac$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def _check_pepper(pepper: bytes) -> None:
    if not isinstance(pepper, bytes) or len(pepper) < 32:
        raise ValueError("a one-time code is hashed with a server key of at least 32 bytes")


def new_link_token() -> str:
    """The secret part of a link sent by e-mail (256 bits: it cannot be guessed)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """How a link token is kept and looked up. A plain SHA-256 is enough for 256 random bits
    (no dictionary to try), and being the same every time it can key an index."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@functools.cache
def _dummy_hash() -> str:
    return hash_secret("not-a-real-password")


def spend_a_check(value: str) -> None:
    """Take as long as a real password check, when there is nothing to check against: an
    unknown identifier answers as slowly as a known one."""
    verify_secret(value, _dummy_hash())


def verify_secret(value: str, stored: str, pepper: bytes | None = None) -> bool:
    """Check a value against its hash (scrypt, or the peppered HMAC of a one-time code)."""
    try:
        scheme, salt, digest = stored.split("$")
    except (AttributeError, ValueError):
        return False
    if scheme == "hmac":
        _check_pepper(pepper)
        actual = hmac.new(pepper, base64.b64decode(salt) + value.encode("utf-8"), hashlib.sha256).digest()
    elif scheme == "scrypt":
        actual = hashlib.scrypt(value.encode("utf-8"), salt=base64.b64decode(salt), **_SCRYPT)
    else:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))
