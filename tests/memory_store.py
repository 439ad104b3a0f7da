"""In-memory fakes of the store's ports (dmp_web/services/ports.py), for service tests: fast, no
files. They keep the rules the ports promise: a unit of work writes nothing unless committed, and
its changes and journal entries land together; the journal is chained with a key and checked."""
from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from dmp_web.domain.access import EmergencyAccess
from dmp_web.domain.accounts import Account
from dmp_web.domain.documents import Document
from dmp_web.domain.dossier import Dossier
from dmp_web.domain.journal import HOLDER_SIDE, ChainKey, Head, JournalEntry, check_chain, make_entry
from dmp_web.domain.wishes import Wishes


class MemoryJournals:
    def __init__(self):
        self.chain = ChainKey(b"memory journal key, tests only!!")
        self.by_dossier: dict[str, list[JournalEntry]] = {}

    def _head(self, dossier_id: str) -> Head:
        entries = self.by_dossier.get(dossier_id, [])
        return Head(len(entries), entries[-1].hash) if entries else Head()

    def append(self, dossier_id: str, at: datetime, actor, action: str, **details) -> JournalEntry:
        entry = make_entry(self._head(dossier_id), dossier_id, self.chain, at, actor, action, **details)
        self.by_dossier.setdefault(dossier_id, []).append(entry)
        return entry

    def count(self, dossier_id: str) -> int:
        return len(self.by_dossier.get(dossier_id, []))

    def entries(self, dossier_id: str, start: int = 0, stop: int | None = None) -> list[JournalEntry]:
        return self.by_dossier.get(dossier_id, [])[start:stop]

    def emergencies(self, dossier_id: str, upto: int) -> list[JournalEntry]:
        return [e for e in reversed(self.entries(dossier_id, 0, upto)) if e.emergency]

    def others(self, dossier_id: str, upto: int, skip: int = 0,
               limit: int | None = None) -> tuple[int, list[JournalEntry]]:
        chosen = [e for e in reversed(self.entries(dossier_id, 0, upto)) if e.actor_kind not in HOLDER_SIDE]
        return len(chosen), chosen[skip:None if limit is None else skip + limit]

    def head(self, dossier_id: str) -> Head | None:
        return self._head(dossier_id) if dossier_id in self.by_dossier else None

    def check(self, dossier_id: str):
        return check_chain([e.as_dict() for e in self.entries(dossier_id)], self.chain, dossier_id,
                           self._head(dossier_id))


class MemoryDossiers:
    def __init__(self):
        self.records: dict[str, Dossier] = {}

    def get(self, dossier_id: str) -> Dossier | None:
        found = self.records.get(dossier_id)
        return copy.deepcopy(found) if found else None  # as a store would: a copy, not the record

    def find_by_nir(self, nir: str) -> Dossier | None:
        return next((self.get(d.id) for d in self.records.values() if d.holder_nir == nir), None)

    def find_by_ins(self, ins_c: str) -> Dossier | None:
        return next((self.get(d.id) for d in self.records.values() if d.ins_c == ins_c), None)

    def add(self, dossier: Dossier) -> None:
        self.records[dossier.id] = copy.deepcopy(dossier)

    def all_ids(self) -> list[str]:
        return sorted(self.records)

    def closed(self) -> list[tuple[str, datetime]]:
        return [(d.id, d.closed_at) for d in self.records.values() if d.status == "closed"]

    def delete(self, dossier: Dossier, login_id: str | None) -> None:
        self.records.pop(dossier.id, None)


class MemoryAccounts:
    """Patients' accounts; like the store's, they change only in a unit of work."""

    def __init__(self, repos: MemoryRepositories):
        self.repos = repos
        self.records: dict[tuple[str, str], Account] = {}  # (dossier id, slot) -> account

    def get(self, dossier_id: str, slot: str = "") -> Account | None:
        found = self.records.get((dossier_id, slot))
        return copy.deepcopy(found) if found else None

    def find_by_login(self, login_id: str) -> Account | None:
        return next((copy.deepcopy(a) for a in self.records.values() if a.login_id == login_id), None)

    def add(self, account: Account) -> Account:
        self.records[(account.dossier_id, account.slot)] = copy.deepcopy(account)
        return account

    def retire_login(self, dossier_id: str, login_id: str) -> None:
        pass  # find_by_login reads the records themselves: a replaced account answers no more

    @contextmanager
    def updating(self, dossier_id: str, slot: str = ""):
        with self.repos.unit(dossier_id) as unit:
            account = unit.account(slot)
            if account is None:
                raise LookupError(dossier_id)
            yield account
            unit.save_account(account)
            unit.commit()


class MemorySessions:
    """Only which sessions each account has (what ending them needs)."""

    def __init__(self):
        self.by_account: dict[str, list[str]] = {}

    def listed(self, account: str) -> list[str]:
        return list(self.by_account.get(account, []))

    def end(self, account: str, digests: list[str]) -> None:
        self.by_account[account] = [d for d in self.listed(account) if d not in digests]


