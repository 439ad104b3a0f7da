"""The documents of a dossier and the emergency accesses opened on it.

Document rows live in the dossier's folder (documents.json); a typed text is kept sealed in the
row, a file is a sealed blob beside it. The title and the file's name are sealed too: a title
says what the care was («Échographie du cœur»). Rows written before that («sealed_meta» absent)
are read as they are, and `reseal-data` seals them.
"""
from __future__ import annotations

import copy
import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime

from tinydb import Query

from ..domain.access import EmergencyAccess
from ..domain.documents import Document
from .blobs import BlobStore
from .codec import from_row, to_row
from .crypto import Sealer
from .files import FileStore

_ID = Query().id


def _folder(dossier_id: str) -> tuple[str, str, str]:
    return ("dossiers", dossier_id[:2], dossier_id)


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    size: int
    blob_id: str


LISTS_KEPT = 16  # opened document lists kept in memory, per process


def sealed_row(sealer: Sealer, row: dict) -> dict:
    """A document's row with its title sealed (its file name is sealed when the file is stored)."""
    return {**row, "title": sealer.seal_text(row["title"]), "sealed_meta": True}


def opened_row(sealer: Sealer, row: dict) -> dict:
    """The row with its title and file name in clear (rows of before are clear already). Both
    stores keep the same rows."""
    row = dict(row)
    if row.pop("sealed_meta", False):
        row["title"] = sealer.open_text(row["title"])
        if row.get("file"):
            row["file"] = {**row["file"], "name": sealer.open_text(row["file"]["name"])}
    return row


class DocumentRepository:
    def __init__(self, store: FileStore, sealer: Sealer):
        self._listed: dict[tuple, list[Document]] = {}
        self._cache_lock = threading.Lock()
        self.store = store
        self.sealer = sealer
        self.blobs = BlobStore(store, sealer)

    def prepare(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
                data: bytes | None = None) -> dict:
        """The sealed row of a new document; its file's sealed blob is written now (a blob no row
        names is no document)."""
        row = self._sealed(to_row(document))
        row["text"] = self.sealer.seal_text(text) if text else ""
        row["file"] = None
        if data is not None:
            blob_id = self.blobs.put(document.dossier_id, data)
            row["file"] = {"name": self.sealer.seal_text(file_name), "content_type": content_type,
                           "size": len(data), "blob_id": blob_id}
        return row

    def insert(self, dossier_id: str, row: dict) -> None:
        """Store a prepared row, once (a unit of work finished after a crash may insert it again)."""
        with self.store.transaction(*_folder(dossier_id), "documents.json") as db:
            if not db.contains(_ID == row["id"]):
                db.insert(row)

    def add(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
            data: bytes | None = None) -> None:
        self.insert(document.dossier_id, self.prepare(document, text=text, file_name=file_name,
                                                      content_type=content_type, data=data))

    def _sealed(self, row: dict) -> dict:
        return sealed_row(self.sealer, row)

    def _opened(self, row: dict) -> dict:
        return opened_row(self.sealer, row)

    def list(self, dossier_id: str) -> list[Document]:
        """Every document of the dossier, newest first. Opening 2,000 sealed titles costs about
        0.4 s, reading and hashing the file a few ms: the opened list is kept, for the few
        dossiers read last, under the digest of the very bytes it was made from (a file's
        inode and time can come back the same after a write); callers get copies."""
        try:
            data = self.store.path(*_folder(dossier_id), "documents.json").read_bytes()
        except FileNotFoundError:
            return []
        key = (dossier_id, hashlib.sha256(data).digest())
        with self._cache_lock:
            listed = self._listed.get(key)
        if listed is None:
            rows = json.loads(data).get("_default", {}).values() if data.strip() else []  # TinyDB's layout
            listed = sorted((from_row(Document, self._opened(r)) for r in rows), key=lambda d: d.created_at,
                            reverse=True)
            with self._cache_lock:
                self._listed[key] = listed
                while len(self._listed) > LISTS_KEPT:
                    self._listed.pop(next(iter(self._listed)))
        return [copy.copy(document) for document in listed]

    def get(self, dossier_id: str, document_id: str) -> Document | None:
        row = self._row(dossier_id, document_id)
        return from_row(Document, row) if row else None

    def text(self, dossier_id: str, document_id: str) -> str:
        row = self._row(dossier_id, document_id)
        return self.sealer.open_text(row["text"]) if row and row["text"] else ""

    def file(self, dossier_id: str, document_id: str) -> StoredFile | None:
        row = self._row(dossier_id, document_id)
        return StoredFile(**row["file"]) if row and row["file"] else None

    def file_data(self, dossier_id: str, stored: StoredFile) -> bytes:
        return self.blobs.get(dossier_id, stored.blob_id)

    def reseal(self, dossier_id: str) -> int:
        """Seal every file and text of the dossier again with the first key (key rotation); the
        count of what was sealed again. A file never changes once stored, so files are sealed
        again without the documents' lock (each write is atomic); texts under it."""
        with self.store.snapshot(*_folder(dossier_id), "documents.json") as db:
            blob_ids = [row["file"]["blob_id"] for row in db.all() if row.get("file")]
        for blob_id in blob_ids:
            self.blobs.reseal(dossier_id, blob_id)
        count = len(blob_ids)
        with self.store.transaction(*_folder(dossier_id), "documents.json") as db:
            for row in db.all():
                opened = self._opened(row)
                changes = {"title": self.sealer.seal_text(opened["title"]), "sealed_meta": True}
                if opened.get("file"):
                    changes["file"] = {**opened["file"], "name": self.sealer.seal_text(opened["file"]["name"])}
                if row.get("text"):
                    changes["text"] = self.sealer.reseal_text(row["text"])
                    count += 1
                db.update(changes, doc_ids=[row.doc_id])
        return count

    def save(self, document: Document) -> None:
        """Store a changed document (hidden, released): its content stays as it was."""
        with self.store.transaction(*_folder(document.dossier_id), "documents.json") as db:
            changes = self._sealed(to_row(document))
            current = db.get(_ID == document.id)
            if current and not current.get("sealed_meta") and current.get("file"):
                # a row of before sealing: its file name is sealed with its title, or it would not open
                changes["file"] = {**current["file"], "name": self.sealer.seal_text(current["file"]["name"])}
            db.update(changes, _ID == document.id)

    def _row(self, dossier_id: str, document_id: str) -> dict | None:
        with self.store.snapshot(*_folder(dossier_id), "documents.json") as db:
            row = db.get(_ID == document_id)
        return self._opened(row) if row else None


