"""The ports of the store: what the use cases need of it, and nothing of how it keeps things.

The embedded store (dmp_web/store, TinyDB files) implements them; so do the in-memory fakes of
the service tests (tests/memory_store.py); a database backend implements them next. A use case
types its context's repositories as `Repositories` below, never as one backend's class.

Every change of a dossier goes through a unit of work (`with repos.unit(id) as unit: …;
unit.commit()`): its records are read under the dossier's lock, and the changes commit with
their journal entries, or nothing does.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from contextlib import AbstractContextManager
from typing import Protocol
from collections.abc import Callable, Iterable, Iterator

from ..domain.access import EmergencyAccess
from ..domain.accounts import Account, CreationCode
from ..domain.actors import Professional
from ..domain.documents import Document
from ..domain.dossier import Dossier
from ..domain.journal import Actor, ChainProblem, Head, JournalEntry
from ..domain.history_letters import HistoryLetter
from ..domain.notices import OpeningDigest
from ..domain.reimbursements import Reimbursement
from ..domain.reports import Report
from ..domain.wishes import Wishes


class UnitOfWork(Protocol):
    """Changes to one dossier, under its lock, committed together with their journal entries."""

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc) -> None: ...

    def dossier(self) -> Dossier | None: ...

    def document(self, document_id: str) -> Document | None: ...

    def wishes(self) -> Wishes: ...

    def add_dossier(self, dossier: Dossier) -> None: ...

    def add_account(self, account: Account) -> Account: ...

    def save_dossier(self, dossier: Dossier) -> None: ...

    def save_document(self, document: Document) -> None: ...

    def add_document(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
                     data: bytes | None = None) -> None: ...

    def save_wishes(self, wishes: Wishes) -> None: ...

    def reimbursements(self) -> list[Reimbursement]: ...

    def save_reimbursements(self, rows: list[Reimbursement]) -> None: ...

    def add_emergency(self, access: EmergencyAccess) -> None: ...

    def account(self, slot: str = "") -> Account | None: ...

    def save_account(self, account: Account) -> None: ...

    def end_sessions(self, owner: str, keep: str | None = None) -> int: ...

    def erase(self, login_id: str | None, at: datetime) -> None: ...

    def reports(self) -> list[Report]: ...

    def save_report(self, report: Report) -> None: ...

    def journal(self, **fields) -> None: ...

    def commit(self) -> list[JournalEntry]: ...


class Dossiers(Protocol):
    def get(self, dossier_id: str) -> Dossier | None: ...

    def find_by_nir(self, nir: str) -> Dossier | None: ...

    def find_by_ins(self, ins_c: str) -> Dossier | None: ...

    def add(self, dossier: Dossier) -> None: ...

    def all_ids(self) -> list[str]: ...

    def closed(self) -> list[tuple[str, datetime]]: ...

    def delete(self, dossier: Dossier, login_id: str | None) -> None: ...


class Accounts(Protocol):
    def get(self, dossier_id: str, slot: str = "") -> Account | None: ...

    def find_by_login(self, login_id: str) -> Account | None: ...

    def add(self, account: Account) -> Account: ...

    def retire_login(self, dossier_id: str, login_id: str) -> None: ...

    def updating(self, dossier_id: str, slot: str = "") -> AbstractContextManager[Account]:
        """The account read, changed and written in a unit of work of its own (no entry)."""


class Journal(Protocol):
    def append(self, dossier_id: str, at: datetime, actor: Actor, action: str, **details) -> JournalEntry: ...

    def count(self, dossier_id: str) -> int: ...

    def entries(self, dossier_id: str, start: int = 0, stop: int | None = None) -> list[JournalEntry]: ...

    def emergencies(self, dossier_id: str, upto: int) -> list[JournalEntry]: ...

    def others(self, dossier_id: str, upto: int, skip: int = 0,
               limit: int | None = None) -> tuple[int, list[JournalEntry]]: ...

    def head(self, dossier_id: str) -> Head | None: ...

    def check(self, dossier_id: str) -> ChainProblem | None: ...



class Documents(Protocol):
    def list(self, dossier_id: str) -> list[Document]: ...

    def get(self, dossier_id: str, document_id: str) -> Document | None: ...

    def text(self, dossier_id: str, document_id: str) -> str: ...

    def file(self, dossier_id: str, document_id: str): ...

    def file_data(self, dossier_id: str, stored) -> bytes: ...


class Emergencies(Protocol):
    def all(self, dossier_id: str) -> list[EmergencyAccess]: ...

    def active_for(self, dossier_id: str, rpps: str, now: datetime) -> EmergencyAccess | None: ...


class WishesStore(Protocol):
    def get(self, dossier_id: str) -> Wishes: ...


class Reimbursements(Protocol):
    def list(self, dossier_id: str) -> list[Reimbursement]: ...

    def dossier_ids(self) -> Iterator[str]: ...


class CreationCodes(Protocol):
    def get(self, nir: str) -> CreationCode | None: ...

    def renew(self, nir: str, change: Callable[[CreationCode | None], CreationCode | None]) -> CreationCode | None: ...

    def apply(self, nir: str, change): ...


class Directory(Protocol):
    def professional(self, rpps: str) -> Professional | None: ...

    def search_professionals(self, text: str) -> Iterable[Professional]: ...

    def account(self, login_id: str) -> Account | None:
        """A professional's login account: its e-mail and mobile reach them (services/notices.py)."""


