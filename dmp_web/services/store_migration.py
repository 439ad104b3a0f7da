"""`migrate-store`: a data folder of an earlier version, brought up to date in place.

Keyed indexes were 256 flat shards per table; they move to nested folders. Journals were one
TinyDB file each, chained with plain SHA-256 (anyone could chain them again)
and partly in clear. Each is checked on its old chain first: one that holds moves to segments,
chained with the journal key and sealed; one that does not is left as it is, to be looked at.
Dossiers held no INS: each takes its patient's from the register."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..store.files import FileStore

# What this code reads: 2 = journals in segments with heads and a keyed chain, nested shards;
# 3 = each dossier holds its INS (matricule and OID).
STORE_VERSION = 3
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
    ins: int = 0  # dossiers that took their INS from the register
    without_ins: tuple[str, ...] = ()  # one French line each: a dossier whose patient the register lacks


def migrate_store(repos, letters=None) -> Migrated:
    """Every keyed index (whose flat shards move to nested folders), every journal, then each
    dossier's INS (fill_ins).

    Only a folder of an earlier version is migrated: in one that is up to date, an old-format
    journal can only have been put there by hand (whoever did can compute its unkeyed chain), so
    it is never chained with the key; journal-check reports it."""
    from ..store.sharded import ShardedTable

    if store_version(repos.store) >= STORE_VERSION:
        return Migrated(0, (), 0, 0)
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
    ins, without_ins = fill_ins(repos)
    if not refused:
        mark_current(repos.store)
    return Migrated(migrated, tuple(refused), indexes, ins, without_ins)


def fill_ins(repos) -> tuple[int, tuple[str, ...]]:
    """Each dossier without its INS takes it from the register (where its 5 traits stay); how many
    did, and a line for each whose patient the register does not know (it keeps its INS-C). Again:
    nothing changes."""
    filled, missing = 0, []
    for dossier_id in repos.dossiers.all_ids():
        dossier = repos.dossiers.get(dossier_id)
        if dossier is None or dossier.ins:
            continue
        person = repos.register.get(dossier.holder_nir)
        if person is None:
            missing.append(f"DMP {dossier_id} : la personne n’est pas dans le registre ; il n’a pas d’INS.")
            continue
        if dossier.hold_ins(person.ins):
            repos.dossiers.save(dossier)
            filled += 1
    return filled, tuple(missing)
