"""A unit of work on one dossier: its changes and their journal entries commit together.

    with repos.unit(dossier_id) as unit:
        dossier = unit.dossier()          # read under the dossier's lock: no lost update
        ...; unit.save_dossier(dossier)
        unit.journal(**decision.journal_fields())
        unit.commit()                     # without it, nothing is written

The lock is the journal head's, where every append of the dossier's journal queues. At commit
the unit writes its changes and entries as one sealed intent (pending/<id>.json), applies them,
then deletes the intent. A crash after the intent is written is finished by the next unit of
that dossier, or when the app starts (`recover_all`); a crash before it leaves nothing. Each
change is idempotent, so applying one twice is harmless.

The patient's account lives with the dossier and changes only here (`unit.account()`,
`unit.save_account`, or `repos.accounts.updating`, itself a unit): under the same lock, so an
account change and its journal entry commit together, and no two changes of it overlap.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.access import EmergencyAccess
from ..domain.accounts import Account
from ..domain.documents import Document
from ..domain.dossier import Dossier
from ..domain.journal import Head, JournalEntry
from ..domain.reimbursements import Reimbursement
from ..domain.reports import Report
from ..domain.wishes import Wishes
from .codec import from_row, to_row

if TYPE_CHECKING:  # pragma: no cover
    from .dossiers import Repositories

log = logging.getLogger("dmp_web.store")


class UnitNotCommitted(RuntimeError):
    """A unit of work used after its commit, or committed twice."""


class DossierUnit:
    def __init__(self, repos: Repositories, dossier_id: str):
        self.repos = repos
        self.dossier_id = dossier_id
        self._ops: list[dict] = []
        self._entries: list[dict] = []
        self._done = False

    def __enter__(self) -> DossierUnit:
        self._hold = self.repos.journal.files(self.dossier_id).hold()
        self._held = self._hold.__enter__()
        _finish_pending(self.repos, self.dossier_id, self._held)
        return self

    def __exit__(self, *exc) -> None:
        self._hold.__exit__(*exc)

    # -- reads, under the lock ----------------------------------------------------------------

    def dossier(self) -> Dossier | None:
        return self.repos.dossiers.get(self.dossier_id)

    def document(self, document_id: str) -> Document | None:
        return self.repos.documents.get(self.dossier_id, document_id)

    # -- changes, staged until commit ---------------------------------------------------------

    def add_dossier(self, dossier: Dossier) -> None:
        """A new dossier, written now (KeyTaken when the person has one): on files the NIR is
        reserved first, and a creation cut short is taken over by the next one for that person
        (DossierRepository.add)."""
        self.repos.dossiers.add(dossier)

    def add_account(self, account: Account) -> Account:
        """The new dossier's account, written now, under a login no one else has (given back)."""
        return self.repos.accounts.add(account)

    def save_dossier(self, dossier: Dossier) -> None:
        self._ops.append({"op": "dossier", "row": to_row(dossier)})

    def save_document(self, document: Document) -> None:
        self._ops.append({"op": "document_save", "row": to_row(document)})

    def add_document(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
                     data: bytes | None = None) -> None:
        """The file's sealed blob is written now (a blob no row names is no document); its row at commit."""
        row = self.repos.documents.prepare(document, text=text, file_name=file_name, content_type=content_type,
                                           data=data)
        self._ops.append({"op": "document_add", "row": row})

    def wishes(self) -> Wishes:
        return self.repos.wishes.get(self.dossier_id)

    def save_wishes(self, wishes: Wishes) -> None:
        self._ops.append({"op": "wishes", "sealed": self.repos.wishes.seal(wishes)})

    def reimbursements(self) -> list[Reimbursement]:
        return self.repos.reimbursements.list(self.dossier_id)

    def save_reimbursements(self, rows: list[Reimbursement]) -> None:
        self._ops.append({"op": "reimbursements", "sealed": self.repos.reimbursements.seal(rows)})

    def account(self, slot: str = "") -> Account | None:
        return self.repos.accounts.get(self.dossier_id, slot)

    def save_account(self, account: Account) -> None:
        self._ops.append({"op": "account", "row": to_row(account)})

    def end_sessions(self, owner: str, keep: str | None = None) -> int:
        """End the sessions of the account `owner` (but `keep`, the digest of the one in use) at
        commit; how many. The ones listed now are ended, so applying it twice ends no other."""
        digests = [d for d in self.repos.sessions.listed(owner) if d != keep]
        if digests:
            self._ops.append({"op": "sessions_end", "owner": owner, "digests": digests})
        return len(digests)

    def add_emergency(self, access: EmergencyAccess) -> None:
        self._ops.append({"op": "emergency_add", "row": self.repos.emergencies.prepare(access)})

    def reports(self) -> list[Report]:
        return self.repos.reports.of_dossier(self.dossier_id)

    def save_report(self, report: Report) -> None:
        self._ops.append({"op": "report", "row": self.repos.reports.prepare(report)})

    def erase(self, login_id: str | None, at: datetime) -> None:
        """Erase the dossier (purge-closed): its head is marked first, so that a crash in the
        middle never leaves a journal gone with no word of why."""
        self._ops.append({"op": "erase", "login_id": login_id, "at": at.isoformat()})

    def journal(self, **fields) -> None:
        self._entries.append(fields)

    def commit(self) -> list[JournalEntry]:
        if self._done:
            raise UnitNotCommitted("this unit of work was already committed")
        head, entries = self._held.head, []
        for fields in self._entries:
            entry = self.repos.journal.next_entry(self.dossier_id, head, **fields)
            entries.append(entry)
            head = Head(head.count + 1, entry.hash)
        intent = {"ops": self._ops, "entries": [entry.as_dict() for entry in entries]}
        self._held.check_appendable()  # a journal that cannot take its entries: nothing is changed
        if _needs_intent(self._ops, self._entries):
            _write_intent(self.repos, self.dossier_id, intent)
        _apply(self.repos, self.dossier_id, intent, self._held)
        _delete_intent(self.repos, self.dossier_id)
        self._done = True
        return entries


