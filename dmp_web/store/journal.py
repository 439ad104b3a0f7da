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
from contextlib import contextmanager
from collections.abc import Callable, Iterator

from ..domain.journal import (
    Actor, ChainKey, ChainProblem, Head, JournalEntry, check_chain, legacy_chain_holds, make_entry,
)
from .files import FileStore

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

    def head(self) -> Head | None:
        """The head as stored; HeadForged if its MAC does not hold (written without the key)."""
        try:
            text = self.store.path(*self.head_segments).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            row = json.loads(text)
            head = Head(row["count"], row["last_hash"], row.get("purged_at"))
            good = row.get("mac") == self.chain.head_mac(self.journal_id, head)
        except (ValueError, KeyError, TypeError, AttributeError):
            good = False  # not a head this code wrote
        if not good:
            raise HeadForged(self.journal_id)
        return head

    def _write_head(self, head: Head) -> None:
        row = {"count": head.count, "last_hash": head.last_hash, "purged_at": head.purged_at,
               "mac": self.chain.head_mac(self.journal_id, head)}
        self.store.write_bytes(self.store.path(*self.head_segments), json.dumps(row).encode("utf-8"))

    # -- entries ----------------------------------------------------------------------------

    def _segment_path(self, number: int):
        return self.store.path(*self.folder, f"{number:08d}.jsonl")

    def _lines(self, number: int, valid: int) -> list[bytes]:
        """The first `valid` lines of a segment (what the head counts; anything after is no entry)."""
        try:
            data = self._segment_path(number).read_bytes()
        except FileNotFoundError:
            return []
        return data.split(b"\n")[:valid] if valid and data else []  # an emptied file holds no line

    @contextmanager
    def hold(self) -> Iterator[HeldJournal]:
        """Hold the head's lock: every other append of this journal waits, in any process."""
        with self.store.lock(*self.head_segments):
            yield HeldJournal(self, self.head() or Head())

    def append(self, make: Callable[[Head], JournalEntry]) -> JournalEntry:
        """Under the head's lock: make(head) gives the next entry."""
        with self.hold() as held:
            entry = make(held.head)
            held.append(entry.as_dict())
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

    def rows_at(self, seqs: list[int], head: Head) -> list[dict]:
        """The stored entries of these seqs (within the head's count), in that order, each segment read once."""
        lines: dict[int, list[bytes]] = {}
        found = []
        for seq in seqs:
            number, offset = divmod(seq, SEGMENT)
            if number not in lines:
                lines[number] = self._lines(number, min(SEGMENT, head.count - number * SEGMENT))
            if 0 <= seq < head.count and offset < len(lines[number]):
                found.append(json.loads(lines[number][offset]))
        return found

    def seqs_where(self, name: str, keep: Callable[[dict], bool], head: Head) -> list[int]:
        """The seqs of the entries keep(row) accepts, oldest first, from an index kept beside the
        segments (index-<name>.json), so a filtered page does not read the whole journal.

        The index is derived, never trusted alone: it says how many entries it covers and the
        hash of the last one. If that entry is not the journal's any more (a journal put back or
        chained again), it is made again from the segments; otherwise only the entries appended
        since are read, and the index is written again (replaced in one step, like a segment)."""
        path = self.store.path(*self.folder, f"index-{name}.json")
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
            mac = index.pop("mac")
            covered, seqs = int(index["count"]), [int(n) for n in index["seqs"]]
            last = self.rows(covered - 1, covered, head=head) if covered else []
            if (mac != self.chain.index_mac(self.journal_id, {**index, "name": name}) or covered > head.count
                    or (covered and (not last or last[0]["hash"] != index["hash"]))):
                covered, seqs = 0, []
        except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
            covered, seqs = 0, []
        if covered < head.count:
            last_hash = head.last_hash
            for number in range(covered // SEGMENT, -(-head.count // SEGMENT)):  # a segment at a time
                added = self.rows(max(covered, number * SEGMENT), min(head.count, (number + 1) * SEGMENT), head=head)
                seqs += [row["seq"] for row in added if keep(row)]
                last_hash = added[-1]["hash"] if added else last_hash
            index = {"count": head.count, "hash": last_hash, "seqs": seqs}
            index["mac"] = self.chain.index_mac(self.journal_id, {**index, "name": name})
            self.store.write_bytes(path, json.dumps(index, separators=(",", ":")).encode("utf-8"))
        return seqs

    def check(self) -> ChainProblem | None:
        """What is wrong with this journal, or None when every entry holds and none is missing."""
        try:
            head = self.head()
        except HeadForged:
            return ChainProblem("head_forged")
        folder = self.store.path(*self.folder)
        if head is None:
            return ChainProblem("head_missing") if folder.is_dir() and any(folder.iterdir()) else None
        if head.purged_at:
            return None
        return check_chain(self.rows(head=head), self.chain, self.journal_id, head)


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
        with self.hold() as held:
            if held.head.count:
                raise ChainBroken(self.journal_id)  # never two journals for one dossier
            for row in rows:
                old = JournalEntry.from_dict(row, open_text)
                held.append(make_entry(held.head, self.journal_id, self.chain, old.at,
                                       Actor(old.actor_kind, old.actor_id, old.actor_name), old.action,
                                       allowed=old.allowed, reason=old.reason, detail=old.detail,
                                       emergency=old.emergency, seal_text=seal_text).as_dict())
        self.store.path(*legacy).unlink()
        return True


class HeldJournal:
    """A journal whose head's lock is held (JournalFiles.hold): appends in order, head last."""

    def __init__(self, files: JournalFiles, head: Head):
        self.files = files
        self.head = head

    def _current_lines(self) -> list[bytes]:
        number, offset = divmod(self.head.count, SEGMENT)
        lines = self.files._lines(number, offset)
        if len(lines) < offset:
            raise ChainBroken(self.files.journal_id)  # entries the head counts are gone: never write over that
        return lines

    def check_appendable(self) -> None:
        """ChainBroken now, before a unit of work writes anything, if an append would fail."""
        self._current_lines()

    def append(self, stored: dict) -> None:
        """Write the stored entry as the next one: its segment first, then the head (the commit)."""
        if stored["seq"] != self.head.count or stored["prev_hash"] != self.head.last_hash:
            raise ChainBroken(self.files.journal_id)  # made for another head: a bug, never written
        number = self.head.count // SEGMENT
        lines = self._current_lines()
        line = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.files.store.write_bytes(self.files._segment_path(number), b"\n".join([*lines, line]))
        self.head = Head(self.head.count + 1, stored["hash"])
        self.files._write_head(self.head)

    def mark_purged(self, at_iso: str) -> None:
        self.head = Head(self.head.count, self.head.last_hash, at_iso)
        self.files._write_head(self.head)

    def stored_at(self, seq: int) -> dict | None:
        rows = self.files.rows(seq, seq + 1, head=self.head)
        return rows[0] if rows else None


class HeadForged(ValueError):
    """A journal's head whose MAC does not hold: written or changed without the journal key."""


class ChainBroken(RuntimeError):
    """Entries the head counts are missing: the journal was cut, nothing is written on top."""
