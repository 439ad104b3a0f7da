"""Configuration read from DMP_* environment variables, with safe defaults.

The default environment is "production": a machine that forgets to say otherwise gets
secure cookies and refuses to start without a secret key.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("production", "development", "testing")


class SettingsError(RuntimeError):
    """The configuration cannot run safely."""


@dataclass(frozen=True)
class Settings:
    env: str = "production"
    # Secrets stay out of the repr, so a traceback or a log line never prints them.
    secret_key: str | None = field(default=None, repr=False)
    data_keys: tuple[str, ...] = field(default=(), repr=False)  # DMP_DATA_KEYS: newest first
    # DMP_LEGACY_SEALING_SECRET: the DMP_SECRET_KEY that sealed data before DMP_DATA_KEYS existed
    legacy_sealing_secret: str | None = field(default=None, repr=False)
    data_dir: Path = PROJECT_ROOT / "var" / "data"
    exports_dir: Path = PROJECT_ROOT / "exports"
    session_idle_minutes: int = 15
    lock_timeout_seconds: float = 30.0
    contact_email: str = "contact@dmp.example"
    site_url: str = "http://127.0.0.1:5000"
    smtp: dict | None = field(default=None, repr=False)  # host, port, sender, username, password, starttls
    sms_email_domain: str | None = None  # SMS sent as e-mail to <number>@<this domain>

    @property
    def is_development(self) -> bool:
        return self.env in ("development", "testing")

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        env = environ.get("DMP_ENV", "production").strip().lower()
        if env not in ENVIRONMENTS:
            raise SettingsError(f"DMP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
        return cls(
            env=env,
            secret_key=environ.get("DMP_SECRET_KEY") or None,
            data_keys=tuple(k.strip() for k in environ.get("DMP_DATA_KEYS", "").split(",") if k.strip()),
            legacy_sealing_secret=environ.get("DMP_LEGACY_SEALING_SECRET") or None,
            data_dir=Path(environ.get("DMP_DATA_DIR", cls.data_dir)),
            exports_dir=Path(environ.get("DMP_EXPORTS_DIR", cls.exports_dir)),
            session_idle_minutes=_positive_int(environ, "DMP_SESSION_IDLE_MINUTES", 15),
            lock_timeout_seconds=float(environ.get("DMP_LOCK_TIMEOUT_SECONDS", 30)),
            contact_email=environ.get("DMP_CONTACT_EMAIL", cls.contact_email),
            site_url=environ.get("DMP_SITE_URL", cls.site_url).rstrip("/"),
            smtp=_smtp(environ),
            sms_email_domain=environ.get("DMP_SMS_EMAIL_DOMAIN") or None,
        )

    def resolved_secret_key(self) -> str:
        """The secret key; in development, one kept in the data folder so sessions survive restarts."""
        if self.secret_key:
            if len(self.secret_key) < 32:
                raise SettingsError("DMP_SECRET_KEY must be at least 32 characters long")
            return self.secret_key
        if not self.is_development:
            raise SettingsError(
                "DMP_SECRET_KEY is not set: outside development the app refuses to start without it"
            )
        key_file = self.data_dir / ".dev-secret-key"
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip()


    def resolved_data_keys(self) -> list[bytes]:
        """The keys that seal health data at rest, newest first: the first seals, all open.

        They are not DMP_SECRET_KEY (which signs sessions): either can change without the other.
        In development, one key is kept in the data folder, beside the data it opens."""
        from .store.crypto import Sealer, decode_key, encode_key

        if self.data_keys:
            try:
                return [decode_key(key) for key in self.data_keys]
            except ValueError as exc:
                raise SettingsError(f"DMP_DATA_KEYS: {exc}") from None
        if not self.is_development:
            raise SettingsError(
                "DMP_DATA_KEYS is not set: outside development the app refuses to start without it "
                "(make one with: python -m dmp_web.store.crypto)"
            )
        key_file = self.data_dir / ".dev-data-key"
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(encode_key(Sealer.generate_key()))
        return [decode_key(key_file.read_text())]


    def legacy_sealing_secrets(self) -> tuple[str, ...]:
        """Secrets that sealed data before DMP_DATA_KEYS: opened, never used to seal. In
        development, the generated session secret did, so a data folder of an earlier version
        still opens (and `flask reseal-data` moves it to the data key)."""
        if self.legacy_sealing_secret:
            return (self.legacy_sealing_secret,)
        return (self.resolved_secret_key(),) if self.is_development else ()


def _positive_int(environ, name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None:
        return default
    value = int(raw)
    if value <= 0:
        raise SettingsError(f"{name} must be a positive whole number")
    return value


def _smtp(environ) -> dict | None:
    """SMTP settings when DMP_SMTP_HOST is set; None sends e-mail to the development outbox."""
    host = environ.get("DMP_SMTP_HOST")
    if not host:
        return None
    return {
        "host": host,
        "port": _positive_int(environ, "DMP_SMTP_PORT", 25),
        "sender": environ.get("DMP_SMTP_FROM", "ne-pas-repondre@dmp.example"),
        "username": environ.get("DMP_SMTP_USER") or None,
        "password": environ.get("DMP_SMTP_PASSWORD") or None,
        "starttls": environ.get("DMP_SMTP_STARTTLS", "").lower() in ("1", "true", "yes", "oui"),
    }
