"""What the health check reads and writes: a probe record, and a canary sealed with the data key."""
from __future__ import annotations

import secrets

from tinydb.table import Document

from .crypto import Sealer
from .files import FileStore

CANARY = b"dmp-web data key canary"


class HealthRecords:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer

    def write_and_read(self) -> bool:
        """Write a fresh value under the lock, then read it back as any reader would."""
        value = secrets.token_hex(8)
        with self.store.transaction("health", "probe.json") as db:
            db.upsert(Document({"value": value}, doc_id=1))
        with self.store.snapshot("health", "probe.json") as db:
            row = db.get(doc_id=1)
        return bool(row) and row["value"] == value

    def canary_opens(self) -> bool:
        """The canary sealed by the first start opens with today's keys (SealBroken otherwise).
        Its first write seals it with the first key; `reseal-data` seals it again."""
        with self.store.snapshot("health", "canary.json") as db:
            row = db.get(doc_id=1)
        if row is None:
            with self.store.transaction("health", "canary.json") as db:
                row = db.get(doc_id=1)  # another server may have just sealed it
                if row is None:
                    db.insert(Document({"sealed": self.sealer.seal(CANARY).decode("ascii")}, doc_id=1))
                    return True
        return self.sealer.open(row["sealed"].encode("ascii")) == CANARY

    def reseal_canary(self) -> int:
        with self.store.transaction("health", "canary.json") as db:
            row = db.get(doc_id=1)
            if row is None:
                return 0
            db.upsert(Document({"sealed": self.sealer.reseal_text(row["sealed"])}, doc_id=1))
        return 1
