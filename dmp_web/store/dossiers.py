"""Dossiers, accounts, journals and creation codes.

Each dossier has its own folder (dossiers/<2 chars>/<id>/) holding dossier.json, account.json and
its journal's segments, so a request reads the size of one dossier. Keyed indexes find a dossier by NIR or
by login identifier without reading any other.

Longer than 300 lines: these four repositories share the dossier's folder and its lock.
"""
from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from datetime import datetime
from collections.abc import Callable, Iterator

from tinydb.table import Document

from ..domain.accounts import Account, CreationCode
from ..domain.credentials import new_login_id
from ..domain.dossier import Dossier
from ..domain.journal import (
    HOLDER_SIDE, OPERATORS_JOURNAL, Actor, ChainKey, ChainProblem, Head, JournalEntry, make_entry,
)
from .codec import from_row, to_row
from .crypto import Sealer, decode_key, encode_key
from .sealed import reseal_record
from .directory import Directory
from .operators import OperatorsJournal
from .sessions import SessionRepository
from .documents import DocumentRepository, EmergencyRepository
from .wishes import WishesRepository
from .reimbursements import ReimbursementRepository
from .reports import ReportRepository
from .recent import RecentPatients
from .sharing import SharingCodeIndex
from .files import FileStore
from .journal import JournalFiles
from .unit import DossierUnit
from .copies import JobStore
from .register import InsuredRegister
from .history_letters import HistoryLetterRepository
from .notices import OpeningNoticeRepository
from .sharded import KeyTaken, ShardedTable


_SLOT = re.compile(r"r[0-9]")  # an account slot is part of a file name: never anything else


def _folder(dossier_id: str) -> tuple[str, str, str]:
    return ("dossiers", dossier_id[:2], dossier_id)


class _SingleRecord:
    """One record per file (doc id 1), read and written whole."""

    def __init__(self, store: FileStore, filename: str, cls):
        self.store = store
        self.filename = filename
        self.cls = cls

    def get(self, dossier_id: str):
        with self.store.snapshot(*_folder(dossier_id), self.filename) as db:
            row = db.get(doc_id=1)
        return from_row(self.cls, dict(row)) if row else None

    def put(self, dossier_id: str, record) -> None:
        with self.store.transaction(*_folder(dossier_id), self.filename) as db:
            db.upsert(Document(to_row(record), doc_id=1))


class DossierRepository:
    def __init__(self, store: FileStore):
        self._records = _SingleRecord(store, "dossier.json", Dossier)
        self._by_nir = ShardedTable(store, "dossier-by-nir")
        self._by_ins = ShardedTable(store, "dossier-by-ins")
        self._closed = ShardedTable(store, "closed-dossiers")

    def get(self, dossier_id: str) -> Dossier | None:
        return self._records.get(dossier_id)

    def find_by_nir(self, nir: str) -> Dossier | None:
        ref = self._by_nir.get(nir)
        return self.get(ref["dossier"]) if ref else None

    def find_by_ins(self, ins_c: str) -> Dossier | None:
        ref = self._by_ins.get(ins_c)
        return self.get(ref["dossier"]) if ref else None

    def add(self, dossier: Dossier) -> None:
        """Reserve the NIR first: two creations for one person cannot both succeed."""
        existing = self._by_nir.get(dossier.holder_nir)
        if existing and self.get(existing["dossier"]) is None:
            self._by_nir.delete(dossier.holder_nir)  # left by a creation that crashed half-way
        self._by_nir.add(dossier.holder_nir, {"dossier": dossier.id})
        self._records.put(dossier.id, dossier)
        self._by_ins.put(dossier.ins_c, {"dossier": dossier.id})

    def save(self, dossier: Dossier) -> None:
        self._records.put(dossier.id, dossier)
        # closed dossiers are listed apart, so the purge never reads every dossier
        if dossier.status == "closed":
            self._closed.put(dossier.id, {"closed_at": dossier.closed_at.isoformat()})
        else:
            self._closed.delete(dossier.id)

    def all_ids(self) -> list[str]:
        """Every dossier id (a batch job's walk over the folders, never a page's)."""
        root = self._records.store.path("dossiers")
        return sorted(p.name for p in root.glob("*/*") if (p / "dossier.json").exists()) if root.exists() else []

    def closed(self) -> list[tuple[str, datetime]]:
        """Every closed dossier and when it closed (for the purge, a batch job)."""
        return [(key, datetime.fromisoformat(value["closed_at"])) for key, value in self._closed.items()]

    def delete(self, dossier: Dossier, login_id: str | None) -> None:
        """Erase a dossier: its folder (documents, files, journal, account…) and its index entries."""
        self._by_nir.delete(dossier.holder_nir)
        self._by_ins.delete(dossier.ins_c)
        if login_id:
            ShardedTable(self._records.store, "account-by-login").delete(login_id)
        folder = self._records.store.path(*_folder(dossier.id))
        if folder.exists():
            with self._records.store.writing():
                shutil.rmtree(folder)
        self._closed.delete(dossier.id)


