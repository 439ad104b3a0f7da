"""The access history: append-only entries, each sealed with the hash of the one before.

Changing or removing an old entry breaks every hash after it, which `verify_chain` finds.
The free-text fields (who by name, why, what) can be stored as one sealed token: the hash then
covers the token, so the chain is checked without any key, and rotating the data keys (which
re-wraps the key of the token, never the token) leaves it whole.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Callable

GENESIS = "0" * 64

# The fields that may tell of the care or of a person, sealed together when a sealer is given.
PRIVATE_FIELDS = ("actor_name", "reason", "detail")

# Actions written to the journal. The patient reads them as sentences (see the history page).
ACTIONS = {
    "dossier_created",
    "creation_code_sent",
    "creation_code_requested",
    "dossier_creation_refused",
    "login_password_ok",
    "login_password_wrong",
    "login_locked",
    "otp_sent",
    "otp_wrong",
    "otp_void",
    "login_succeeded",
    "logout",
    "session_expired",
    "password_changed",
    "password_reset_requested",
    "identifier_sent",
    "contact_changed",
    "otp_channel_changed",
    "emergency_access_set",
    "first_connection_done",
    "other_sessions_ended",
    # decisions of the access policy (domain/access.py), allowed or refused
    "read_dossier",
    "list_documents",
    "read_document",
    "write_document",
    "release_document",
    "hide_document",
    "export",
    "dossier_closed",
    "dossier_reopened",
    "manage",
    "create_dossier",
    # emergency accesses opened
    "break_glass",
    "regulator_access",
    # the Assurance Maladie's file added reimbursements, or dropped those older than 24 months
    "reimbursements_updated",
}


# What operators did with the `flask` commands: the operators' journal, chained the same way.
OPERATOR_ACTIONS = {
    "demo_data_loaded",
    "directory_imported",
    "activation_sent",
    "desk_agent_added",
    "actor_deactivated",
    "register_imported",
    "reimbursements_imported",
    "closed_dossiers_purged",
    "data_resealed",
    "backup_made",
    "backup_restored",
    "sessions_purged",
    "letter_taken",
    "letter_printed",
    "letters_purged",
}


@dataclass(frozen=True)
class Actor:
    kind: str  # "holder", "legal_representative", "professional", "desk_agent", "system", "anonymous"
    id: str
    name: str


@dataclass(frozen=True)
class JournalEntry:
    at: datetime
    actor_kind: str
    actor_id: str
    actor_name: str
    action: str
    allowed: bool
    reason: str
    detail: str
    emergency: bool
    prev_hash: str
    hash: str
    sealed: str = ""  # PRIVATE_FIELDS as one sealed token, or "" in a journal kept in clear

    def as_dict(self) -> dict:
        """The stored form, which the hash covers: the private fields only as their token."""
        row = asdict(self)
        row["at"] = self.at.isoformat()
        for name in PRIVATE_FIELDS if self.sealed else ("sealed",):
            del row[name]
        return row

    @classmethod
    def from_dict(cls, row: dict, open_text: Callable[[str], str] | None = None) -> "JournalEntry":
        """An entry from its stored form; open_text opens the private fields' token when there is one."""
        row = dict(row)
        if row.get("sealed"):
            if open_text is None:
                raise ValueError("this journal entry is sealed: a key is needed to read it")
            row.update(json.loads(open_text(row["sealed"])))
        return cls(**{**row, "at": datetime.fromisoformat(row["at"])})


def _digest(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def make_entry(
    prev_hash: str,
    at: datetime,
    actor: Actor,
    action: str,
    *,
    allowed: bool = True,
    reason: str = "",
    detail: str = "",
    emergency: bool = False,
    seal_text: Callable[[str], str] | None = None,
) -> JournalEntry:
    """The next entry of a chain; with seal_text, its private fields are stored sealed."""
    if action not in ACTIONS and action not in OPERATOR_ACTIONS:
        raise ValueError(f"unknown journal action {action!r}")
    private = {"actor_name": actor.name, "reason": reason, "detail": detail}
    sealed = seal_text(json.dumps(private, ensure_ascii=False)) if seal_text else ""
    entry = JournalEntry(at=at, actor_kind=actor.kind, actor_id=actor.id, action=action, allowed=allowed,
                         emergency=emergency, prev_hash=prev_hash, hash="", sealed=sealed, **private)
    stored = entry.as_dict()
    del stored["hash"]
    return JournalEntry(**{**asdict(entry), "hash": _digest(stored)})


def verify_chain(entries: list[JournalEntry]) -> int | None:
    """The index of the first entry that does not fit the chain, or None when all hold."""
    prev = GENESIS
    for index, entry in enumerate(entries):
        fields = entry.as_dict()
        stored = fields.pop("hash")
        if entry.prev_hash != prev or _digest(fields) != stored:
            return index
        prev = stored
    return None
