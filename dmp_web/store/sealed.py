"""A record that is one sealed token (the wishes, the reimbursements): sealed again on rotation."""
from __future__ import annotations

from tinydb.table import Document as Row

from .crypto import Sealer
from .files import FileStore


def reseal_record(store: FileStore, sealer: Sealer, segments: tuple[str, ...]) -> int:
    """Seal the file's one record again with the first key of the ring; 1 if there was one."""
    if not store.exists(*segments):
        return 0
    with store.transaction(*segments) as db:
        row = db.get(doc_id=1)
        if row is None:
            return 0
        db.upsert(Row({"sealed": sealer.reseal_text(row["sealed"])}, doc_id=1))
    return 1