class AccountRepository:
    """The accounts of a dossier, beside it: the holder's, or while the holder is a minor, their
    legal representatives' (one slot each, domain/representatives.py). An account changes only
    in the dossier's unit of work (store/unit.py): under the dossier's lock, committed with its
    journal entries."""

    def __init__(self, store: FileStore, unit: Callable[[str], DossierUnit]):
        self._store = store
        self._by_login = ShardedTable(store, "account-by-login")
        self._unit = unit

    def _records(self, slot: str) -> _SingleRecord:
        if slot and not _SLOT.fullmatch(slot):
            raise ValueError(f"not an account slot: {slot!r}")
        return _SingleRecord(self._store, f"account-{slot}.json" if slot else "account.json", Account)

    def get(self, dossier_id: str, slot: str = "") -> Account | None:
        return self._records(slot).get(dossier_id)

    def find_by_login(self, login_id: str) -> Account | None:
        ref = self._by_login.get(login_id.strip().lower())
        account = self.get(ref["dossier"], ref.get("slot", "")) if ref else None
        # a slot given to someone else (a young adult at 18) no longer answers to the old identifier
        return account if account and account.login_id.lower() == login_id.strip().lower() else None

    def add(self, account: Account) -> Account:
        """Store a new account under a login identifier no one else has."""
        while True:
            try:
                self._by_login.add(account.login_id, {"dossier": account.dossier_id, "slot": account.slot})
                break
            except KeyTaken:
                account.login_id = new_login_id()
        self._records(account.slot).put(account.dossier_id, account)
        return account

    def save(self, account: Account) -> None:
        """Write the account (a unit of work's change, at its commit, under its lock)."""
        self._records(account.slot).put(account.dossier_id, account)

    def retire_login(self, dossier_id: str, login_id: str) -> None:
        """The identifier opens nothing any more (a representative's, at the minor's 18)."""
        key = login_id.strip().lower()
        ref = self._by_login.get(key)
        if ref and ref["dossier"] == dossier_id:
            self._by_login.delete(key)

    @contextmanager
    def updating(self, dossier_id: str, slot: str = "") -> Iterator[Account]:
        """Read, change and write the account in a unit of work of its own, with no journal
        entry (a login step, whose entry comes after what it sends)."""
        with self._unit(dossier_id) as unit:
            account = unit.account(slot)
            if account is None:
                raise LookupError(dossier_id)
            yield account
            unit.save_account(account)
            unit.commit()


def _by_others(row: dict) -> bool:
    return row["actor_kind"] not in HOLDER_SIDE


class JournalKeyMissing(ValueError):
    """The key that sealed a journal's entries is gone: they open for no one."""


def journal_head_segments(journal_id: str) -> tuple[str, ...]:
    """Heads live apart from the dossiers' folders: deleting a folder leaves its head behind."""
    if journal_id == OPERATORS_JOURNAL:
        return ("journal-heads", f"{journal_id}.json")
    return ("journal-heads", journal_id[:2], journal_id[2:4], f"{journal_id}.json")


