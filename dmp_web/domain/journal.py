"""The access history: append-only entries, each sealed with the hash of the one before.

Changing or removing an old entry breaks every hash after it, which `verify_chain` finds.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

GENESIS = "0" * 64

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

    def as_dict(self) -> dict:
        row = asdict(self)
        row["at"] = self.at.isoformat()
        return row

    @classmethod
    def from_dict(cls, row: dict) -> "JournalEntry":
        return cls(**{**row, "at": datetime.fromisoformat(row["at"])})


def _seal(fields: dict) -> str:
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
) -> JournalEntry:
    if action not in ACTIONS and action not in OPERATOR_ACTIONS:
        raise ValueError(f"unknown journal action {action!r}")
    fields = {
        "at": at.isoformat(),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "action": action,
        "allowed": allowed,
        "reason": reason,
        "detail": detail,
        "emergency": emergency,
        "prev_hash": prev_hash,
    }
    return JournalEntry(**{**fields, "at": at, "hash": _seal(fields)})


def verify_chain(entries: list[JournalEntry]) -> int | None:
    """The index of the first entry that does not fit the chain, or None when all hold."""
    prev = GENESIS
    for index, entry in enumerate(entries):
        fields = entry.as_dict()
        stored = fields.pop("hash")
        if entry.prev_hash != prev or _seal(fields) != stored:
            return index
        prev = stored
    return None
