"""Where each dossier's messages made from the journal stand, on files: the hourly «un soignant
a ouvert votre DMP» (kind "openings") and the carers' daily one (kind "carers"), each apart.

- The state is one small record in the dossier's folder (`opening-notices.json`, or
  `carer-notices.json`), changed under its file lock: two servers telling the same act never
  both send.
- The messages that wait are a folder, one file per dossier (`notice-queue/<dossier id>.json`,
  or `carer-notice-queue/`, its due time): the worker lists that folder, never every dossier. The
  file follows the state, written or deleted under the same lock.

Neither holds who opened the DMP nor what a carer did: the message is made from the dossier's
journal, sealed.
"""
from __future__ import annotations

import json
from contextlib import suppress
from datetime import datetime
from collections.abc import Callable

from tinydb.table import Document as Row

from ..domain.notices import OpeningDigest
from .codec import from_row, to_row
from .files import FileStore

QUEUE = "notice-queue"
# each kind of message: its state's file in the dossier's folder, and its queue's folder
KINDS = {"openings": ("opening-notices.json", QUEUE), "carers": ("carer-notices.json", "carer-notice-queue")}


class OpeningNoticeRepository:
    def __init__(self, store: FileStore, kind: str = "openings"):
        self.store = store
        self.file, self.queue = KINDS[kind]

    def _segments(self, dossier_id: str) -> tuple[str, ...]:
        return ("dossiers", dossier_id[:2], dossier_id, self.file)

    def get(self, dossier_id: str) -> OpeningDigest | None:
        with self.store.snapshot(*self._segments(dossier_id)) as db:
            row = db.get(doc_id=1)
        return from_row(OpeningDigest, dict(row)) if row is not None else None

    def update(self, dossier_id: str, change: Callable[[OpeningDigest | None], OpeningDigest | None]
               ) -> OpeningDigest | None:
        """Read, change and write the state under its lock; change(None) for a dossier with none
        yet, and a None it returns changes nothing. The queue's file follows the new state."""
        with self.store.transaction(*self._segments(dossier_id)) as db:
            row = db.get(doc_id=1)
            state = change(from_row(OpeningDigest, dict(row)) if row is not None else None)
            if state is None:
                return None
            db.upsert(Row(to_row(state), doc_id=1))
            self._queue(dossier_id, state.due_at)
        return state

    def _queue(self, dossier_id: str, due_at: datetime | None) -> None:
        path = self.store.path(self.queue, f"{dossier_id}.json")
        if due_at is None:
            with suppress(FileNotFoundError):
                path.unlink()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self.store.write_bytes(path, json.dumps({"due_at": due_at.isoformat()}).encode())

    def due(self, now: datetime, limit: int = 100) -> list[str]:
        """The dossiers whose message is due now, the longest waiting first."""
        folder = self.store.path(self.queue)
        if not folder.is_dir():
            return []
        waiting = []
        for path in folder.glob("*.json"):
            try:
                due_at = datetime.fromisoformat(json.loads(path.read_text("utf-8"))["due_at"])
            except FileNotFoundError:
                continue  # sent meanwhile by another worker
            if due_at <= now:
                waiting.append((due_at, path.stem))
        return [dossier_id for _, dossier_id in sorted(waiting)[:limit]]

    def forget(self, dossier_id: str) -> None:
        """A dossier that is no more (erased): its message no longer waits."""
        self._queue(dossier_id, None)
