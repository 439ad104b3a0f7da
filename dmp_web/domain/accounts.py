"""The patient's account: password, lock-out, one-time codes, first connection.

Pure rules: every function takes `now` and returns a result; nothing here reads a clock or a file.

Longer than 300 lines: the password, lock-out, code and first-connection rules all act on Account.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from .credentials import (
    hash_secret, hash_short_lived, new_link_token, new_otp, spend_a_check, token_digest, verify_secret, without_spaces,
)

OTP_VALIDITY = timedelta(minutes=10)
OTP_MAX_TRIES = 5
OTP_RESEND_AFTER = timedelta(seconds=60)
OTP_MAX_PER_DAY = 10  # codes of any kind an account receives in 24 hours: no flood of SMS
# Wrong passwords slow the next try down instead of locking the account: a lock that anyone who
# knows an identifier can trigger would keep its owner out. The first few cost nothing, then the
# wait doubles up to 30 seconds; the owner is told at the fifth in a row.
PASSWORD_FREE_FAILURES = 3
PASSWORD_MAX_DELAY = timedelta(seconds=30)
PASSWORD_WARN_AFTER = 5
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
PASSWORD_MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is «safely unguessable» for an online attack
# A session ends after the idle time of the settings, and in any case this long after it began.
SESSION_MAX_AGE = timedelta(hours=12)
# A form posted after its session ended is kept this long, for its account only.
KEPT_FORM_FOR = timedelta(hours=1)
# First connection: 1 personal data, 2 connection data, 3 emergency access, then done.
FIRST_CONNECTION_DONE = 4


def session_owner(kind: str, key: str, slot: str = "") -> str:
    """Whose a session is: «patient:<dossier id>», «patient:<dossier id>:r2» for a second legal
    representative, or «pro:<login id>» (also the login's user id)."""
    return f"{kind}:{key}:{slot}" if slot else f"{kind}:{key}"


def password_delay(failures: int) -> timedelta:
    """How long after this many wrong passwords in a row the next one can be tried."""
    if failures < PASSWORD_FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - PASSWORD_FREE_FAILURES, 16)  # past 2 ** 5 seconds, the cap holds anyway
    return min(timedelta(seconds=2 ** doublings), PASSWORD_MAX_DELAY)