# -- intents ----------------------------------------------------------------------------------

# Changes that write one file: alone (a login step on the account), one atomic write is enough.
_ONE_FILE = {"account"}


def _needs_intent(ops: list[dict], entries: list[dict]) -> bool:
    """Entries alone need no intent (an append is atomic by itself), nor one change of one file."""
    if not ops:
        return False
    return bool(entries) or len(ops) > 1 or ops[0]["op"] not in _ONE_FILE


def _intent_segments(dossier_id: str) -> tuple[str, str]:
    return ("pending", f"{dossier_id}.json")


def _write_intent(repos, dossier_id: str, intent: dict) -> None:
    sealed = repos.documents.sealer.seal(json.dumps(intent, ensure_ascii=False).encode("utf-8"))
    repos.store.write_bytes(repos.store.path(*_intent_segments(dossier_id)), sealed)


def _delete_intent(repos, dossier_id: str) -> None:
    repos.store.path(*_intent_segments(dossier_id)).unlink(missing_ok=True)


def _finish_pending(repos, dossier_id: str, held) -> bool:
    """Apply what a unit of this dossier committed but did not finish (a crash); True if any."""
    path = repos.store.path(*_intent_segments(dossier_id))
    if not path.exists():
        return False
    intent = json.loads(repos.documents.sealer.open(path.read_bytes()))
    _apply(repos, dossier_id, intent, held)
    path.unlink()
    return True


def _apply(repos, dossier_id: str, intent: dict, held) -> None:  # noqa: C901 - one branch per kind of change, a flat dispatch
    for op in intent["ops"]:
        kind, row = op["op"], op.get("row")
        if kind == "erase":
            held.mark_purged(op["at"])
            repos.reports.forget(dossier_id)  # its reports leave the desk agents' indexes
            dossier = repos.dossiers.get(dossier_id)
            if dossier is not None:
                repos.dossiers.delete(dossier, op["login_id"])
        elif kind == "wishes":
            repos.wishes.save_sealed(dossier_id, op["sealed"])
        elif kind == "reimbursements":
            repos.reimbursements.save_sealed(dossier_id, op["sealed"])
        elif kind == "dossier":
            repos.dossiers.save(from_row(Dossier, row))
        elif kind == "document_save":
            repos.documents.save(from_row(Document, row))
        elif kind == "document_add":
            repos.documents.insert(dossier_id, row)
        elif kind == "account":
            repos.accounts.save(from_row(Account, row))
        elif kind == "sessions_end":
            repos.sessions.end(op["owner"], op["digests"])
        elif kind == "emergency_add":
            repos.emergencies.insert(dossier_id, row)
        elif kind == "report":
            repos.reports.save_row(dossier_id, row)
        else:  # pragma: no cover - only this module writes intents
            raise ValueError(f"unknown change {kind!r}")
    for stored in intent["entries"]:
        repos.journal.append_stored(dossier_id, held, stored)


FAILED_FOLDER = "pending-failed"


def recover_all(repos) -> int:
    """At start: finish every unit of work a crash left half done; how many. One that cannot be
    finished (a journal cut, a key gone) is set aside in pending-failed/, logged, and reported by
    journal-check: the service starts all the same, and that dossier waits for an operator."""
    folder = repos.store.path("pending")
    if not folder.is_dir():
        return 0
    finished = 0
    for path in sorted(folder.glob("*.json")):
        try:
            with DossierUnit(repos, path.stem):
                finished += 1  # entering the unit finished it
        except Exception as problem:  # noqa: BLE001 - whatever it is, the other dossiers go on
            log.error("unit of work of dossier %s not finished: %s", path.stem, type(problem).__name__)
            aside = repos.store.path(FAILED_FOLDER, f"{path.stem}.json")
            aside.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.replace(aside)
    return finished


def failed_units(repos) -> list[str]:
    """The dossiers whose unit of work could not be finished (for journal-check)."""
    folder = repos.store.path(FAILED_FOLDER)
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