@dataclass
class _StoredDocument:
    document: Document
    text: str = ""
    file: tuple[str, str, bytes] | None = None  # name, content type, data


class MemoryDocuments:
    def __init__(self):
        self.rows: dict[str, dict[str, _StoredDocument]] = {}

    def list(self, dossier_id: str) -> list[Document]:
        docs = [copy.deepcopy(s.document) for s in self.rows.get(dossier_id, {}).values()]
        return sorted(docs, key=lambda d: d.created_at, reverse=True)

    def get(self, dossier_id: str, document_id: str) -> Document | None:
        stored = self.rows.get(dossier_id, {}).get(document_id)
        return copy.deepcopy(stored.document) if stored else None

    def text(self, dossier_id: str, document_id: str) -> str:
        stored = self.rows.get(dossier_id, {}).get(document_id)
        return stored.text if stored else ""

    def file(self, dossier_id: str, document_id: str):
        stored = self.rows.get(dossier_id, {}).get(document_id)
        return stored.file if stored else None

    def file_data(self, dossier_id: str, stored) -> bytes:
        return stored[2]


class MemoryEmergencies:
    def __init__(self):
        self.accesses: dict[str, list[EmergencyAccess]] = {}

    def all(self, dossier_id: str) -> list[EmergencyAccess]:
        return list(self.accesses.get(dossier_id, []))

    def active_for(self, dossier_id: str, rpps: str, now: datetime) -> EmergencyAccess | None:
        return next((a for a in reversed(self.all(dossier_id)) if a.rpps == rpps and a.active(now)), None)


class MemoryWishes:
    def __init__(self):
        self.records: dict[str, Wishes] = {}

    def get(self, dossier_id: str) -> Wishes:
        return copy.deepcopy(self.records.get(dossier_id, Wishes()))


class MemoryReimbursements:
    def __init__(self):
        self.rows: dict[str, list] = {}

    def list(self, dossier_id: str) -> list:
        return list(self.rows.get(dossier_id, []))

    def dossier_ids(self):
        return iter(sorted(self.rows))


class MemoryDirectory:
    def __init__(self, professionals=()):
        self.by_rpps = {p.rpps: p for p in professionals}
        self.accounts: dict = {}  # RPPS -> the professional's login Account (its contacts)

    def professional(self, rpps: str):
        return self.by_rpps.get(rpps)

    def search_professionals(self, text: str):
        return [p for p in self.by_rpps.values() if text.lower() in p.name.lower()]

    def account(self, login_id: str):
        return self.accounts.get(login_id)


class MemoryHistoryLetters:
    """The monthly history letters' state (store/history_letters.py): one record per dossier and month."""

    def __init__(self):
        self.rows: dict = {}

    def get(self, dossier_id: str, month: str):
        return self.rows.get((dossier_id, month))

    def update(self, dossier_id: str, month: str, change):
        state = change(self.rows.get((dossier_id, month)))
        if state is not None:
            self.rows[(dossier_id, month)] = state
        return state


class MemoryOpeningNotices:
    """The hourly message's state (store/notices.py): one record per dossier; due ones listed."""

    def __init__(self):
        self.rows: dict = {}

    def get(self, dossier_id: str):
        return self.rows.get(dossier_id)

    def update(self, dossier_id: str, change):
        state = change(self.rows.get(dossier_id))
        if state is not None:
            self.rows[dossier_id] = state
        return state

    def due(self, now: datetime, limit: int = 100) -> list[str]:
        waiting = sorted((s.due_at, d) for d, s in self.rows.items() if s.due_at is not None and s.due_at <= now)
        return [d for _, d in waiting[:limit]]

    def forget(self, dossier_id: str) -> None:
        self.rows.pop(dossier_id, None)


class MemoryReports:
    def __init__(self):
        self.by_id: dict = {}

    def of_dossier(self, dossier_id: str) -> list:
        return sorted((r for r in self.by_id.values() if r.dossier_id == dossier_id), key=lambda r: r.reported_at)

    def find(self, report_id: str):
        return self.by_id.get(report_id)

    def open_reports(self) -> list:
        return sorted((r for r in self.by_id.values() if r.is_open), key=lambda r: r.reported_at)


class MemoryRecentPatients:
    """By professional, {dossier id: last opening}."""

    def __init__(self):
        self.rows: dict[str, dict[str, datetime]] = {}

    def opened(self, rpps: str, dossier_id: str, at: datetime, window) -> None:
        self.rows.setdefault(rpps, {})[dossier_id] = at

    def since(self, rpps: str, since: datetime, limit: int) -> list[tuple[str, datetime]]:
        found = [(d, at) for d, at in self.rows.get(rpps, {}).items() if at > since]
        return sorted(found, key=lambda f: f[1], reverse=True)[:limit]


