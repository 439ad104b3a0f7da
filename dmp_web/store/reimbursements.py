"""The dossier's reimbursements: one sealed record in the dossier's folder (health data: never in clear).

The whole list is sealed as one token, so what care a person had, and when, never shows on disk.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from tinydb.table import Document as Row

from ..domain.reimbursements import Reimbursement
from .codec import from_row, to_row
from .crypto import Sealer
from .files import FileStore
from .sealed import reseal_record

FILENAME = "reimbursements.json"


class ReimbursementRepository:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer

    def _segments(self, dossier_id: str) -> tuple[str, ...]:
        return ("dossiers", dossier_id[:2], dossier_id, FILENAME)

    def list(self, dossier_id: str) -> list[Reimbursement]:
        """Every row the dossier holds, as stored (callers choose what to show: see domain `shown`)."""
        with self.store.snapshot(*self._segments(dossier_id)) as db:
            row = db.get(doc_id=1)
        return self._open(row)

    def seal(self, rows: list[Reimbursement]) -> str:
        return self.sealer.seal_text(json.dumps([to_row(r) for r in rows], ensure_ascii=False))

    def save_sealed(self, dossier_id: str, sealed: str) -> None:
        """Write the record (changes go through a unit of work, under the dossier's lock; only
        real ones: a new seal of the same rows would differ byte for byte)."""
        with self.store.transaction(*self._segments(dossier_id)) as db:
            db.upsert(Row({"sealed": sealed}, doc_id=1))

    def reseal(self, dossier_id: str) -> int:
        """Seal the record again with the first key (key rotation); 1 if there was one."""
        return reseal_record(self.store, self.sealer, self._segments(dossier_id))

    def dossier_ids(self) -> Iterator[str]:
        """The dossiers that hold reimbursements (a batch walks them to drop rows that aged), as
        the walk finds them: never all in memory at once."""
        for path in self.store.root.glob(f"dossiers/*/*/{FILENAME}"):
            yield path.parent.name

    def _open(self, row) -> list[Reimbursement]:
        if row is None:
            return []
        return [from_row(Reimbursement, r) for r in json.loads(self.sealer.open_text(row["sealed"]))]
