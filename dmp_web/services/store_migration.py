"""`migrate-store`: a data folder of an earlier version, brought up to date in place.

Keyed indexes were 256 flat shards per table; they move to nested folders. Journals were one
TinyDB file each, chained with plain SHA-256 (anyone could chain them again)
and partly in clear. Each is checked on its old chain first: one that holds moves to segments,
chained with the journal key and sealed; one that does not is left as it is, to be looked at."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..store.files import FileStore

# What this code reads: 2 = journals in segments with heads and a keyed chain, nested shards.
STORE_VERSION = 2
VERSION_FILE = "store-version.json"
_HOLDS_DATA = ("dossiers", "keyed", "operators", "journal-heads")


def store_version(store: FileStore) -> int:
    """The version of the data in this folder: a new folder takes this code's at once; a folder
    with data but no version file was written before versions (1)."""
    path = store.path(VERSION_FILE)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["version"]
    if not any(store.path(name).exists() for name in _HOLDS_DATA):
        mark_current(store)
        return STORE_VERSION
    return 1


def mark_current(store: FileStore) -> None:
    store.root.mkdir(parents=True, exist_ok=True)
    store.write_bytes(store.path(VERSION_FILE), json.dumps({"version": STORE_VERSION}).encode("utf-8"))


@dataclass(frozen=True)
class Migrated:
    migrated: int  # journals
    refused: tuple[str, ...]  # one French line each
    indexes: int = 0  # keyed indexes moved to nested shards


def migrate_store(repos, letters=None) -> Migrated:
    """Every keyed index (whose flat shards move to nested folders), then every journal.

    Only a folder of an earlier version is migrated: in one that is up to date, an old-format
    journal can only have been put there by hand (whoever did can compute its unkeyed chain), so
    it is never chained with the key; journal-check reports it."""
    from ..store.sharded import ShardedTable

    if store_version(repos.store) >= STORE_VERSION:
        return Migrated(0, (), 0)
    migrated, refused, indexes = 0, [], 0
    keyed = repos.store.path("keyed")
    for table in sorted(p.name for p in keyed.iterdir() if p.is_dir()) if keyed.exists() else []:
        indexes += bool(ShardedTable(repos.store, table).migrate_flat())
    for dossier_id in repos.dossiers.all_ids():
        outcome = repos.journal.migrate_legacy(dossier_id)
        migrated += outcome is True
        if outcome is False:
            refused.append(f"DMP {dossier_id} : l’ancien historique a été modifié ; il reste tel quel.")
    outcome = repos.operators.migrate_legacy()
    migrated += outcome is True
    if outcome is False:
        refused.append("Journal des opérateurs : l’ancien journal a été modifié ; il reste tel quel.")
    if letters is not None:
        letters.migrate_legacy()  # queued in clear by an earlier version: sealed now
    if not refused:
        mark_current(repos.store)
    return Migrated(migrated, tuple(refused), indexes)
