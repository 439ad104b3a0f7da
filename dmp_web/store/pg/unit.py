"""The unit of work on PostgreSQL: one transaction per use case on one dossier.

Entering takes the dossier's lock (a transaction-scoped advisory lock on its id, which works
before the dossier's row exists, at its creation); reads see the records as they are under
that lock; changes are written at once in the transaction, and the journal entries at commit,
after them. Commit makes all of them visible at once; leaving without commit (an exception, a
refusal) rolls back every one. A crash is a rollback: no intent file, nothing to recover.
"""
from __future__ import annotations

from datetime import datetime

import psycopg

from ...domain.access import EmergencyAccess
from ...domain.accounts import Account
from ...domain.documents import Document
from ...domain.dossier import Dossier
from ...domain.journal import JournalEntry
from ...domain.reimbursements import Reimbursement
from ...domain.reports import Report
from ...domain.wishes import Wishes
from ..files import StoreBusy
from ..unit import UnitNotCommitted


class PgUnit:
    def __init__(self, repos, dossier_id: str):
        self.repos = repos
        self.dossier_id = dossier_id
        self._entries: list[dict] = []
        self._done = False

    def __enter__(self) -> PgUnit:
        self._connection = self.repos.db.pool.connection()
        self.conn = self._connection.__enter__()
        try:
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (self.dossier_id,))
        except psycopg.errors.LockNotAvailable as waited:  # lock_timeout: as the file store's StoreBusy
            self._connection.__exit__(type(waited), waited, None)
            raise StoreBusy(self.dossier_id) from None
        return self

    def __exit__(self, *exc) -> None:
        if not self._done:
            self.conn.rollback()  # not committed: nothing of it is kept
        self._connection.__exit__(*exc)

    # -- reads, under the lock ----------------------------------------------------------------

    def dossier(self) -> Dossier | None:
        return self.repos.dossiers.get(self.dossier_id, conn=self.conn)

    def document(self, document_id: str) -> Document | None:
        return self.repos.documents.get(self.dossier_id, document_id, conn=self.conn)

    def wishes(self) -> Wishes:
        return self.repos.wishes.get(self.dossier_id, conn=self.conn)

    def reimbursements(self) -> list[Reimbursement]:
        return self.repos.reimbursements.list(self.dossier_id, conn=self.conn)

    def account(self, slot: str = "") -> Account | None:
        return self.repos.accounts.get(self.dossier_id, slot, conn=self.conn)

    def reports(self) -> list[Report]:
        return self.repos.reports.of_dossier(self.dossier_id, conn=self.conn)

    # -- changes, in the transaction ----------------------------------------------------------

    def add_dossier(self, dossier: Dossier) -> None:
        """A new dossier (KeyTaken when the person has one): with its account and first entry,
        in the same transaction, so a creation cut short leaves no NIR taken for nothing."""
        self.repos.dossiers.add(dossier, conn=self.conn)

    def add_account(self, account: Account) -> Account:
        """The new dossier's account, under a login identifier no one else has (given back)."""
        return self.repos.accounts.add(account, conn=self.conn)

    def save_dossier(self, dossier: Dossier) -> None:
        self.repos.dossiers.save(dossier, conn=self.conn)

    def save_document(self, document: Document) -> None:
        self.repos.documents.save(document, conn=self.conn)

    def add_document(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
                     data: bytes | None = None) -> None:
        self.repos.documents.add(document, text=text, file_name=file_name, content_type=content_type, data=data,
                                 conn=self.conn)

    def save_wishes(self, wishes: Wishes) -> None:
        self.repos.wishes.save(self.dossier_id, wishes, conn=self.conn)

    def save_reimbursements(self, rows: list[Reimbursement]) -> None:
        self.repos.reimbursements.save_sealed(self.dossier_id, self.repos.reimbursements.seal(rows), conn=self.conn)

    def add_emergency(self, access: EmergencyAccess) -> None:
        self.repos.emergencies.add(self.dossier_id, access, conn=self.conn)

    def save_account(self, account: Account) -> None:
        self.repos.accounts.save(account, conn=self.conn)

    def save_report(self, report: Report) -> None:
        self.repos.reports.save(report, conn=self.conn)

    def end_sessions(self, owner: str, keep: str | None = None) -> int:
        digests = [d for d in self.repos.sessions.listed(owner, conn=self.conn) if d != keep]
        if digests:
            self.repos.sessions.end(owner, digests, conn=self.conn)
        return len(digests)

    def erase(self, login_id: str | None, at: datetime) -> None:
        """Erase the dossier (purge-closed): every row of it, its journal's head marked purged."""
        dossier = self.dossier()
        if dossier is not None:
            self.repos.dossiers.delete(dossier, login_id, conn=self.conn)
        self.repos.journal.mark_purged_in(self.conn, self.dossier_id, at.isoformat())

    def journal(self, **fields) -> None:
        self._entries.append(fields)

    def commit(self) -> list[JournalEntry]:
        if self._done:
            raise UnitNotCommitted("this unit of work was already committed")
        entries = [self.repos.journal.append_in(self.conn, self.dossier_id, **fields) for fields in self._entries]
        self.conn.commit()
        self._done = True
        return entries