class JournalRepository:
    """A dossier's journal (store/journal.py), its private fields sealed with a key of the
    dossier's own.

    That key is kept wrapped by the data keys (journal-key.json): rotating the data keys re-wraps
    it and leaves every entry, hence the chain, untouched."""

    def __init__(self, store: FileStore, sealer: Sealer, chain: ChainKey):
        self.store = store
        self.sealer = sealer
        self.chain = chain

    def files(self, dossier_id: str) -> JournalFiles:
        return JournalFiles(self.store, self.chain, dossier_id, (*_folder(dossier_id), "journal"),
                            journal_head_segments(dossier_id))

    def _dossier_sealer(self, dossier_id: str, create: bool) -> Sealer | None:
        segments = (*_folder(dossier_id), "journal-key.json")
        if self.store.exists(*segments):
            with self.store.snapshot(*segments) as db:
                row = db.get(doc_id=1)
            if row is not None:
                return Sealer(decode_key(self.sealer.open_text(row["sealed"])))
        if not create:
            return None
        if self.count(dossier_id):  # entries sealed with a key that is gone: never a new one over them
            raise JournalKeyMissing(dossier_id)
        with self.store.transaction(*segments) as db:
            row = db.get(doc_id=1)
            if row is None:  # the first entry: under the lock, so two first entries share one key
                key = Sealer.generate_key()
                db.upsert(Document({"sealed": self.sealer.seal_text(encode_key(key))}, doc_id=1))
            else:
                key = decode_key(self.sealer.open_text(row["sealed"]))
        return Sealer(key)

    def next_entry(self, dossier_id: str, head: Head, at: datetime, actor: Actor, action: str,
                   **details) -> JournalEntry:
        """The entry that would follow `head`, its private fields sealed with the dossier's key."""
        seal_text = self._dossier_sealer(dossier_id, create=True).seal_text
        return make_entry(head, dossier_id, self.chain, at, actor, action, seal_text=seal_text, **details)

    def append(self, dossier_id: str, at: datetime, actor: Actor, action: str, **details) -> JournalEntry:
        return self.files(dossier_id).append(lambda head: self.next_entry(dossier_id, head, at, actor, action,
                                                                          **details))

    def append_stored(self, dossier_id: str, held, stored: dict) -> None:
        """Append an entry a unit of work made (store/unit.py), once: when finishing a unit a
        crash cut, the entry may be there already, or others may have come since (it is then
        made again, the same, after them)."""
        if held.head.count > stored["seq"] and (held.stored_at(stored["seq"]) or {}).get("hash") == stored["hash"]:
            return
        if held.head.count != stored["seq"] or held.head.last_hash != stored["prev_hash"]:
            old = self._opened(dossier_id, [stored])[0]
            stored = self.next_entry(dossier_id, held.head, old.at, Actor(old.actor_kind, old.actor_id, old.actor_name),
                                     old.action, allowed=old.allowed, reason=old.reason, detail=old.detail,
                                     emergency=old.emergency).as_dict()
        held.append(stored)

    def _opened(self, dossier_id: str, rows: list[dict]) -> list[JournalEntry]:
        sealer = self._dossier_sealer(dossier_id, create=False) if rows else None
        opener = sealer.open_text if sealer else None
        return [JournalEntry.from_dict(row, opener) for row in rows]

    def count(self, dossier_id: str) -> int:
        head = self.files(dossier_id).head()
        return head.count if head else 0

    def entries(self, dossier_id: str, start: int = 0, stop: int | None = None) -> list[JournalEntry]:
        """Entries start..stop-1, oldest first (all by default): a page reads only its segments."""
        return self._opened(dossier_id, self.files(dossier_id).rows(start, stop))

    def emergencies(self, dossier_id: str, upto: int) -> list[JournalEntry]:
        """The emergency entries among the first `upto`, newest first."""
        files = self.files(dossier_id)
        head = files.head() or Head()
        rows = files.rows_where(lambda row: row["emergency"] and row["seq"] < upto, head)
        return self._opened(dossier_id, list(rows))

    def others(self, dossier_id: str, upto: int, skip: int = 0,
               limit: int | None = None) -> tuple[int, list[JournalEntry]]:
        """Among the first `upto` entries, those not by the holder's side (HOLDER_SIDE): how many,
        and the `limit` newest after skipping `skip`, newest first. An index of their seqs
        (JournalFiles.seqs_where) spares reading the holder's own entries."""
        files = self.files(dossier_id)
        head = files.head() or Head()
        seqs = [n for n in files.seqs_where("others", _by_others, head) if n < upto]
        chosen = list(reversed(seqs))[skip:None if limit is None else skip + limit]
        return len(seqs), self._opened(dossier_id, files.rows_at(chosen, head))

    def check(self, dossier_id: str) -> ChainProblem | None:
        problem = self.files(dossier_id).check()
        head = self.head(dossier_id) if problem is None else None
        if head and head.count and not head.purged_at and not self.store.exists(*_folder(dossier_id),
                                                                                "journal-key.json"):
            return ChainProblem("key_missing")
        return problem

    def head(self, dossier_id: str) -> Head | None:
        return self.files(dossier_id).head()

    def stored_row(self, dossier_id: str, seq: int) -> dict | None:
        """Entry `seq` as stored (journal-check --anchor compares its hash)."""
        files = self.files(dossier_id)
        rows = files.rows(seq, seq + 1, head=files.head())
        return rows[0] if rows else None

    def legacy_problem(self, dossier_id: str) -> ChainProblem | None:
        """A journal file of an older version beside the segments: not migrated, or planted."""
        if not self.store.exists(*_folder(dossier_id), "journal.json"):
            return None
        from ..services.store_migration import STORE_VERSION, store_version

        return ChainProblem("legacy" if store_version(self.store) < STORE_VERSION else "planted")

    def journal_ids(self) -> list[str]:
        """Every dossier that has a journal head (a batch job's walk, never a page's)."""
        root = self.store.path("journal-heads")
        return sorted(p.stem for p in root.glob("*/*/*.json")) if root.exists() else []

    def reseal(self, dossier_id: str) -> int:
        """Wrap the dossier's journal key again with the first data key; 1 if it had one."""
        return reseal_record(self.store, self.sealer, (*_folder(dossier_id), "journal-key.json"))

    def migrate_legacy(self, dossier_id: str) -> bool | None:
        """The journal of an older store, chained again with the key and sealed (JournalFiles)."""
        legacy = (*_folder(dossier_id), "journal.json")
        if not self.store.exists(*legacy):
            return None
        seal_text = self._dossier_sealer(dossier_id, create=True).seal_text
        return self.files(dossier_id).migrate_legacy(
            legacy, seal_text, self._dossier_sealer(dossier_id, create=False).open_text)


