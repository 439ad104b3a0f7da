"""Records found by key without reading the others.

A key (an NIR, a login identifier, an RPPS number…) is hashed to pick one of 256 shard files;
a lookup opens that one small file. At 100,000 keys a shard holds about 400 entries, so a
lookup costs the same at 1,000 or 100,000 dossiers.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import Callable, Iterator

from tinydb import Query

from .files import FileStore

_KEY = Query().key


class KeyTaken(ValueError):
    """The key already holds another value."""


class ShardedTable:
    """A map from string keys to JSON records, spread over shard files."""

    def __init__(self, store: FileStore, name: str, shard_chars: int = 2):
        self.store = store
        self.name = name
        self.shard_chars = shard_chars

    def shard_of(self, key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[: self.shard_chars] + ".json"

    def _segments(self, key: str) -> tuple[str, str, str]:
        return ("keyed", self.name, self.shard_of(key))

    def get(self, key: str) -> dict | None:
        with self.store.snapshot(*self._segments(key)) as db:
            found = db.get(_KEY == key)
        return dict(found["value"]) if found else None

    def put(self, key: str, value: dict) -> None:
        with self.store.transaction(*self._segments(key)) as db:
            db.upsert({"key": key, "value": value}, _KEY == key)

    def add(self, key: str, value: dict) -> None:
        """Put a new key; refuse one that already holds a different value."""
        with self.store.transaction(*self._segments(key)) as db:
            found = db.get(_KEY == key)
            if found is not None:
                if found["value"] != value:
                    raise KeyTaken(key)
                return
            db.insert({"key": key, "value": value})

    def update(self, key: str, change: Callable[[dict | None], dict | None]) -> dict | None:
        """Read, change and write one record under its shard's lock; None deletes it."""
        with self.store.transaction(*self._segments(key)) as db:
            found = db.get(_KEY == key)
            new = change(dict(found["value"]) if found else None)
            if new is None:
                db.remove(_KEY == key)
            else:
                db.upsert({"key": key, "value": new}, _KEY == key)
            return new

    def update_many(self, changes: dict[str, Callable[[dict | None], dict | None]]) -> dict[str, dict | None]:
        """update() for many keys at once: each shard is read, changed and written once, under
        its lock (a batch import costs one write per shard, not one per key)."""
        by_shard: dict[str, dict] = {}
        for key, change in changes.items():
            by_shard.setdefault(self.shard_of(key), {})[key] = change
        results: dict[str, dict | None] = {}
        for shard, group in sorted(by_shard.items()):
            with self.store.transaction("keyed", self.name, shard) as db:
                existing = {row["key"]: row for row in db.all() if row["key"] in group}
                stale, fresh = [], []
                for key, change in group.items():
                    row = existing.get(key)
                    new = change(dict(row["value"]) if row else None)
                    results[key] = new
                    if row is not None and new == row["value"]:
                        continue
                    if row is not None:
                        stale.append(row.doc_id)
                    if new is not None:
                        fresh.append({"key": key, "value": new})
                if stale:
                    db.remove(doc_ids=stale)
                if fresh:
                    db.insert_multiple(fresh)
        return results

    @contextmanager
    def updating(self, key: str) -> Iterator[dict]:
        """Hold the shard's lock while the caller changes the record in place; written on exit."""
        with self.store.transaction(*self._segments(key)) as db:
            found = db.get(_KEY == key)
            if found is None:
                raise KeyError(key)
            value = dict(found["value"])
            yield value
            db.update({"value": value}, _KEY == key)

    def delete(self, key: str) -> bool:
        with self.store.transaction(*self._segments(key)) as db:
            return bool(db.remove(_KEY == key))

    def items(self) -> Iterator[tuple[str, dict]]:
        """Every record: for batch jobs (imports, purges), never for a page."""
        folder = self.store.path("keyed", self.name)
        if not folder.exists():
            return
        for shard in sorted(p.name for p in folder.glob("*.json")):
            with self.store.snapshot("keyed", self.name, shard) as db:
                for row in db.all():
                    yield row["key"], dict(row["value"])
