"""The access history: append-only entries, each chained to the one before by a keyed hash.

Changing, removing or moving an entry breaks every hash after it, and the head kept apart (count
and last hash) tells when the end was cut; `check_chain` finds both.
The free-text fields (who by name, why, what) can be stored as one sealed token: the hash then
covers the token, so the chain is checked without any key, and rotating the data keys (which
re-wraps the key of the token, never the token) leaves it whole.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from collections.abc import Callable

GENESIS = "0" * 64
OPERATORS_JOURNAL = "operators"  # the id of the operators' journal (dossier ids are hex)

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
    "read_wish",
    "record_consent",
    "open_emergency",  # refused: an allowed one is journaled as the access it opened, below
    # emergency accesses opened
    "break_glass",
    "regulator_access",
    # the Assurance Maladie's file added reimbursements, or dropped those older than 24 months
    "reimbursements_updated",
    # « Je ne connais pas cette personne »: the patient's report, and a desk agent's handling of it
    "professional_reported",
    "report_handled",
    # we told someone that a professional opened the DMP (services/notices.py), or could not
    "emergency_notice",
    "openings_notice",
    # sharing codes: a professional's use refused (an allowed one is journaled as the code used)
    "use_sharing_code",
    "sharing_code_used",
    # a desk agent helps with an existing DMP (services/desk_help.py): refused, then each act done
    "desk_help",
    "desk_identity_checked",
    "desk_letter_printed",
    "desk_contact_changed",
    "desk_identifier_sent",
    "desk_dossier_closed",
    "desk_dossier_reopened",
    # a minor's legal representatives (domain/representatives.py): a second one added at a desk,
    # and at 18 their access ended and the young adult sent a letter of their own
    "desk_representative_added",
    "representatives_ended",
    "carers_ended_at_18",  # and the carers they had invited: their access ended with theirs
    # every notice to the patient (services/notices.py tell_holder), and the monthly history letter
    "document_notice",
    "report_notice",
    "password_notice",
    "contact_notice",
    "history_letter",
    "representatives_notice",
    # a carer (domain/carers.py) accepted the patient's invitation: their own act, on the DMP
    "carer_accepted",
    # carers (services/notices.py): one invited, one who accepted, and what carers did (daily)
    "carer_invited_notice",
    "carer_accepted_notice",
    "carer_acts_notice",
    # « Je me fais aider » (domain/helped_visit.py): someone sits beside the patient for one visit
    "helped_visit_started",
    "helped_visit_ended",
    # « Mes aidants » (services/carers.py): the invitation's code sent to the carer, or not
    "carer_invitation_sent",
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
    "representatives_ended",  # end-representatives: the DMP of those who turned 18
    "data_resealed",
    "backup_made",
    "backup_restored",
    "sessions_purged",
    "letter_taken",
    "letter_printed",
    "letters_purged",
    "journals_anchored",
    "store_migrated",
    "schema_upgraded",
    "store_copied",
    "history_letters_queued",  # flask letters history (services/history_letters.py)
}


# The patient's own side of a journal: the holder and their legal representative. The history's
# default view and the paper copy show the others (professionals, desk agents, refused actors…).
HOLDER_SIDE = frozenset({"holder", "legal_representative"})


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
    detail: dict | str  # a dossier's: codes (domain/details.py), or the text of older entries
    emergency: bool
    prev_hash: str
    hash: str
    seq: int = 0  # its place in the journal, from 0: covered by the MAC, so entries cannot move
    sealed: str = ""  # PRIVATE_FIELDS as one sealed token, or "" in a journal kept in clear

    def as_dict(self) -> dict:
        """The stored form, which the MAC covers: the private fields only as their token."""
        row = asdict(self)
        row["at"] = self.at.isoformat()
        for name in PRIVATE_FIELDS if self.sealed else ("sealed",):
            del row[name]
        return row

    @classmethod
    def from_dict(cls, row: dict, open_text: Callable[[str], str] | None = None) -> JournalEntry:
        """An entry from its stored form; open_text opens the private fields' token when there is one."""
        row = dict(row)
        if row.get("sealed"):
            if open_text is None:
                raise ValueError("this journal entry is sealed: a key is needed to read it")
            row.update(json.loads(open_text(row["sealed"])))
        return cls(**{**row, "at": datetime.fromisoformat(row["at"])})


def _canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Head:
    """Where a journal ends: how many entries, the last one's hash; kept apart from the entries."""

    count: int = 0
    last_hash: str = GENESIS
    purged_at: str | None = None  # the dossier was erased (purge-closed): its journal went with it


