"""Records found by key without reading the others.

A key (an NIR, a login identifier, an RPPS number…) is hashed to pick one of 16.7 million shard
files, in nested folders (keyed/<table>/ab/cd/ef.json); a lookup opens that one small file. At the
68 million people of the register a shard holds about 4 entries, at 100,000 keys one: a lookup
reads the same small file at any size. One lock file serves each top folder's shards.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Callable, Iterator

from tinydb import Query

from .files import FileStore

_KEY = Query().key


class KeyTaken(ValueError):
    """The key already holds another value."""


class ShardedTable:
    """A map from string keys to JSON records, spread over shard files."""

    def __init__(self, store: FileStore, name: str):
        self.store = store
        self.name = name

    def shard_of(self, key: str) -> tuple[str, str, str]:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return (digest[0:2], digest[2:4], digest[4:6] + ".json")

    def _segments(self, key: str) -> tuple[str, ...]:
        return ("keyed", self.name, *self.shard_of(key))

    def _transaction(self, segments: tuple[str, ...]):
        # one lock for the 65,536 shards under each of the 256 top folders
        return self.store.transaction(*segments, shared_lock=(*segments[:3], "shards"))

    def get(self, key: str) -> dict | None:
        with self.store.snapshot(*self._segments(key)) as db:
            found = db.get(_KEY == key)
        return dict(found["value"]) if found else None

    def put(self, key: str, value: dict) -> None:
        with self._transaction(self._segments(key)) as db:
            db.upsert({"key": key, "value": value}, _KEY == key)

    def add(self, key: str, value: dict) -> None:
        """Put a new key; refuse one that already holds a different value."""
        with self._transaction(self._segments(key)) as db:
            found = db.get(_KEY == key)
            if found is not None:
                if found["value"] != value:
                    raise KeyTaken(key)
                return
            db.insert({"key": key, "value": value})

    def update(self, key: str, change: Callable[[dict | None], dict | None]) -> dict | None:
        """Read, change and write one record under its shard's lock; None deletes it."""
        with self._transaction(self._segments(key)) as db:
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
        by_shard: dict[tuple[str, ...], dict] = {}
        for key, change in changes.items():
            by_shard.setdefault(self.shard_of(key), {})[key] = change
        results: dict[str, dict | None] = {}
        for shard, group in sorted(by_shard.items()):
            with self._transaction(("keyed", self.name, *shard)) as db:
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
        with self._transaction(self._segments(key)) as db:
            found = db.get(_KEY == key)
            if found is None:
                raise KeyError(key)
            value = dict(found["value"])
            yield value
            db.update({"value": value}, _KEY == key)

    def delete(self, key: str) -> bool:
        with self._transaction(self._segments(key)) as db:
            return bool(db.remove(_KEY == key))

    def items(self) -> Iterator[tuple[str, dict]]:
        """Every record: for batch jobs (imports, purges), never for a page."""
        folder = self.store.path("keyed", self.name)
        if not folder.exists():
            return
        for shard in sorted(folder.glob("*/*/*.json")):
            with self.store.snapshot("keyed", self.name, *shard.relative_to(folder).parts) as db:
                for row in db.all():
                    yield row["key"], dict(row["value"])

    def migrate_flat(self) -> int:
        """Move the records of an older store's 256 flat shards (keyed/<table>/ab.json) to the
        nested ones; the number moved. Each flat shard goes once all its records are written."""
        folder = self.store.path("keyed", self.name)
        moved = 0
        for flat in sorted(folder.glob("*.json")) if folder.exists() else []:
            with self.store.snapshot("keyed", self.name, flat.name) as db:
                rows = {row["key"]: dict(row["value"]) for row in db.all()}
            self.update_many({key: (lambda _old, v=value: v) for key, value in rows.items()})
            flat.unlink()
            Path(str(flat) + ".lock").unlink(missing_ok=True)
            moved += len(rows)
        return moved
