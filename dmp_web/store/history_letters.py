"""The monthly history letters' state, on files: one small record per month in the dossier's
folder (`history-letters.json`), changed under its file lock, so two servers running the batch
at once never both claim one letter. Erasing the dossier's folder erases it too.

It holds no access: the letter is made from the dossier's journal, sealed."""
from __future__ import annotations

from collections.abc import Callable

from tinydb.table import Document as Row

from ..domain.history_letters import HistoryLetter
from .codec import from_row, to_row
from .files import FileStore


def _row_id(month: str) -> int:
    return int(month.replace("-", ""))  # "2026-11" → 202611: one row per month


class HistoryLetterRepository:
    def __init__(self, store: FileStore):
        self.store = store

    @staticmethod
    def _segments(dossier_id: str) -> tuple[str, ...]:
        return ("dossiers", dossier_id[:2], dossier_id, "history-letters.json")

    def get(self, dossier_id: str, month: str) -> HistoryLetter | None:
        with self.store.snapshot(*self._segments(dossier_id)) as db:
            row = db.get(doc_id=_row_id(month))
        return from_row(HistoryLetter, dict(row)) if row is not None else None

    def update(self, dossier_id: str, month: str,
               change: Callable[[HistoryLetter | None], HistoryLetter | None]) -> HistoryLetter | None:
        """Read, change and write one letter's state under its lock; change(None) for a letter
        never claimed, and a None it returns changes nothing."""
        with self.store.transaction(*self._segments(dossier_id)) as db:
            row = db.get(doc_id=_row_id(month))
            state = change(from_row(HistoryLetter, dict(row)) if row is not None else None)
            if state is None:
                return None
            db.upsert(Row(to_row(state), doc_id=_row_id(month)))
        return state
