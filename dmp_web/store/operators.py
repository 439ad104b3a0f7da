"""The operators' journal: who ran which command, when, and what it did. Hash-chained like a
dossier's history, and checked by `flask journal-check` with them."""
from __future__ import annotations

from datetime import datetime

from ..domain.journal import GENESIS, OPERATOR_ACTIONS, Actor, JournalEntry, make_entry
from .files import FileStore

_FILE = ("operators", "journal.json")


class OperatorsJournal:
    def __init__(self, store: FileStore):
        self.store = store

    def append(self, at: datetime, operator: Actor, action: str, detail: str = "", allowed: bool = True,
               reason: str = "") -> JournalEntry:
        if action not in OPERATOR_ACTIONS:
            raise ValueError(f"not an operator's action: {action!r}")
        with self.store.transaction(*_FILE) as db:
            last = db.get(doc_id=len(db)) if len(db) else None
            entry = make_entry(last["hash"] if last else GENESIS, at, operator, action, detail=detail,
                               allowed=allowed, reason=reason)
            db.insert(entry.as_dict())
        return entry

    def entries(self) -> list[JournalEntry]:
        with self.store.snapshot(*_FILE) as db:
            return [JournalEntry.from_dict(dict(row)) for row in db.all()]