class OpeningNotices(Protocol):
    """Where each dossier's message made from the journal stands: the hourly «un soignant a
    ouvert votre DMP» (opening_notices), or the carers' daily one (carer_notices)."""

    def get(self, dossier_id: str) -> OpeningDigest | None: ...

    def update(self, dossier_id: str, change: Callable[[OpeningDigest | None], OpeningDigest | None]
               ) -> OpeningDigest | None:
        """Read, change and write one dossier's state under its lock; the queue follows due_at."""

    def due(self, now: datetime, limit: int = 100) -> list[str]: ...

    def forget(self, dossier_id: str) -> None: ...


class HistoryLetters(Protocol):
    """Where each dossier's monthly history letter stands (domain/history_letters.py)."""

    def get(self, dossier_id: str, month: str) -> HistoryLetter | None: ...

    def update(self, dossier_id: str, month: str,
               change: Callable[[HistoryLetter | None], HistoryLetter | None]) -> HistoryLetter | None:
        """Read, change and write one letter's state under its lock."""


class Reports(Protocol):
    """The patients' reports of a professional (domain/reports.py); saved only in a unit of work."""

    def of_dossier(self, dossier_id: str) -> list[Report]: ...

    def find(self, report_id: str) -> Report | None: ...

    def open_reports(self) -> list[Report]: ...


class SharingCodes(Protocol):
    """A sharing code's digest → its dossier (domain/sharing.py); the dossier says if it is live."""

    def add(self, digest: str, dossier_id: str, expires_at: datetime) -> None: ...

    def find(self, digest: str, now: datetime) -> str | None: ...

    def forget(self, digest: str) -> None: ...

    def purge(self, now: datetime) -> int: ...


class RecentPatients(Protocol):
    """By professional, the DMP whose opening was allowed lately (« Mes patients récents »)."""

    def opened(self, rpps: str, dossier_id: str, at: datetime, window: timedelta) -> None: ...

    def since(self, rpps: str, since: datetime, limit: int) -> list[tuple[str, datetime]]: ...


class Repositories(Protocol):
    """Everything a use case may read or change, through one object."""

    dossiers: Dossiers
    accounts: Accounts
    journal: Journal
    documents: Documents
    emergencies: Emergencies
    wishes: WishesStore
    reimbursements: Reimbursements
    creation_codes: CreationCodes
    directory: Directory
    reports: Reports
    opening_notices: OpeningNotices
    carer_notices: OpeningNotices
    sharing_codes: SharingCodes
    recent_patients: RecentPatients
    history_letters: HistoryLetters

    def unit(self, dossier_id: str) -> UnitOfWork: ...