class ChainKey:
    """The journal key (DMP_JOURNAL_KEY): each entry's hash is an HMAC over its stored form, the
    journal's id and its place, so that whoever edits the files cannot chain them again."""

    def __init__(self, key: bytes):
        if not isinstance(key, bytes) or len(key) < 32:
            raise ValueError("a journal key is at least 32 random bytes")
        self._key = key

    def __repr__(self) -> str:
        return "ChainKey(<hidden>)"

    def mac(self, journal_id: str, stored: dict) -> str:
        message = b"entry|" + _canonical({**stored, "journal": journal_id})
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def head_mac(self, journal_id: str, head: Head) -> str:
        fields = {"journal": journal_id, "count": head.count, "last_hash": head.last_hash, "purged_at": head.purged_at}
        return hmac.new(self._key, b"head|" + _canonical(fields), hashlib.sha256).hexdigest()

    def index_mac(self, journal_id: str, index: dict) -> str:
        """A MAC over a derived index of a journal (store/journal.py's seqs_where): an index
        changed by hand, to hide an entry from a filtered page, is made again instead of read."""
        return hmac.new(self._key, b"index|" + _canonical({**index, "journal": journal_id}), hashlib.sha256).hexdigest()

    def text_mac(self, text: bytes) -> str:
        """A MAC over a whole text (the anchor file of journal-anchor)."""
        return hmac.new(self._key, b"anchor|" + text, hashlib.sha256).hexdigest()


def make_entry(
    head: Head,
    journal_id: str,
    chain: ChainKey,
    at: datetime,
    actor: Actor,
    action: str,
    *,
    allowed: bool = True,
    reason: str = "",
    detail: dict | str = "",
    emergency: bool = False,
    seal_text: Callable[[str], str] | None = None,
) -> JournalEntry:
    """The entry that follows `head` in the journal `journal_id`; with seal_text, its private
    fields are stored sealed (the MAC covers the token)."""
    if action not in ACTIONS and action not in OPERATOR_ACTIONS:
        raise ValueError(f"unknown journal action {action!r}")
    private = {"actor_name": actor.name, "reason": reason, "detail": detail}
    sealed = seal_text(json.dumps(private, ensure_ascii=False)) if seal_text else ""
    entry = JournalEntry(at=at, actor_kind=actor.kind, actor_id=actor.id, action=action, allowed=allowed,
                         emergency=emergency, prev_hash=head.last_hash, hash="", seq=head.count, sealed=sealed,
                         **private)
    stored = entry.as_dict()
    del stored["hash"]
    return JournalEntry(**{**asdict(entry), "hash": chain.mac(journal_id, stored)})


@dataclass(frozen=True)
class ChainProblem:
    """What `check_chain` found. kind: changed (an entry edited, removed or moved, or chained
    again without the key), cut (entries missing at the end), deleted (entries the head counts
    are gone), head_missing, head_forged, unknown (no such journal), legacy (not migrated)."""

    kind: str
    index: int | None = None  # the first entry that does not hold (from 0)
    count: int | None = None  # how many entries the head counts

    def sentence(self) -> str:
        """In French, for the operator."""
        if self.kind == "changed":
            return f"l’entrée {self.index + 1} sur {self.count} a été modifiée ou enlevée."
        if self.kind == "cut":
            return f"il manque des entrées à la fin : {self.index} sur {self.count}."
        if self.kind == "deleted":
            return f"l’historique a été supprimé ({self.count} entrées comptées)."
        return {"head_missing": "la tête de l’historique manque (elle compte ses entrées).",
                "head_forged": "la tête de l’historique a été écrite sans la clé.",
                "unknown": "aucun historique n’a ce numéro.",
                "legacy": "l’historique date d’une version précédente : lancez migrate-store.",
                "planted": "un historique à l’ancien format a été posé là, dans des données à jour.",
                "unreadable": "un fichier de l’historique est illisible.",
                "key_missing": "la clé qui scelle le détail des entrées a été supprimée."}[self.kind]


def check_chain(rows: list[dict], chain: ChainKey, journal_id: str, head: Head) -> ChainProblem | None:
    """Check stored entries against the key and the head: None when every one holds and the
    last is the head's. No data key is needed: the MAC covers the sealed form."""
    if head.count and not rows:
        return ChainProblem("deleted", count=head.count)
    prev = GENESIS
    for index, row in enumerate(rows):
        fields = dict(row)
        stored = fields.pop("hash", None)
        if fields.get("seq") != index or fields.get("prev_hash") != prev or chain.mac(journal_id, fields) != stored:
            return ChainProblem("changed", index, head.count)
        prev = stored
    if len(rows) < head.count or prev != head.last_hash:
        return ChainProblem("cut", len(rows), head.count)
    return None


def legacy_chain_holds(rows: list[dict]) -> bool:
    """The chain of a journal written before the journal key (plain SHA-256): checked once, by
    migrate-store, before it chains the entries again with the key."""
    prev = GENESIS
    for row in rows:
        fields = dict(row)
        stored = fields.pop("hash", None)
        if fields.get("prev_hash") != prev or hashlib.sha256(_canonical(fields)).hexdigest() != stored:
            return False
        prev = stored
    return True
