"""Configuration read from DMP_* environment variables, checked before the app starts.

The default environment is "production": a machine that forgets to say otherwise gets secure
cookies and refuses to start without its secrets. Every variable is checked, and every problem
is reported at once, one line each: no value falls back silently to a default, so a typo
(`DMP_SMTP_STARTTLS=ture`, `DMP_SESION_IDLE_MINUTES`) stops the start instead of being ignored.
`flask --app app check-config` prints the same lines.

Longer than 300 lines: one reader and one check per DMP_* variable, all reported at once.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .domain.help_line import DEFAULT_HOURS, DEFAULT_PHONE, HelpLine

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("production", "development", "testing")
SECRET_KEY_MIN_LENGTH = 32

# The only words a yes/no setting accepts (case does not matter).
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")

# name -> (lowest, highest) for the numbers: nothing negative that would mean « forever ».
RANGES = {
    "DMP_SESSION_IDLE_MINUTES": (1, 240),
    "DMP_LOCK_TIMEOUT_SECONDS": (0.1, 300),
    "DMP_SMTP_PORT": (1, 65535),
    "DMP_PORT": (1, 65535),
    "DMP_TRUSTED_PROXIES": (0, 5),
    "DMP_WORKERS": (1, 64),
    "DMP_WORKER_THREADS": (1, 16),
}
# Read by scripts/run.sh and gunicorn.conf.py, not by the app; checked here all the same.
SERVER_SETTINGS = ("DMP_PORT", "DMP_BIND", "DMP_WORKERS")
KNOWN = (
    "DMP_ENV", "DMP_SECRET_KEY", "DMP_DATA_KEYS", "DMP_JOURNAL_KEY", "DMP_LEGACY_SEALING_SECRET", "DMP_DATA_DIR",
    "DMP_EXPORTS_DIR", "DMP_SESSION_IDLE_MINUTES", "DMP_LOCK_TIMEOUT_SECONDS", "DMP_CONTACT_EMAIL",
    "DMP_SITE_URL", "DMP_SMTP_HOST", "DMP_SMTP_PORT", "DMP_SMTP_FROM", "DMP_SMTP_USER",
    "DMP_SMTP_PASSWORD", "DMP_SMTP_STARTTLS", "DMP_SMS_EMAIL_DOMAIN", "DMP_TRUSTED_PROXIES",
    "DMP_RATELIMIT_STORAGE_URL", "DMP_WORKER_EMBEDDED", "DMP_WORKER_THREADS", "DMP_DATABASE_URL",
    "DMP_HELP_PHONE", "DMP_HELP_HOURS",
    *SERVER_SETTINGS,
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
_BIND = re.compile(r"^(unix:/\S+|[\w.:\[\]-]+:\d{1,5})$")


class SettingsError(RuntimeError):
    """The configuration cannot run safely; `problems` holds one sentence per problem."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Settings:
    env: str = "production"
    # Secrets stay out of the repr, so a traceback or a log line never prints them.
    secret_key: str | None = field(default=None, repr=False)
    data_keys: tuple[str, ...] = field(default=(), repr=False)  # DMP_DATA_KEYS: newest first
    journal_key: str | None = field(default=None, repr=False)  # DMP_JOURNAL_KEY: chains the journals
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
    trusted_proxies: int = 0  # how many proxies in front of the app set X-Forwarded-* (ProxyFix)
    # where the rate limits count: memory (one process) or redis://… (several workers or servers)
    ratelimit_storage_url: str = "memory://"
    workers: int | None = None  # DMP_WORKERS, read by gunicorn.conf.py
    # The background worker (copies, booklets): inside the web process (the development server),
    # or its own command, `flask --app app worker`, beside the web servers (production).
    worker_embedded: bool = False
    worker_threads: int = 2  # jobs made at once by one worker
    # DMP_DATABASE_URL: the PostgreSQL store, for several servers (its password stays out of logs)
    database_url: str | None = field(default=None, repr=False)
    # The help line printed on letters, guides, the contact and error pages (domain/help_line.py)
    help_phone: str = DEFAULT_PHONE
    help_hours: str = DEFAULT_HOURS

    @property
    def help_line(self) -> HelpLine:
        return HelpLine(self.help_phone, self.help_hours)

    @property
    def is_development(self) -> bool:
        return self.env in ("development", "testing")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> Settings:
        """Read and check every DMP_* variable; SettingsError lists every problem at once."""
        reader = _Reader(os.environ if environ is None else environ)
        env = reader.choice("DMP_ENV", ENVIRONMENTS, "production")
        starttls = reader.boolean("DMP_SMTP_STARTTLS", False)
        smtp_port = reader.number("DMP_SMTP_PORT", 25, int)
        smtp = None
        if reader.text("DMP_SMTP_HOST"):
            smtp = {
                "host": reader.text("DMP_SMTP_HOST"),
                "port": smtp_port,
                "sender": reader.text("DMP_SMTP_FROM") or (
                    "" if env == "production" else "ne-pas-repondre@dmp.example"),
                "username": reader.text("DMP_SMTP_USER"),
                "password": reader.text("DMP_SMTP_PASSWORD"),
                "starttls": starttls,
            }
        # Read by the server around the app, checked here all the same; in development the site's
        # address (printed in letters and e-mails) follows it.
        port = reader.number("DMP_PORT", 5000, int)
        reader.bind("DMP_BIND")
        settings = cls(
            env=env,
            secret_key=reader.text("DMP_SECRET_KEY"),
            data_keys=tuple(k.strip() for k in (reader.text("DMP_DATA_KEYS") or "").split(",") if k.strip()),
            journal_key=reader.text("DMP_JOURNAL_KEY"),
            legacy_sealing_secret=reader.text("DMP_LEGACY_SEALING_SECRET"),
            data_dir=Path(reader.text("DMP_DATA_DIR") or (cls.data_dir if env != "production" else "")),
            exports_dir=Path(reader.text("DMP_EXPORTS_DIR") or (cls.exports_dir if env != "production" else "")),
            session_idle_minutes=reader.number("DMP_SESSION_IDLE_MINUTES", 15, int),
            lock_timeout_seconds=reader.number("DMP_LOCK_TIMEOUT_SECONDS", 30.0, float),
            contact_email=reader.text("DMP_CONTACT_EMAIL") or ("" if env == "production" else cls.contact_email),
            site_url=(reader.text("DMP_SITE_URL") or ("" if env == "production" else f"http://127.0.0.1:{port}")
                      ).rstrip("/"),
            smtp=smtp,
            sms_email_domain=reader.text("DMP_SMS_EMAIL_DOMAIN"),
            trusted_proxies=reader.number("DMP_TRUSTED_PROXIES", 0, int),
            ratelimit_storage_url=reader.text("DMP_RATELIMIT_STORAGE_URL") or (
                "" if env == "production" else cls.ratelimit_storage_url),
            workers=reader.number("DMP_WORKERS", None, int),
            worker_embedded=reader.boolean("DMP_WORKER_EMBEDDED", env == "development"),
            worker_threads=reader.number("DMP_WORKER_THREADS", 2, int),
            database_url=reader.text("DMP_DATABASE_URL"),
            help_phone=reader.text("DMP_HELP_PHONE") or DEFAULT_PHONE,
            help_hours=reader.text("DMP_HELP_HOURS") or DEFAULT_HOURS,
        )
        reader.unknown_names()
        problems = reader.problems + [p for p in settings.problems() if p not in reader.problems]
        if problems:
            raise SettingsError(problems)
        return settings

    def problems(self) -> list[str]:
        """What makes these settings unsafe to run, one French sentence each (empty: all good)."""
        found = self._value_problems() + self._data_key_problems()
        if not self.is_development:
            found += self._outside_development_problems()
        if self.is_production:
            found += self._production_problems()
        return found

    def _value_problems(self) -> list[str]:
        """Values that are wrong whatever the environment."""
        from .notify.messages import is_plain_address

        found = []
        if self.env not in ENVIRONMENTS:
            found.append(f"DMP_ENV : « {self.env} » n’est pas un environnement connu ({', '.join(ENVIRONMENTS)}).")
        if self.secret_key is not None and len(self.secret_key) < SECRET_KEY_MIN_LENGTH:
            found.append(f"DMP_SECRET_KEY : la clé doit avoir au moins {SECRET_KEY_MIN_LENGTH} caractères.")
        if self.database_url is not None and not self.database_url.startswith(("postgresql://", "postgres://")):
            found.append("DMP_DATABASE_URL : écrivez postgresql://utilisateur@hôte:port/base.")
        url = urlsplit(self.site_url)
        # outside development, a missing address has its own message (see below)
        if (not self.is_production and (self.site_url or self.is_development)
                and (url.scheme not in ("http", "https") or not url.netloc)):
            found.append("DMP_SITE_URL : l’adresse doit commencer par http:// ou https://.")
        if url.query or url.fragment:
            found.append("DMP_SITE_URL : l’adresse ne doit avoir ni « ? » ni « # ».")
        storage = urlsplit(self.ratelimit_storage_url)
        if self.ratelimit_storage_url and (storage.scheme not in ("memory", "redis", "rediss")
                                           or (storage.scheme != "memory" and not storage.hostname)):
            found.append("DMP_RATELIMIT_STORAGE_URL : écrivez memory:// ou redis://hôte:port.")
        if self.contact_email and not is_plain_address(self.contact_email):
            found.append("DMP_CONTACT_EMAIL : ce n’est pas une adresse e-mail simple.")
        if self.sms_email_domain and not _DOMAIN.match(self.sms_email_domain):
            found.append("DMP_SMS_EMAIL_DOMAIN : ce n’est pas un nom de domaine.")
        return found + self.help_line.problems() + self._smtp_problems()

    def _smtp_problems(self) -> list[str]:
        from .notify.messages import is_plain_address

        if not self.smtp:
            return []
        found = []
        if self.smtp["sender"] and not is_plain_address(self.smtp["sender"]):
            found.append("DMP_SMTP_FROM : ce n’est pas une adresse e-mail simple.")
        if bool(self.smtp["username"]) != bool(self.smtp["password"]):
            found.append("DMP_SMTP_USER et DMP_SMTP_PASSWORD vont ensemble : donnez les 2 ou aucun.")
        if self.smtp["password"] and not self.smtp["starttls"] and not self.is_development:
            found.append("DMP_SMTP_STARTTLS : le mot de passe SMTP partirait en clair ; mettez DMP_SMTP_STARTTLS=1.")
        return found

    def _outside_development_problems(self) -> list[str]:
        """Anywhere but on a developer's machine (DMP_ENV=production): real secrets and keys, an https
        address, real senders."""
        found = []
        if not self.secret_key:
            found.append("DMP_SECRET_KEY : obligatoire hors développement (elle signe les sessions).")
        if not self.data_keys:
            found.append("DMP_DATA_KEYS : obligatoire hors développement (créez une clé avec "
                         "python -m dmp_web.store.crypto).")
        if not self.journal_key:
            found.append("DMP_JOURNAL_KEY : obligatoire hors développement (créez une clé avec "
                         "python -m dmp_web.store.crypto ; elle n’est pas une clé de DMP_DATA_KEYS).")
        url = urlsplit(self.site_url)
        if not self.site_url:
            found.append("DMP_SITE_URL : obligatoire hors développement (l’adresse publique du site, en https://).")
        elif url.scheme != "https" or not url.netloc:
            found.append("DMP_SITE_URL : hors développement, l’adresse doit commencer par https://.")
        if not self.smtp:
            found.append("DMP_SMTP_HOST : obligatoire hors développement (sinon aucun e-mail ne part).")
        if not self.sms_email_domain:
            found.append("DMP_SMS_EMAIL_DOMAIN : obligatoire hors développement (sinon aucun SMS ne part).")
        return found

    def _production_problems(self) -> list[str]:
        """No default of the code's own folder or invented address in production."""
        found = []
        if not self.ratelimit_storage_url:
            found.append("DMP_RATELIMIT_STORAGE_URL : obligatoire en production (redis://hôte:port, "
                         "partagé par tous les serveurs).")
        elif urlsplit(self.ratelimit_storage_url).scheme == "memory" and self.workers != 1:
            found.append("DMP_RATELIMIT_STORAGE_URL : memory:// compte dans chaque processus ; avec plusieurs "
                         "processus (DMP_WORKERS), donnez redis://hôte:port.")
        for name, folder in (("DMP_DATA_DIR", self.data_dir), ("DMP_EXPORTS_DIR", self.exports_dir)):
            if not folder.is_absolute():
                found.append(f"{name} : obligatoire en production, avec un chemin complet (qui commence par /).")
        if not self.contact_email:
            found.append("DMP_CONTACT_EMAIL : obligatoire en production (l’adresse montrée aux usagers).")
        if self.smtp and not self.smtp["sender"]:
            found.append("DMP_SMTP_FROM : obligatoire en production (l’expéditeur des e-mails).")
        return found

    def _data_key_problems(self) -> list[str]:
        from .store.crypto import decode_key

        found = []
        for key in self.data_keys:
            try:
                decode_key(key)
            except ValueError as exc:
                found.append(f"DMP_DATA_KEYS : {exc}")
                break
        if self.journal_key:
            try:
                decode_key(self.journal_key)
            except ValueError as exc:
                found.append(f"DMP_JOURNAL_KEY : {exc}")
            if self.journal_key.strip() in self.data_keys:
                found.append("DMP_JOURNAL_KEY : c’est une clé de DMP_DATA_KEYS ; prenez une clé à part.")
        return found

    def resolved_secret_key(self) -> str:
        """The secret key; in development, one kept in the data folder so sessions survive restarts."""
        if self.secret_key:
            if len(self.secret_key) < SECRET_KEY_MIN_LENGTH:
                raise SettingsError(f"DMP_SECRET_KEY : la clé doit avoir au moins {SECRET_KEY_MIN_LENGTH} caractères.")
            return self.secret_key
        if not self.is_development:
            raise SettingsError("DMP_SECRET_KEY : obligatoire hors développement (elle signe les sessions).")
        return _kept_secret(self.data_dir / ".dev-secret-key", lambda: secrets.token_urlsafe(48))

    def resolved_data_keys(self) -> list[bytes]:
        """The keys that seal health data at rest, newest first: the first seals, all open.

        They are not DMP_SECRET_KEY (which signs sessions): either can change without the other.
        In development, one key is kept in the data folder, beside the data it opens."""
        from .store.crypto import Sealer, decode_key, encode_key

        if self.data_keys:
            try:
                return [decode_key(key) for key in self.data_keys]
            except ValueError as exc:
                raise SettingsError(f"DMP_DATA_KEYS : {exc}") from None
        if not self.is_development:
            raise SettingsError("DMP_DATA_KEYS : obligatoire hors développement (créez une clé avec "
                                "python -m dmp_web.store.crypto).")
        return [decode_key(_kept_secret(self.data_dir / ".dev-data-key", lambda: encode_key(Sealer.generate_key())))]

    def resolved_journal_key(self) -> bytes:
        """The key that chains the journals (HMAC). It never rotates with the data keys: the
        entries it chained keep their MAC. In development, one is kept in the data folder."""
        from .store.crypto import Sealer, decode_key, encode_key

        if self.journal_key:
            try:
                return decode_key(self.journal_key)
            except ValueError as exc:
                raise SettingsError(f"DMP_JOURNAL_KEY : {exc}") from None
        if not self.is_development:
            raise SettingsError("DMP_JOURNAL_KEY : obligatoire hors développement.")
        return decode_key(_kept_secret(self.data_dir / ".dev-journal-key", lambda: encode_key(Sealer.generate_key())))

    def legacy_sealing_secrets(self) -> tuple[str, ...]:
        """Secrets that sealed data before DMP_DATA_KEYS: opened, never used to seal. In
        development, the generated session secret did, so a data folder of an earlier version
        still opens (and `flask reseal-data` moves it to the data key)."""
        if self.legacy_sealing_secret:
            return (self.legacy_sealing_secret,)
        return (self.resolved_secret_key(),) if self.is_development else ()