class MemorySharingCodes:
    """A sharing code's digest -> (its dossier, when it expires)."""

    def __init__(self):
        self.rows: dict[str, tuple[str, datetime]] = {}

    def add(self, digest: str, dossier_id: str, expires_at: datetime) -> None:
        self.rows[digest] = (dossier_id, expires_at)

    def find(self, digest: str, now: datetime) -> str | None:
        row = self.rows.get(digest)
        return row[0] if row and now < row[1] else None

    def forget(self, digest: str) -> None:
        self.rows.pop(digest, None)

    def purge(self, now: datetime) -> int:
        expired = [digest for digest, (_, until) in self.rows.items() if until <= now]
        for digest in expired:
            del self.rows[digest]
        return len(expired)


@dataclass
class MemoryUnit:
    repos: MemoryRepositories
    dossier_id: str
    _ops: list = field(default_factory=list)
    _entries: list = field(default_factory=list)

    def __enter__(self) -> MemoryUnit:
        return self

    def __exit__(self, *exc) -> None:
        self._ops, self._entries = [], []  # not committed: forgotten

    def dossier(self) -> Dossier | None:
        return self.repos.dossiers.get(self.dossier_id)

    def document(self, document_id: str) -> Document | None:
        return self.repos.documents.get(self.dossier_id, document_id)

    def wishes(self) -> Wishes:
        return self.repos.wishes.get(self.dossier_id)

    def add_dossier(self, dossier: Dossier) -> None:
        self.repos.dossiers.add(dossier)

    def add_account(self, account):
        return self.repos.accounts.add(account)

    def save_dossier(self, dossier: Dossier) -> None:
        self._ops.append(lambda: self.repos.dossiers.records.__setitem__(dossier.id, copy.deepcopy(dossier)))

    def save_document(self, document: Document) -> None:
        def save():
            self.repos.documents.rows[self.dossier_id][document.id].document = copy.deepcopy(document)
        self._ops.append(save)

    def add_document(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
                     data: bytes | None = None) -> None:
        stored = _StoredDocument(copy.deepcopy(document), text, (file_name, content_type, data) if data else None)
        def add():
            self.repos.documents.rows.setdefault(self.dossier_id, {})[document.id] = stored
        self._ops.append(add)

    def save_wishes(self, wishes: Wishes) -> None:
        self._ops.append(lambda: self.repos.wishes.records.__setitem__(self.dossier_id, copy.deepcopy(wishes)))

    def reimbursements(self) -> list:
        return list(self.repos.reimbursements.rows.get(self.dossier_id, []))

    def save_reimbursements(self, rows: list) -> None:
        self._ops.append(lambda: self.repos.reimbursements.rows.__setitem__(self.dossier_id, list(rows)))

    def account(self, slot: str = "") -> Account | None:
        return self.repos.accounts.get(self.dossier_id, slot)

    def save_account(self, account: Account) -> None:
        self._ops.append(lambda: self.repos.accounts.records.__setitem__((self.dossier_id, account.slot),
                                                                         copy.deepcopy(account)))

    def end_sessions(self, owner: str, keep: str | None = None) -> int:
        digests = [d for d in self.repos.sessions.listed(owner) if d != keep]
        self._ops.append(lambda: self.repos.sessions.end(owner, digests))
        return len(digests)

    def add_emergency(self, access: EmergencyAccess) -> None:
        self._ops.append(lambda: self.repos.emergencies.accesses.setdefault(self.dossier_id, []).append(access))

    def erase(self, login_id: str | None, at: datetime) -> None:
        def erase():
            self.repos.dossiers.records.pop(self.dossier_id, None)
            self.repos.journal.by_dossier.pop(self.dossier_id, None)
        self._ops.append(erase)

    def reports(self) -> list:
        return self.repos.reports.of_dossier(self.dossier_id)

    def save_report(self, report) -> None:
        self._ops.append(lambda: self.repos.reports.by_id.__setitem__(report.id, report))

    def journal(self, **fields) -> None:
        self._entries.append(fields)

    def commit(self) -> list[JournalEntry]:
        for op in self._ops:
            op()
        entries = [self.repos.journal.append(self.dossier_id, **fields) for fields in self._entries]
        self._ops, self._entries = [], []
        return entries


class MemoryRepositories:
    """The ports of dmp_web/services/ports.py, in memory."""

    def __init__(self, professionals=()):
        self.dossiers = MemoryDossiers()
        self.journal = MemoryJournals()
        self.documents = MemoryDocuments()
        self.emergencies = MemoryEmergencies()
        self.wishes = MemoryWishes()
        self.directory = MemoryDirectory(professionals)
        self.accounts = MemoryAccounts(self)
        self.sessions = MemorySessions()
        self.reimbursements = MemoryReimbursements()
        self.creation_codes = None
        self.reports = MemoryReports()
        self.opening_notices = MemoryOpeningNotices()
        self.carer_notices = MemoryOpeningNotices()
        self.sharing_codes = MemorySharingCodes()
        self.recent_patients = MemoryRecentPatients()
        self.history_letters = MemoryHistoryLetters()

    def unit(self, dossier_id: str) -> MemoryUnit:
        return MemoryUnit(self, dossier_id)