class CreationCodeRepository:
    def __init__(self, store: FileStore):
        self._table = ShardedTable(store, "creation-code-by-nir")

    def get(self, nir: str) -> CreationCode | None:
        row = self._table.get(nir)
        return from_row(CreationCode, row) if row else None

    def put(self, code: CreationCode) -> None:
        """One code per person: a new one replaces (voids) the previous."""
        self._table.put(code.nir, to_row(code))

    def renew(self, nir: str, change) -> CreationCode | None:
        """Under the lock: change(code or None) gives the record to keep, or None to keep the
        one there is; returns what it gave."""
        given = []

        def locked_change(row):
            new = change(from_row(CreationCode, row) if row else None)
            given.append(new)
            return to_row(new) if new is not None else row

        self._table.update(nir, locked_change)
        return given[0]

    def apply(self, nir: str, change):
        """Run change(code) under the lock and keep what it changed (tries, use); return its result."""
        outcome = []

        def locked_change(row):
            code = from_row(CreationCode, row) if row else None
            outcome.append(change(code))
            return to_row(code) if code else None

        self._table.update(nir, locked_change)
        return outcome[0]


BATCH_LOCK = "batch-jobs"  # one batch command at a time (imports, purge, reseal, copies of the store)


class Repositories:
    def __init__(self, store: FileStore, sealer: Sealer | None = None, session_sealer: Sealer | None = None,
                 chain: ChainKey | None = None):
        self.store = store
        self.dossiers = DossierRepository(store)
        self.accounts = AccountRepository(store, self.unit)
        # journals need the data keys (to seal) and the journal key (to chain)
        self.journal = JournalRepository(store, sealer, chain) if sealer and chain else None
        self.creation_codes = CreationCodeRepository(store)
        self.directory = Directory(store)
        self.operators = OperatorsJournal(store, chain) if chain else None
        self.emergencies = EmergencyRepository(store, sealer) if sealer else None
        # documents are sealed at rest: without a key (a script that only reads accounts) there are none
        self.documents = DocumentRepository(store, sealer) if sealer else None
        self.wishes = WishesRepository(store, sealer) if sealer else None
        self.reimbursements = ReimbursementRepository(store, sealer) if sealer else None
        self.reports = ReportRepository(store, sealer) if sealer else None  # « je ne connais pas cette personne »
        self.sessions = SessionRepository(store, session_sealer) if session_sealer else None
        self.jobs = JobStore(store, sealer) if sealer else None  # the worker's copies, sealed
        self.register = InsuredRegister(store)  # the insured persons (the Assurance Maladie's)
        self.opening_notices = OpeningNoticeRepository(store)  # the hourly «who opened my DMP» message
        self.carer_notices = OpeningNoticeRepository(store, "carers")  # the daily «what my carers did» message
        self.sharing_codes = SharingCodeIndex(store)  # a sharing code's digest -> its dossier
        self.history_letters = HistoryLetterRepository(store)  # «Recevoir mon historique par courrier»
        self.recent_patients = RecentPatients(store)  # « Mes patients récents » of each professional

    def content_mark(self, dossier_id: str) -> str:
        """A digest of the dossier's own records as stored (store/copies.py)."""
        return self.jobs.records_mark(dossier_id)

    def failed_units(self) -> list[str]:
        """The dossiers whose unit of work could not be finished after a crash (pending-failed/)."""
        from .unit import failed_units

        return failed_units(self)

    def batch_lock(self):
        """One batch command at a time (imports, purge, reseal), on this store."""
        return self.store.lock(BATCH_LOCK)

    def reopened(self, sealer: Sealer) -> Repositories:
        """The same store seen with other data keys (reseal-data checks the first key alone)."""
        return Repositories(self.store, sealer, chain=self.journal.chain)

    def health(self, lock_timeout: float = 1.0):
        """The health check's records, on a view of the store that waits `lock_timeout` at most."""
        from .health import HealthRecords

        return HealthRecords(FileStore(self.store.root, lock_timeout=lock_timeout), self.documents.sealer)

    def unit(self, dossier_id: str) -> DossierUnit:
        """A unit of work on one dossier (store/unit.py)."""
        return DossierUnit(self, dossier_id)