class PasswordCheck(Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"  # tried again before the delay of the last wrong passwords: not checked


class CodeCheck(Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # too many wrong tries: the code is void
    MISSING = "missing"  # no code was sent, or it was already used


class TooSoon(Exception):
    def __init__(self, seconds_left: int):
        super().__init__(seconds_left)
        self.seconds_left = seconds_left


class TooMany(TooSoon):
    """OTP_MAX_PER_DAY codes went out in the last 24 hours; seconds_left: until the oldest is older."""


@dataclass
class OneTimeCode:
    code_hash: str
    sent_at: datetime
    expires_at: datetime
    purpose: str  # "login" or "reset"
    tries: int = 0


@dataclass
class Activation:
    """A single-use link to choose a first password (professionals and desk agents)."""

    token_digest: str
    expires_at: datetime

    VALIDITY = timedelta(hours=72)


class ActivationCheck(Enum):
    OK = "ok"
    EXPIRED = "expired"
    MISSING = "missing"  # never sent, already used, or replaced by a newer link


@dataclass
class Account:
    login_id: str
    dossier_id: str
    password_hash: str
    # which of the dossier's accounts: "" the first (the holder's, or a minor's first legal
    # representative's), "r2" a second representative's (domain/representatives.py)
    slot: str = ""
    mobile: str = ""
    email: str = ""
    otp_channel: str = "sms"
    first_connection_step: int = 1
    failed_passwords: int = 0
    locked_until: datetime | None = None
    otp: OneTimeCode | None = None
    password_changed_at: datetime | None = None
    activation: Activation | None = None
    deactivated_at: datetime | None = None  # an operator removed this access: it never logs in again
    otp_sends: list[datetime] = field(default_factory=list)  # codes sent in the last 24 hours

    # -- password -----------------------------------------------------------------------------
    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def on_initial_password(self) -> bool:
        """Still on the initial password of the credential letter: it is stored by its hash
        alone when the DMP opens, and every password chosen later goes through `set_password`,
        which dates it."""
        return self.password_changed_at is None

    def try_password(self, password: str, now: datetime) -> PasswordCheck:
        """Check a password. After wrong ones, a try before the delay is not checked (LOCKED):
        a guesser gets at most one try per delay. An account without a password yet (activation
        link not used) answers as a wrong one, in as long as a real check.

        The initial password is printed in groups of 4 («78AZ K2KG SWWF»): typed so, it is
        the same password, so its spaces are dropped, and a wrong one still counts as wrong. Only
        the initial one: its letters (CODE_ALPHABET) have no space, while a chosen password may
        have some («un jardin de roses en hiver»), and they are then part of it."""
        if self.on_initial_password:
            password = without_spaces(password)
        if self.locked(now):
            spend_a_check(password)  # as long as a check: the answer's time tells nothing
            return PasswordCheck.LOCKED
        if not self.password_hash:
            spend_a_check(password)
            return PasswordCheck.WRONG
        if verify_secret(password, self.password_hash):
            self.failed_passwords = 0
            self.locked_until = None
            return PasswordCheck.OK
        self.failed_passwords += 1
        delay = password_delay(self.failed_passwords)
        self.locked_until = now + delay if delay else None
        return PasswordCheck.WRONG

    @property
    def warn_of_failures(self) -> bool:
        """This wrong password is the one after which the owner is told."""
        return self.failed_passwords == PASSWORD_WARN_AFTER

    def set_password(self, new_password: str, now: datetime) -> None:
        self.password_hash = hash_secret(new_password)
        self.password_changed_at = now
        self.failed_passwords = 0
        self.locked_until = None

    def set_initial_password(self, initial_password: str) -> None:
        """A new initial password (a new credential letter): undated, like the first one, so it is
        taken with or without the spaces of its printed groups (`on_initial_password`)."""
        self.password_hash = hash_secret(initial_password)
        self.password_changed_at = None
        self.failed_passwords = 0
        self.locked_until = None

    # -- activation by a link, for accounts created by an operator ---------------------------
    def issue_activation(self, now: datetime) -> str:
        """A new link token (any older link stops working); only its digest is kept."""
        token = new_link_token()
        self.activation = Activation(token_digest(token), now + Activation.VALIDITY)
        return token

    def check_activation(self, token: str, now: datetime) -> ActivationCheck:
        if self.activation is None or self.deactivated_at is not None:
            return ActivationCheck.MISSING
        if token_digest(token) != self.activation.token_digest:
            return ActivationCheck.MISSING
        if now >= self.activation.expires_at:
            return ActivationCheck.EXPIRED
        return ActivationCheck.OK

    def activate(self, new_password: str, now: datetime) -> None:
        """The first password is chosen: the link is used up."""
        self.set_password(new_password, now)
        self.activation = None
        self.first_connection_step = FIRST_CONNECTION_DONE

    def deactivate(self, now: datetime) -> None:
        self.deactivated_at = now
        self.activation = None
        self.otp = None

    # -- one-time codes ------------------------------------------------------------------------
    def issue_otp(self, purpose: str, now: datetime, pepper: bytes) -> str:
        """A new 8-digit code (the old one is void); not twice within 60 seconds. But a code for
        something else (a new phone) never keeps a login code from going: a login page that said
        «nous avons envoyé un code» would then lie."""
        self.otp_sends = [at for at in self.otp_sends if now - at < timedelta(days=1)]
        if len(self.otp_sends) >= OTP_MAX_PER_DAY:
            raise TooMany(int((self.otp_sends[0] + timedelta(days=1) - now).total_seconds()) + 1)
        recent = self.otp is not None and now < self.otp.sent_at + OTP_RESEND_AFTER
        if recent and (self.otp.purpose == purpose or purpose != "login"):
            left = self.otp.sent_at + OTP_RESEND_AFTER - now
            raise TooSoon(max(1, int(left.total_seconds())))
        code = new_otp()
        self.otp = OneTimeCode(hash_short_lived(code, pepper), now, now + OTP_VALIDITY, purpose)
        self.otp_sends.append(now)
        return code

    def try_otp(self, typed: str, purpose: str, now: datetime, pepper: bytes) -> CodeCheck:
        """Check a one-time code: valid 10 minutes, once, and void after 5 wrong tries."""
        otp = self.otp
        if otp is None or otp.purpose != purpose:
            return CodeCheck.MISSING
        if now >= otp.expires_at:
            return CodeCheck.EXPIRED
        if otp.tries >= OTP_MAX_TRIES:
            return CodeCheck.EXHAUSTED
        if typed.isdigit() and len(typed) == 8 and verify_secret(typed, otp.code_hash, pepper):
            self.otp = None  # works once
            return CodeCheck.OK
        otp.tries += 1
        return CodeCheck.EXHAUSTED if otp.tries >= OTP_MAX_TRIES else CodeCheck.WRONG

    def otp_tries_left(self) -> int:
        return OTP_MAX_TRIES - self.otp.tries if self.otp else 0

    def otp_channels(self) -> list[str]:
        """The ways login codes can reach this person: «sms» with a mobile, «email» with an e-mail."""
        return [channel for channel, contact in (("sms", self.mobile), ("email", self.email)) if contact]

    @property
    def first_connection_done(self) -> bool:
        return self.first_connection_step >= FIRST_CONNECTION_DONE


def password_problems(new_password: str, login_id: str, current_hash: str | None = None,
                      personal: tuple[str, ...] = ()) -> list[str]:
    """Why a new password is refused: 'short', 'long', 'identifier', 'personal' (the person's
    names, NIR, birth date), 'repeated' (aaaa, 1234, azerty), 'common' (a list of the most used
    passwords), 'guessable' (too few guesses to find it), 'same'."""
    problems = []
    if len(new_password) < PASSWORD_MIN_LENGTH:
        problems.append("short")
    if len(new_password) > PASSWORD_MAX_LENGTH:
        problems.append("long")
    if login_id and login_id.lower() in new_password.lower():
        problems.append("identifier")
    if not problems:
        weakness = password_weakness(new_password, (login_id, *personal))
        if weakness:
            problems.append(weakness)
    if current_hash and not problems and verify_secret(new_password, current_hash):
        problems.append("same")
    return problems


def password_weakness(password: str, personal: tuple[str, ...]) -> str | None:
    """'personal', 'repeated', 'common' or 'guessable' when the password is easy to guess, from
    zxcvbn's estimate (its lists of common passwords, names and words, and its patterns)."""
    from zxcvbn import zxcvbn

    words = [w for w in personal if w and len(w) >= 3]
    found = zxcvbn(password, user_inputs=[w.lower() for w in words])
    matches = found["sequence"]
    if any(m.get("dictionary_name") == "user_inputs" and len(m["token"]) >= 4 for m in matches):
        return "personal"
    if found["score"] >= PASSWORD_MIN_SCORE:
        return None
    longest = max(matches, key=lambda m: len(m["token"]))
    if longest["pattern"] in ("repeat", "sequence", "spatial"):
        return "repeated"
    if longest.get("dictionary_name") == "passwords":
        return "common"
    return "guessable"


@dataclass
class EarlierCode:
    """A creation code sent before the current one, and still good until its own end."""

    code_hash: str
    expires_at: datetime


@dataclass
class Send:
    at: datetime
    channel: str  # "email" or "post"


# Strangers who know a NIR must not flood its owner, nor void the code they are waiting for:
# a few e-mails a day, one letter a week, and a new request never voids a code still good.
CREATION_CODE_EMAILS_PER_DAY = 3
CREATION_CODE_LETTERS_PER_WEEK = 1
CREATION_CODES_KEPT = 3  # the current code and the 2 before it stay good until their own end


@dataclass
class CreationCode:
    """The code that lets a person create their DMP online: 60 days, once, 5 tries in all."""

    nir: str
    code_hash: str
    issued_at: datetime
    expires_at: datetime
    channel: str  # "email" or "post"
    tries: int = 0
    used_at: datetime | None = None
    earlier: list[EarlierCode] = field(default_factory=list)
    sends: list[Send] = field(default_factory=list)  # those of the last week, for the caps

    VALIDITY = timedelta(days=60)
    MAX_TRIES = 5

    def may_send(self, channel: str, now: datetime) -> bool:
        """Another code may go by this channel now (the daily and weekly caps)."""
        if channel == "post":
            recent = [s for s in self.sends if s.channel == "post" and now - s.at < timedelta(days=7)]
            return len(recent) < CREATION_CODE_LETTERS_PER_WEEK
        recent = [s for s in self.sends if s.channel == "email" and now - s.at < timedelta(days=1)]
        return len(recent) < CREATION_CODE_EMAILS_PER_DAY

    def renewed(self, code_hash: str, channel: str, now: datetime) -> CreationCode:
        """A new current code; the ones still good stay good (at most CREATION_CODES_KEPT)."""
        kept = [] if self.used_at else [c for c in (EarlierCode(self.code_hash, self.expires_at), *self.earlier)
                                        if c.expires_at > now][: CREATION_CODES_KEPT - 1]
        return CreationCode(
            self.nir, code_hash, now, now + self.VALIDITY, channel, tries=0 if self.used_at else self.tries,
            earlier=kept, sends=[s for s in self.sends if now - s.at < timedelta(days=7)] + [Send(now, channel)],
        )

    def check(self, typed: str, now: datetime) -> CodeCheck:
        if self.used_at is not None:
            return CodeCheck.MISSING
        good = [c for c in (EarlierCode(self.code_hash, self.expires_at), *self.earlier) if now < c.expires_at]
        if not good:
            return CodeCheck.EXPIRED
        if self.tries >= self.MAX_TRIES:
            return CodeCheck.EXHAUSTED
        if any(verify_secret(typed, c.code_hash) for c in good):
            return CodeCheck.OK
        self.tries += 1
        return CodeCheck.EXHAUSTED if self.tries >= self.MAX_TRIES else CodeCheck.WRONG


def first_creation_code(nir: str, code_hash: str, channel: str, now: datetime) -> CreationCode:
    return CreationCode(nir, code_hash, now, now + CreationCode.VALIDITY, channel, sends=[Send(now, channel)])
