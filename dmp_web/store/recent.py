"""« Mes patients récents » on files: by professional, the DMP they opened lately and when.

One small record per professional (a keyed table, store/sharded.py), at most KEPT dossiers, the
newest; entries older than the window go when the record is written. Derived from the allowed
openings the journal keeps (services/recent_patients.py writes it after each one)."""
from __future__ import annotations

from datetime import datetime, timedelta

from .files import FileStore
from .sharded import ShardedTable

KEPT = 50


class RecentPatients:
    def __init__(self, store: FileStore):
        self._table = ShardedTable(store, "recent-patients")

    def opened(self, rpps: str, dossier_id: str, at: datetime, window: timedelta) -> None:
        def change(row):
            seen = {**(row or {}).get("dossiers", {}), dossier_id: at.isoformat()}
            kept = sorted(((d, t) for d, t in seen.items() if datetime.fromisoformat(t) > at - window),
                          key=lambda item: item[1], reverse=True)[:KEPT]
            return {"dossiers": dict(kept)}

        self._table.update(rpps, change)

    def since(self, rpps: str, since: datetime, limit: int) -> list[tuple[str, datetime]]:
        """(dossier id, last opening) of the openings after `since`, newest first."""
        row = self._table.get(rpps) or {}
        found = [(d, datetime.fromisoformat(t)) for d, t in row.get("dossiers", {}).items()]
        return sorted((f for f in found if f[1] > since), key=lambda f: f[1], reverse=True)[:limit]
