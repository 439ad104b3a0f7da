"""Encryption at rest for uploaded files and document contents.

Fernet (AES-128-CBC with an HMAC-SHA256 over the whole token): a wrong key or one changed byte
is detected before anything is decrypted, so altered data is refused rather than returned.
"""
from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
# Fixed and public: HKDF's salt only separates this application's keys from any other use of
# the same secret; the purpose label separates our keys from one another.
_HKDF_SALT = b"dmp-web/store/crypto/v1"


class SealBroken(ValueError):
    """The data was sealed with another key, or was altered since."""


class Sealer:
    """Seals bytes (and JSON text fields) so that only the holder of the key can read them."""

    def __init__(self, key: bytes):
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            raise ValueError(f"a sealing key is {KEY_BYTES} random bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def __repr__(self) -> str:
        return "Sealer(<key hidden>)"

    @staticmethod
    def generate_key() -> bytes:
        return secrets.token_bytes(KEY_BYTES)

    @classmethod
    def from_secret(cls, secret: str, purpose: str) -> "Sealer":
        """A key of its own for each purpose ("files", "documents"...), derived from the app secret.

        Changing the app secret makes everything sealed with the old one unreadable.
        """
        if not secret or not purpose:
            raise ValueError("a secret and a purpose are needed to derive a sealing key")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_HKDF_SALT,
                    info=purpose.encode("utf-8"))
        return cls(hkdf.derive(secret.encode("utf-8")))

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except (InvalidToken, TypeError) as exc:
            raise SealBroken("sealed data that this key cannot open: wrong key or altered data") from exc

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