class EmergencyRepository:
    """Emergency accesses; the reason the professional wrote is sealed (it tells of the patient)."""

    def __init__(self, store: FileStore, sealer: Sealer | None = None):
        self.store = store
        self.sealer = sealer

    def prepare(self, access: EmergencyAccess) -> dict:
        return {"kind": access.kind.value, "rpps": access.rpps, "reason": self.sealer.seal_text(access.reason),
                "sealed": True, "started_at": access.started_at.isoformat()}

    def insert(self, dossier_id: str, row: dict) -> None:
        """Store a prepared row, once (one professional opens one access at one instant)."""
        with self.store.transaction(*_folder(dossier_id), "emergencies.json") as db:
            if not any(r["rpps"] == row["rpps"] and r["started_at"] == row["started_at"] for r in db.all()):
                db.insert(row)

    def add(self, dossier_id: str, access: EmergencyAccess) -> None:
        self.insert(dossier_id, self.prepare(access))

    def all(self, dossier_id: str) -> list[EmergencyAccess]:
        """Every emergency access opened on the dossier, oldest first, reasons opened."""
        with self.store.snapshot(*_folder(dossier_id), "emergencies.json") as db:
            rows = [dict(r) for r in db.all()]
        return [EmergencyAccess(row["kind"], row["rpps"],
                                self.sealer.open_text(row["reason"]) if row.get("sealed") else row["reason"],
                                datetime.fromisoformat(row["started_at"])) for row in rows]

    def active_for(self, dossier_id: str, rpps: str, now: datetime) -> EmergencyAccess | None:
        """The latest emergency access this professional opened that still runs."""
        for access in reversed(self.all(dossier_id)):
            if access.rpps == rpps and access.active(now):
                return access
        return None

    def reseal(self, dossier_id: str) -> int:
        """Seal every reason again with the first key (and those written before sealing)."""
        count = 0
        with self.store.transaction(*_folder(dossier_id), "emergencies.json") as db:
            for row in db.all():
                reason = self.sealer.open_text(row["reason"]) if row.get("sealed") else row["reason"]
                db.update({"reason": self.sealer.seal_text(reason), "sealed": True}, doc_ids=[row.doc_id])
                count += 1
        return count