def server_settings(environ) -> tuple[str, int | None]:
    """DMP_BIND and DMP_WORKERS for gunicorn.conf.py, checked like the others (SettingsError)."""
    reader = _Reader(environ)
    reader.bind("DMP_BIND")
    workers = reader.number("DMP_WORKERS", None, int)
    if reader.problems:
        raise SettingsError(reader.problems)
    return reader.text("DMP_BIND") or "127.0.0.1:8000", workers


# Files of development secrets, kept in the data folder; a backup leaves them out.
DEVELOPMENT_SECRET_FILES = (".dev-secret-key", ".dev-data-key", ".dev-journal-key")


def _kept_secret(key_file: Path, make) -> str:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(make())
    return key_file.read_text().strip()


class _Reader:
    """Reads DMP_* variables and keeps a French sentence for each one that is wrong."""

    def __init__(self, environ):
        self.environ = environ
        self.problems: list[str] = []

    def _raw(self, name: str) -> str | None:
        raw = self.environ.get(name)
        if raw is not None and not raw.strip():
            self._problem(f"{name} : la variable est vide ; donnez une valeur ou retirez-la.")
            return None
        return raw

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    def text(self, name: str) -> str | None:
        raw = self._raw(name)
        return raw.strip() if raw is not None else None

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() not in allowed:
            self._problem(f"{name} : « {raw} » n’est pas permis ; choisissez parmi {', '.join(allowed)}.")
            return default
        return raw.lower()

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        self._problem(f"{name} : « {raw} » n’est pas un oui ou un non ; écrivez "
                      f"{'/'.join(TRUE_WORDS)} ou {'/'.join(FALSE_WORDS)}.")
        return default

    def number(self, name: str, default, kind):
        raw = self.text(name)
        if raw is None:
            return default
        low, high = RANGES[name]
        try:
            value = kind(raw)
        except ValueError:
            self._problem(f"{name} : « {raw} » n’est pas un nombre{' entier' if kind is int else ''}.")
            return default
        if not low <= value <= high:
            self._problem(f"{name} : {raw} est hors des limites ; donnez un nombre de {low} à {high}.")
            return default
        return value

    def bind(self, name: str) -> None:
        raw = self.text(name)
        if raw is not None and not _BIND.match(raw):
            self._problem(f"{name} : « {raw} » n’est pas une adresse d’écoute (hôte:port ou unix:/chemin).")

    def unknown_names(self) -> None:
        for name in sorted(self.environ):
            if name.startswith("DMP_") and name not in KNOWN:
                self._problem(f"{name} : ce réglage n’existe pas (une faute de frappe ?).")
