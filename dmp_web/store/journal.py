"""Journals on files: each one is segments of JSON lines, and a head kept in another folder.

- An append rewrites one segment (at most SEGMENT entries) and the head: the same cost at the
  first entry and the hundred-thousandth. Files are replaced, never changed in place, so the
  backup's hard-link snapshot stays true.
- The head (count, last hash, under its own MAC) is the commit point: the segment is written
  first, then the head. A line past the head's count (a crash between the two) is no entry; the
  next append drops it.
- Kept apart from the entries, the head tells when entries were cut from the end or the journal
  deleted; `check` finds those, and any entry changed, removed or chained again without the key.
"""
from __future__ import annotations

import json
from typing import Callable, Iterator

from tinydb.table import Document

from ..domain.journal import (
    GENESIS, Actor, ChainKey, ChainProblem, Head, JournalEntry, check_chain, legacy_chain_holds, make_entry,
)
from .files import FileStore, atomic_write_bytes

SEGMENT = 64  # entries per segment file: a page of history reads one or two


class JournalFiles:
    """One hash-chained journal (a dossier's, or the operators')."""

    def __init__(self, store: FileStore, chain: ChainKey, journal_id: str, folder: tuple[str, ...],
                 head: tuple[str, ...]):
        self.store = store
        self.chain = chain
        self.journal_id = journal_id
        self.folder = folder
        self.head_segments = head

    # -- the head ---------------------------------------------------------------------------

    def _head_from(self, row) -> Head | None:
        if row is None:
            return None
        head = Head(row["count"], row["last_hash"], row.get("purged_at"))
        if row.get("mac") != self.chain.head_mac(self.journal_id, head):
            raise HeadForged(self.journal_id)
        return head

    def head(self) -> Head | None:
        """The head as stored; HeadForged if its MAC does not hold (written without the key)."""
        with self.store.snapshot(*self.head_segments) as db:
            return self._head_from(db.get(doc_id=1))

    def _write_head(self, db, head: Head) -> None:
        db.upsert(Document({"count": head.count, "last_hash": head.last_hash, "purged_at": head.purged_at,
                            "mac": self.chain.head_mac(self.journal_id, head)}, doc_id=1))

    # -- entries ----------------------------------------------------------------------------

    def _segment_path(self, number: int):
        return self.store.path(*self.folder, f"{number:08d}.jsonl")

    def _lines(self, number: int, valid: int) -> list[bytes]:
        """The first `valid` lines of a segment (what the head counts; anything after is no entry)."""
        try:
            data = self._segment_path(number).read_bytes()
        except FileNotFoundError:
            return []
        return data.split(b"\n")[:valid] if valid else []

    def append(self, make: Callable[[Head], JournalEntry]) -> JournalEntry:
        """Under the head's lock: make(head) gives the next entry; segment first, then head."""
        with self.store.transaction(*self.head_segments) as db:
            head = self._head_from(db.get(doc_id=1)) or Head()
            if head.purged_at:
                raise LookupError(f"journal {self.journal_id} was purged")
            entry = make(head)
            number, offset = divmod(head.count, SEGMENT)
            lines = self._lines(number, offset)
            if len(lines) < offset:
                raise ChainBroken(self.journal_id)  # entries the head counts are gone: never write over that
            line = json.dumps(entry.as_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            atomic_write_bytes(self._segment_path(number), b"\n".join([*lines, line]))
            self._write_head(db, Head(head.count + 1, entry.hash))
        return entry

    def rows(self, start: int = 0, stop: int | None = None, head: Head | None = None) -> list[dict]:
        """The stored entries start..stop-1 (within the head's count)."""
        head = head if head is not None else (self.head() or Head())
        stop = head.count if stop is None else min(stop, head.count)
        found = []
        for number in range(start // SEGMENT, -(-stop // SEGMENT) if stop > 0 else 0):
            valid = min(SEGMENT, head.count - number * SEGMENT)
            for offset, line in enumerate(self._lines(number, valid)):
                seq = number * SEGMENT + offset
                if start <= seq < stop:
                    found.append(json.loads(line))
        return found

    def rows_where(self, keep: Callable[[dict], bool], head: Head) -> Iterator[dict]:
        """The stored entries that keep(row) accepts, newest first, reading one segment at a time."""
        for number in range((head.count - 1) // SEGMENT, -1, -1) if head.count else ():
            valid = min(SEGMENT, head.count - number * SEGMENT)
            for line in reversed(self._lines(number, valid)):
                row = json.loads(line)
                if keep(row):
                    yield row

    def check(self) -> ChainProblem | None:
        """What is wrong with this journal, or None when every entry holds and none is missing."""
        try:
            head = self.head()
        except HeadForged:
            return ChainProblem("head_forged")
        present = self.store.path(*self.folder).is_dir() and any(self.store.path(*self.folder).iterdir())
        if head is None:
            return ChainProblem("head_missing") if present else None
        if head.purged_at:
            return None
        rows = self.rows(head=head)
        return check_chain(rows, self.chain, self.journal_id, head)

    def mark_purged(self, at_iso: str) -> None:
        """The dossier was erased: the head stays, marked, so the anchor's check knows why."""
        with self.store.transaction(*self.head_segments) as db:
            head = self._head_from(db.get(doc_id=1)) or Head()
            self._write_head(db, Head(head.count, head.last_hash, at_iso))

    def migrate_legacy(self, legacy: tuple[str, ...], seal_text: Callable[[str], str] | None = None,
                       open_text: Callable[[str], str] | None = None) -> bool | None:
        """Move a journal of an older store (one TinyDB file, an unkeyed chain, maybe in clear)
        here, chained with the key, sealed with seal_text. None: nothing to migrate; False: its
        old chain does not hold, so it is left as it is, to be looked at."""
        if not self.store.exists(*legacy):
            return None
        with self.store.snapshot(*legacy) as db:
            rows = [dict(row) for row in db.all()]
        if not legacy_chain_holds(rows):
            return False
        entries, head = [], Head()
        for row in rows:
            old = JournalEntry.from_dict(row, open_text)
            entry = make_entry(head, self.journal_id, self.chain, old.at,
                               Actor(old.actor_kind, old.actor_id, old.actor_name), old.action,
                               allowed=old.allowed, reason=old.reason, detail=old.detail, emergency=old.emergency,
                               seal_text=seal_text)
            entries.append(entry)
            head = Head(head.count + 1, entry.hash)
        self._write_all(entries)
        self.store.path(*legacy).unlink()
        return True

    def _write_all(self, entries: list[JournalEntry]) -> None:
        with self.store.transaction(*self.head_segments) as db:
            for number in range(0, -(-len(entries) // SEGMENT)):
                chunk = entries[number * SEGMENT:(number + 1) * SEGMENT]
                atomic_write_bytes(self._segment_path(number), b"\n".join(
                    json.dumps(e.as_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                    for e in chunk))
            self._write_head(db, Head(len(entries), entries[-1].hash if entries else GENESIS))


class HeadForged(ValueError):
    """A journal's head whose MAC does not hold: written or changed without the journal key."""


class ChainBroken(RuntimeError):
    """Entries the head counts are missing: the journal was cut, nothing is written on top."""
