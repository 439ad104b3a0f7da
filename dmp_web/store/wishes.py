"""The patient's wishes, one sealed record in the dossier's folder (health data: never in clear)."""
from __future__ import annotations

import json

from tinydb.table import Document as Row

from ..domain.wishes import Wishes
from .codec import from_row, to_row
from .crypto import Sealer
from .files import FileStore
from .sealed import reseal_record


class WishesRepository:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer

    def _segments(self, dossier_id: str) -> tuple[str, ...]:
        return ("dossiers", dossier_id[:2], dossier_id, "wishes.json")

    def get(self, dossier_id: str) -> Wishes:
        """The patient's wishes; an empty record when nothing was said yet."""
        with self.store.snapshot(*self._segments(dossier_id)) as db:
            row = db.get(doc_id=1)
        if row is None:
            return Wishes()
        return from_row(Wishes, json.loads(self.sealer.open_text(row["sealed"])))

    def reseal(self, dossier_id: str) -> int:
        """Seal the record again with the first key (key rotation); 1 if there was one."""
        return reseal_record(self.store, self.sealer, self._segments(dossier_id))

    def seal(self, wishes: Wishes) -> str:
        return self.sealer.seal_text(json.dumps(to_row(wishes), ensure_ascii=False))

    def save_sealed(self, dossier_id: str, sealed: str) -> None:
        """Write the record (changes go through a unit of work, under the dossier's lock)."""
        with self.store.transaction(*self._segments(dossier_id)) as db:
            db.upsert(Row({"sealed": sealed}, doc_id=1))

    def save(self, dossier_id: str, wishes: Wishes) -> None:
        self.save_sealed(dossier_id, self.seal(wishes))
