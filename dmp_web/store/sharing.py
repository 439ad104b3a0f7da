"""The sharing codes' index on files: a code's digest → its dossier, until the code expires.

A professional types only the code (and the patient's birth date), so the digest must find the
dossier without reading any other: a keyed table (store/sharded.py). The dossier's own record
says whether the code is still live (domain/sharing.py); this index only points. An entry goes
when its code is used or cancelled; an expired one finds nothing, and goes when it is looked up
or at the purge.
"""
from __future__ import annotations

from datetime import datetime

from .files import FileStore
from .sharded import ShardedTable


class SharingCodeIndex:
    def __init__(self, store: FileStore):
        self._table = ShardedTable(store, "sharing-codes")

    def add(self, digest: str, dossier_id: str, expires_at: datetime) -> None:
        self._table.put(digest, {"dossier": dossier_id, "expires_at": expires_at.isoformat()})

    def find(self, digest: str, now: datetime) -> str | None:
        """The dossier of a code not yet expired; None otherwise (an expired entry is dropped)."""
        row = self._table.get(digest)
        if row is None:
            return None
        if datetime.fromisoformat(row["expires_at"]) <= now:
            self._table.delete(digest)
            return None
        return row["dossier"]

    def forget(self, digest: str) -> None:
        self._table.delete(digest)

    def purge(self, now: datetime) -> int:
        """Drop every expired entry (a batch job: it reads every shard); how many."""
        expired = [key for key, row in self._table.items() if datetime.fromisoformat(row["expires_at"]) <= now]
        for key in expired:
            self._table.delete(key)
        return len(expired)
