"""Sessions kept in the store: the browser's cookie holds only a random id.

A record lives in a small file of its own, named by the SHA-256 of the id (the store never holds
a usable id), its data sealed. Each account's sessions are listed in a keyed index, so that a
password change or a deactivation can end them all, and « Mon compte » can show them.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tinydb.table import Document

from .crypto import Sealer
from .files import FileStore
from .sharded import ShardedTable


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


@dataclass
class SessionRecord:
    created_at: datetime
    last_seen: datetime
    account: str = ""  # "patient:<dossier id>", "pro:<login id>", or "" before login
    device: str = ""  # what the browser says it is, in a few words («Firefox, Linux»)
    data: dict = field(default_factory=dict)


class SessionRepository:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer
        self._by_account = ShardedTable(store, "sessions-by-account")
        self._kept_forms = ShardedTable(store, "kept-forms")

    @staticmethod
    def _file(digest: str) -> tuple[str, str, str]:
        return ("sessions", digest[:2], digest + ".json")

    def get(self, digest: str) -> SessionRecord | None:
        with self.store.snapshot(*self._file(digest)) as db:
            row = db.get(doc_id=1)
        if row is None:
            return None
        return SessionRecord(
            created_at=datetime.fromisoformat(row["created_at"]), last_seen=datetime.fromisoformat(row["last_seen"]),
            account=row["account"], device=row["device"],
            data=json.loads(self.sealer.open_text(row["data"])) if row["data"] else {},
        )

    def put(self, digest: str, record: SessionRecord, previous_account: str | None = None) -> None:
        with self.store.transaction(*self._file(digest)) as db:
            db.upsert(Document({
                "created_at": record.created_at.isoformat(), "last_seen": record.last_seen.isoformat(),
                "account": record.account, "device": record.device,
                "data": self.sealer.seal_text(json.dumps(record.data, separators=(",", ":"))) if record.data else "",
            }, doc_id=1))
        if record.account != (previous_account or ""):
            if previous_account:
                self._unlist(previous_account, digest)
            if record.account:
                self._by_account.update(record.account, lambda row: {
                    **(row or {}), digest: {"created_at": record.created_at.isoformat(), "device": record.device}})

    def delete(self, digest: str) -> None:
        record = self.get(digest)
        path = self.store.path(*self._file(digest))
        with self.store.writing():
            path.unlink(missing_ok=True)
            Path(str(path) + ".lock").unlink(missing_ok=True)
        if record and record.account:
            self._unlist(record.account, digest)

    def _unlist(self, account: str, digest: str) -> None:
        self._by_account.update(account, lambda row: {k: v for k, v in (row or {}).items() if k != digest} or None)

    def of_account(self, account: str) -> list[tuple[str, SessionRecord]]:
        """The account's sessions that still exist, oldest first."""
        found = []
        for digest in (self._by_account.get(account) or {}):
            record = self.get(digest)
            if record is not None and record.account == account:
                found.append((digest, record))
        return sorted(found, key=lambda item: item[1].created_at)

    def listed(self, account: str) -> list[str]:
        """The digests the account's index lists (a session may have ended since)."""
        return list(self._by_account.get(account) or {})

    def end(self, account: str, digests: list[str]) -> None:
        """End these sessions of the account; one already ended is no harm."""
        for digest in digests:
            self.delete(digest)
            self._unlist(account, digest)

    def end_all(self, account: str, keep: str | None = None) -> int:
        """End every session of the account (but `keep`, the digest of the one in use)."""
        digests = [d for d in self.listed(account) if d != keep]
        self.end(account, digests)
        return len(digests)

    def keep_form(self, account: str, form: dict, at: datetime) -> None:
        """What a form held when its session had ended: sealed, one per account (the last)."""
        self._kept_forms.put(account, {"at": at.isoformat(),
                                       "sealed": self.sealer.seal_text(json.dumps(form, ensure_ascii=False))})

    def take_form(self, account: str, now: datetime, keep_for) -> dict | None:
        """The account's kept form, once, if it is younger than `keep_for`."""
        taken = []
        self._kept_forms.update(account, lambda row: taken.append(row) or None)
        row = taken[0] if taken else None
        if row is None or now - datetime.fromisoformat(row["at"]) > keep_for:
            return None
        return json.loads(self.sealer.open_text(row["sealed"]))

    def purge(self, now: datetime, idle, max_age) -> int:
        """Delete the sessions that can open nothing any more (idle too long, or too old): a
        batch job's walk over the sessions folder, never a page's."""
        folder = self.store.path("sessions")
        ended = 0
        for path in sorted(folder.glob("*/*.json")) if folder.exists() else []:
            record = self.get(path.stem)
            if record is not None and (now - record.last_seen > idle or now - record.created_at > max_age):
                self.delete(path.stem)
                ended += 1
        return ended
