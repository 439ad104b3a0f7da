"""The operators' journal: who ran which command, when, and what it did. Chained with the journal
key like a dossier's history (store/journal.py), and checked by `flask journal-check` with them."""
from __future__ import annotations

from datetime import datetime

from ..domain.journal import OPERATORS_JOURNAL, OPERATOR_ACTIONS, Actor, ChainKey, JournalEntry, make_entry
from .files import FileStore
from .journal import JournalFiles

_LEGACY = ("operators", "journal.json")


class OperatorsJournal:
    def __init__(self, store: FileStore, chain: ChainKey):
        self.store = store
        self.chain = chain
        self.files = JournalFiles(store, chain, OPERATORS_JOURNAL, ("operators", "journal"),
                                  ("journal-heads", f"{OPERATORS_JOURNAL}.json"))

    def append(self, at: datetime, operator: Actor, action: str, detail: str = "", allowed: bool = True,
               reason: str = "") -> JournalEntry:
        if action not in OPERATOR_ACTIONS:
            raise ValueError(f"not an operator's action: {action!r}")
        return self.files.append(lambda head: make_entry(head, OPERATORS_JOURNAL, self.chain, at, operator, action,
                                                         detail=detail, allowed=allowed, reason=reason))

    def entries(self) -> list[JournalEntry]:
        return [JournalEntry.from_dict(row) for row in self.files.rows()]

    def check(self):
        return self.files.check()

    def head(self):
        return self.files.head()

    def stored_row(self, seq: int) -> dict | None:
        rows = self.files.rows(seq, seq + 1, head=self.files.head())
        return rows[0] if rows else None

    def migrate_legacy(self) -> bool | None:
        return self.files.migrate_legacy(_LEGACY)
