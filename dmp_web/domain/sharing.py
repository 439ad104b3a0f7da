"""Sharing codes («code de partage»): the patient gives one professional outside the care team a
code that opens the DMP once, within that professional's rights, for 24 hours.

The patient makes a code of 8 characters (no look-alikes), shown once in 2 groups of 4 and valid
24 hours. A professional types it with the patient's birth date: the code is used, and a `Share`
lets that professional read as the care team does (the matrix, never more) for 24 hours.

The dossier keeps only the code's digest: an HMAC under the server's one-time-code pepper, which
is never in the store, so a copy of the store cannot be tried against the 31^8 (about 8.5 × 10^11)
codes. Being the same for the same code, the digest keys the index that finds the dossier.

At most 3 live codes per dossier: a patient may see several professionals in one day (a
pharmacist, a nurse, a lab), but each live code is one more chance for a guessed code to hit, and
a stolen session must not fill the index. Cancelling a code frees its place.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .credentials import CODE_ALPHABET, normalize_code

if TYPE_CHECKING:  # pragma: no cover
    from .dossier import Dossier

SHARING_CODE_LENGTH = 8
CODE_VALIDITY = timedelta(hours=24)  # a code not used by then no longer works
SHARE_DURATION = timedelta(hours=24)  # how long a used code opens the DMP to its professional
MAX_LIVE_CODES = 3


@dataclass
class SharingCode:
    """One code the patient made: its digest, never the code."""

    id: str  # names the code on the patient's page (the cancel button), says nothing of the code
    digest: str
    made_at: datetime
    expires_at: datetime
    used_by: str = ""  # the RPPS number of the professional who used it
    used_at: datetime | None = None
    cancelled_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """Can it still be used: not used, not cancelled, not expired."""
        return not self.used_by and self.cancelled_at is None and self.made_at <= now < self.expires_at


@dataclass
class Share:
    """A professional who used a code: they read as the care team does until `until`."""

    rpps: str
    since: datetime
    until: datetime

    def active(self, now: datetime) -> bool:
        return self.since <= now < self.until


def new_sharing_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SHARING_CODE_LENGTH))


def well_formed(typed: str) -> str | None:
    """The code as typed (spaces, dashes and case do not matter), or None if it cannot be one."""
    code = normalize_code(typed)
    if len(code) != SHARING_CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def code_digest(code: str, pepper: bytes) -> str:
    """How a code is kept and looked up: the same digest for the same code, under the pepper."""
    if not isinstance(pepper, bytes) or len(pepper) < 32:
        raise ValueError("a sharing code is hashed with a server key of at least 32 bytes")
    return hmac.new(pepper, b"sharing-code|" + code.encode("ascii"), hashlib.sha256).hexdigest()


def live_codes(dossier: Dossier, now: datetime) -> list[SharingCode]:
    return [code for code in dossier.sharing_codes if code.live(now)]


def active_shares(dossier: Dossier, now: datetime) -> list[Share]:
    return [share for share in dossier.shares if share.active(now)]


def shared_with(dossier: Dossier, rpps: str, now: datetime) -> bool:
    """Does a used code open the dossier to this professional now? (the access policy asks)"""
    return any(share.rpps == rpps and share.active(now) for share in dossier.shares)


def may_make_code(dossier: Dossier, now: datetime) -> bool:
    return len(live_codes(dossier, now)) < MAX_LIVE_CODES


def make_code(dossier: Dossier, now: datetime, pepper: bytes) -> tuple[str, SharingCode]:
    """A new code on the dossier (the caller checked `may_make_code`): the code, to show once, and its record."""
    code = new_sharing_code()
    record = SharingCode(secrets.token_hex(8), code_digest(code, pepper), now, now + CODE_VALIDITY)
    dossier.sharing_codes.append(record)
    return code, record


def find_code(dossier: Dossier, digest: str) -> SharingCode | None:
    return next((code for code in dossier.sharing_codes if hmac.compare_digest(code.digest, digest)), None)


def use_code(dossier: Dossier, record: SharingCode, rpps: str, now: datetime) -> Share:
    """The professional used a live code: it is spent, and they may read for 24 hours."""
    record.used_by, record.used_at = rpps, now
    share = Share(rpps, now, now + SHARE_DURATION)
    dossier.shares.append(share)
    return share


def prune(dossier: Dossier, now: datetime) -> list[str]:
    """Drop the codes that can no longer be used and the shares that ended (the journal keeps
    what happened); the digests dropped, whose index entries can go too."""
    dead = [code for code in dossier.sharing_codes if not code.live(now)]
    dossier.sharing_codes = [code for code in dossier.sharing_codes if code.live(now)]
    dossier.shares = [share for share in dossier.shares if now < share.until]
    return [code.digest for code in dead]
