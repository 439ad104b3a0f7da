"""Encryption at rest for uploaded files and document contents.

Fernet (AES-128-CBC with an HMAC-SHA256 over the whole token): a wrong key or one changed byte
is detected before anything is decrypted, so altered data is refused rather than returned.
"""
from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
# Fixed and public: HKDF's salt only separates this application's keys from any other use of
# the same secret; the purpose label separates our keys from one another.
_HKDF_SALT = b"dmp-web/store/crypto/v1"


class SealBroken(ValueError):
    """The data was sealed with another key, or was altered since."""


def _derive(material: bytes, purpose: str) -> bytes:
    if not material or not purpose:
        raise ValueError("key material and a purpose are needed to derive a sealing key")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_HKDF_SALT, info=purpose.encode("utf-8"))
    return hkdf.derive(material)


def encode_key(key: bytes) -> str:
    """A data key as DMP_DATA_KEYS writes it (URL-safe base64)."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    """A data key of DMP_DATA_KEYS; ValueError unless it is 32 bytes in URL-safe base64."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError("a data key is 32 random bytes in URL-safe base64") from exc
    if len(key) != KEY_BYTES:
        raise ValueError("a data key is 32 random bytes in URL-safe base64")
    return key


class Sealer:
    """Seals bytes (and JSON text fields) so that only the holder of the key can read them.

    Several keys make a key ring, for rotation: the first seals, every one opens, and `reseal`
    moves a token to the first key. Put a new key first, reseal everything (`flask reseal-data`),
    then drop the old key."""

    def __init__(self, key: bytes, *older: bytes):
        for each in (key, *older):
            if not isinstance(each, bytes) or len(each) != KEY_BYTES:
                raise ValueError(f"a sealing key is {KEY_BYTES} random bytes")
        self._fernet = MultiFernet([Fernet(base64.urlsafe_b64encode(each)) for each in (key, *older)])
        self.key_count = 1 + len(older)

    def __repr__(self) -> str:
        return f"Sealer(<{self.key_count} key(s) hidden>)"

    @staticmethod
    def generate_key() -> bytes:
        return secrets.token_bytes(KEY_BYTES)

    @classmethod
    def from_keys(cls, keys: list[bytes] | tuple[bytes, ...], purpose: str,
                  legacy_secrets: tuple[str, ...] = ()) -> Sealer:
        """The key ring for one purpose ("documents"…), each key derived from a data key
        (DMP_DATA_KEYS, newest first), so that one purpose's keys never open another's data.

        legacy_secrets: secrets whose derived key sealed data before DMP_DATA_KEYS existed; they
        come last, so they only open, and `reseal-data` moves that data to the first key."""
        if not keys:
            raise ValueError("at least one data key is needed")
        derived = [_derive(key, purpose) for key in keys]
        derived += [_derive(secret.encode("utf-8"), purpose) for secret in legacy_secrets if secret]
        return cls(*derived)

    @classmethod
    def from_secret(cls, secret: str, purpose: str) -> Sealer:
        """A key of its own for each purpose, derived from a secret text (tests, tools)."""
        if not secret:
            raise ValueError("a secret and a purpose are needed to derive a sealing key")
        return cls(_derive(secret.encode("utf-8"), purpose))

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except (InvalidToken, TypeError) as exc:
            raise SealBroken("sealed data that this key cannot open: wrong key or altered data") from exc

    def reseal(self, token: bytes) -> bytes:
        """The same data sealed with the first key (SealBroken if no key of the ring opens it)."""
        try:
            return self._fernet.rotate(token)
        except (InvalidToken, TypeError) as exc:
            raise SealBroken("sealed data that this key ring cannot open: wrong key or altered data") from exc

    def reseal_text(self, token: str) -> str:
        return self.reseal(token.encode("ascii")).decode("ascii")

    def seal_text(self, text: str) -> str:
        """Seal a text field; the token is ASCII, so it fits in JSON as it is."""
        return self.seal(text.encode("utf-8")).decode("ascii")

    def open_text(self, token: str) -> str:
        try:
            raw = token.encode("ascii")
        except (AttributeError, UnicodeEncodeError) as exc:
            raise SealBroken("a sealed text field is an ASCII token") from exc
        try:
            return self.open(raw).decode("utf-8")
        except UnicodeDecodeError as exc:  # pragma: no cover - only sealed bytes that were not text
            raise SealBroken("the sealed field does not hold text") from exc


if __name__ == "__main__":  # python -m dmp_web.store.crypto: a new key for DMP_DATA_KEYS
    print(encode_key(Sealer.generate_key()))
