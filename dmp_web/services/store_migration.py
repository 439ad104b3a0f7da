"""`migrate-store`: a data folder of an earlier version, brought up to date in place.

Keyed indexes were 256 flat shards per table; they move to nested folders. Journals were one
TinyDB file each, chained with plain SHA-256 (anyone could chain them again)
and partly in clear. Each is checked on its old chain first: one that holds moves to segments,
chained with the journal key and sealed; one that does not is left as it is, to be looked at."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migrated:
    migrated: int  # journals
    refused: tuple[str, ...]  # one French line each
    indexes: int = 0  # keyed indexes moved to nested shards


def migrate_store(repos) -> Migrated:
    """Every journal, then every keyed index (whose flat shards move to nested folders)."""
    from ..store.sharded import ShardedTable

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
    return Migrated(migrated, tuple(refused), indexes)
