"""A dossier's documents, their files and its emergency accesses in PostgreSQL: the same rows
and the same behaviour as store/documents.py and store/blobs.py.

- A document row is the file store's row (codec.to_row, title, text and file name sealed by the
  app) as jsonb in `documents`; `created_at` beside it for the order, `added` (0003) for the
  order of documents of one instant, as the file store keeps them.
- A file is cut in chunks, each sealed on its own and at most 1 MiB as stored (`files`). Inside
  each seal, a header says whose chunk it is (the dossier and the blob), its place and whether
  it is the last: a chunk moved from another file, swapped, repeated or cut off is refused. A
  file is written and read one chunk at a time.
- An emergency access is the file store's row (the reason sealed) in `emergencies`; its end
  (`until`) beside it, so that only the accesses still running are opened.

Every method that reads or writes takes `conn=None`: inside a unit of work, its transaction's
connection, so the change commits with the journal entries; else a transaction of its own.

Longer than 300 lines: documents, their chunked files and emergency accesses share one transaction
per dossier.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
import threading
from datetime import datetime
from collections.abc import Iterator

import psycopg
from psycopg.types.json import Jsonb

from ..chunks import chunk_content, sealed_chunk
from ...domain.access import EMERGENCY_DURATION, EmergencyAccess
from ...domain.documents import Document
from ..codec import from_row, to_row
from ..crypto import SealBroken, Sealer
from ..documents import LISTS_KEPT, StoredFile, opened_row, sealed_row
from ..files import UnsafePath
from . import Database

_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_DOSSIER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")  # what the file store takes as a folder name
# Clear bytes per chunk: with its header, sealed (Fernet: padding, IV, MAC, then base64), a chunk
# stays under 1 MiB as stored (the largest block that fits is 786,346 bytes).
CHUNK = 768 * 1024 - 1024


class ChunkBroken(SealBroken):
    """A file whose chunks are missing, moved, swapped or cut: it is never returned."""


def _check_blob(dossier_id: str, blob_id: str) -> None:
    if not isinstance(blob_id, str) or not _BLOB_ID.fullmatch(blob_id):
        raise UnsafePath(f"not a blob id: {blob_id!r}")
    _check_dossier(dossier_id)


def _check_dossier(dossier_id: str) -> None:
    # The file store refuses a dossier id that is no safe folder name; so does this one, the same.
    if not isinstance(dossier_id, str) or not _DOSSIER_ID.fullmatch(dossier_id):
        raise UnsafePath(f"not a dossier id: {dossier_id!r}")


def _owner(dossier_id: str, blob_id: str) -> bytes:
    return hashlib.sha256(f"{dossier_id}/{blob_id}".encode()).digest()[:16]


class PgBlobStore:
    """Document files, sealed, in chunks (BlobStore's methods, and `chunks` to stream one)."""

    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    def put(self, dossier_id: str, data: bytes, conn: psycopg.Connection | None = None) -> str:
        """Store the bytes sealed, chunk by chunk; return the new blob's id."""
        blob_id = secrets.token_hex(16)
        self.put_as(dossier_id, blob_id, data, conn)
        return blob_id

    def put_as(self, dossier_id: str, blob_id: str, data: bytes, conn: psycopg.Connection | None = None) -> None:
        """Store the bytes under a blob id made elsewhere (copy-store keeps the file store's ids,
        which the document rows name)."""
        _check_blob(dossier_id, blob_id)
        owner, view = _owner(dossier_id, blob_id), memoryview(data)
        count = max(1, -(-len(view) // CHUNK))  # an empty file is one empty chunk, the last
        with self.db.using(conn) as c:
            for number in range(count):
                block = view[number * CHUNK:(number + 1) * CHUNK]
                sealed = sealed_chunk(self.sealer, owner, number, number == count - 1, block)
                c.execute("INSERT INTO files (dossier_id, blob_id, chunk, sealed) VALUES (%s, %s, %s, %s)",
                          (dossier_id, blob_id, number, sealed))

    def chunks(self, dossier_id: str, blob_id: str, conn: psycopg.Connection | None = None) -> Iterator[bytes]:
        """The clear bytes, one chunk at a time (one chunk in memory); KeyError when there is no
        such blob, SealBroken when a chunk was altered, ChunkBroken when chunks are amiss."""
        _check_blob(dossier_id, blob_id)  # now, not at the first chunk asked for
        return self._chunks(dossier_id, blob_id, conn)

    def _chunks(self, dossier_id: str, blob_id: str, conn: psycopg.Connection | None) -> Iterator[bytes]:
        owner = _owner(dossier_id, blob_id)
        with self.db.using(conn) as c:
            number = 0
            while True:
                row = c.execute("SELECT sealed FROM files WHERE dossier_id = %s AND blob_id = %s AND chunk = %s",
                                (dossier_id, blob_id, number), binary=True).fetchone()
                if row is None:
                    if number == 0 and not _any_chunk(c, dossier_id, blob_id, 0):
                        raise KeyError(blob_id)
                    raise ChunkBroken("the file is cut short")
                clear = self.sealer.open(bytes(row[0]))
                content, last = chunk_content(clear, owner, number, ChunkBroken, "file")
                yield content
                if last:
                    if _any_chunk(c, dossier_id, blob_id, number + 1):
                        raise ChunkBroken("the file goes on past its last chunk")
                    return
                number += 1

    def get(self, dossier_id: str, blob_id: str, conn: psycopg.Connection | None = None) -> bytes:
        """The clear bytes, whole (as BlobStore.get); `chunks` streams them."""
        return b"".join(self.chunks(dossier_id, blob_id, conn))

    def reseal(self, dossier_id: str, blob_id: str, conn: psycopg.Connection | None = None) -> None:
        """Seal every chunk again with the first key of the ring (key rotation), one at a time, in
        one transaction; KeyError when there is no such blob."""
        _check_blob(dossier_id, blob_id)
        with self.db.using(conn) as c:
            numbers = [r[0] for r in c.execute(
                "SELECT chunk FROM files WHERE dossier_id = %s AND blob_id = %s ORDER BY chunk FOR UPDATE",
                (dossier_id, blob_id))]
            if not numbers:
                raise KeyError(blob_id)
            for number in numbers:
                key = (dossier_id, blob_id, number)
                sealed = c.execute("SELECT sealed FROM files WHERE dossier_id = %s AND blob_id = %s AND chunk = %s",
                                   key, binary=True).fetchone()[0]
                c.execute("UPDATE files SET sealed = %s WHERE dossier_id = %s AND blob_id = %s AND chunk = %s",
                          (self.sealer.reseal(bytes(sealed)), *key))

    def delete(self, dossier_id: str, blob_id: str, conn: psycopg.Connection | None = None) -> None:
        """Remove the blob; removing one already gone is not an error."""
        _check_blob(dossier_id, blob_id)
        with self.db.using(conn) as c:
            c.execute("DELETE FROM files WHERE dossier_id = %s AND blob_id = %s", (dossier_id, blob_id))

    def delete_dossier_files(self, dossier_id: str, conn: psycopg.Connection | None = None) -> None:
        """Remove every file of the dossier (the purge, 10 years after closing)."""
        _check_dossier(dossier_id)
        with self.db.using(conn) as c:
            c.execute("DELETE FROM files WHERE dossier_id = %s", (dossier_id,))


def _any_chunk(conn: psycopg.Connection, dossier_id: str, blob_id: str, start: int) -> bool:
    return conn.execute("SELECT 1 FROM files WHERE dossier_id = %s AND blob_id = %s AND chunk >= %s LIMIT 1",
                        (dossier_id, blob_id, start)).fetchone() is not None


def _mark(rows) -> str:
    """What a dossier's document rows are, as `_MARK` computes it in the database."""
    return hashlib.md5(",".join(f"{added}:{text}" for added, text in rows).encode("utf-8")).hexdigest()


# A digest of every row of the dossier, in the order added: the same digest, the same list.
_MARK = ("SELECT md5(string_agg(added::text || ':' || record::text, ',' ORDER BY added)) "
         "FROM documents WHERE dossier_id = %s")


class PgDocumentRepository:
    """DocumentRepository's methods, rows in `documents`, files in PgBlobStore."""

    def __init__(self, db: Database, sealer: Sealer):
        self._listed: dict[tuple, list[Document]] = {}
        self._cache_lock = threading.Lock()
        self.db = db
        self.sealer = sealer
        self.blobs = PgBlobStore(db, sealer)

    def prepare(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
                data: bytes | None = None, conn: psycopg.Connection | None = None) -> dict:
        """The sealed row of a new document; its file is written now (in `conn`'s transaction
        when given: then the file commits with the row, or neither does)."""
        row = self._sealed(to_row(document))
        row["text"] = self.sealer.seal_text(text) if text else ""
        row["file"] = None
        if data is not None:
            blob_id = self.blobs.put(document.dossier_id, data, conn)
            row["file"] = {"name": self.sealer.seal_text(file_name), "content_type": content_type,
                           "size": len(data), "blob_id": blob_id}
        return row

    def insert(self, dossier_id: str, row: dict, conn: psycopg.Connection | None = None) -> None:
        """Store a prepared row, once (a unit of work done again inserts it again: nothing)."""
        with self.db.using(conn) as c:
            c.execute("INSERT INTO documents (dossier_id, document_id, record, created_at) VALUES (%s, %s, %s, %s) "
                      "ON CONFLICT DO NOTHING",
                      (dossier_id, row["id"], Jsonb(row), datetime.fromisoformat(row["created_at"])))

    def add(self, document: Document, *, text: str = "", file_name: str = "", content_type: str = "",
            data: bytes | None = None, conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            self.insert(document.dossier_id, self.prepare(document, text=text, file_name=file_name,
                                                          content_type=content_type, data=data, conn=c), c)

    def _sealed(self, row: dict) -> dict:
        return sealed_row(self.sealer, row)

    def _opened(self, row: dict) -> dict:
        return opened_row(self.sealer, row)

    def list(self, dossier_id: str, conn: psycopg.Connection | None = None) -> list[Document]:
        """Every document of the dossier, newest first (of one instant, in the order added).
        Opening 2,000 sealed titles costs about 0.4 s, so the opened list is kept while the
        rows' digest (computed by the database, nothing sent) is the same, for the few
        dossiers read last; callers get copies."""
        with self.db.using(conn) as c:
            mark = c.execute(_MARK, (dossier_id,)).fetchone()[0]
            if mark is None:
                return []
            with self._cache_lock:
                listed = self._listed.get((dossier_id, mark))
            if listed is None:
                rows = c.execute("SELECT added, record::text FROM documents WHERE dossier_id = %s ORDER BY added",
                                 (dossier_id,)).fetchall()
                # keyed by the rows read, not by the digest read first: a write between the two
                # statements then keys this list by what it holds
                listed = sorted((from_row(Document, self._opened(json.loads(text))) for _, text in rows),
                                key=lambda d: d.created_at, reverse=True)
                with self._cache_lock:
                    self._listed[(dossier_id, _mark(rows))] = listed
                    while len(self._listed) > LISTS_KEPT:
                        self._listed.pop(next(iter(self._listed)))
        return [copy.copy(document) for document in listed]

    def get(self, dossier_id: str, document_id: str, conn: psycopg.Connection | None = None) -> Document | None:
        row = self._row(dossier_id, document_id, conn)
        return from_row(Document, row) if row else None

    def text(self, dossier_id: str, document_id: str, conn: psycopg.Connection | None = None) -> str:
        row = self._row(dossier_id, document_id, conn)
        return self.sealer.open_text(row["text"]) if row and row["text"] else ""

    def file(self, dossier_id: str, document_id: str, conn: psycopg.Connection | None = None) -> StoredFile | None:
        row = self._row(dossier_id, document_id, conn)
        return StoredFile(**row["file"]) if row and row["file"] else None

    def file_data(self, dossier_id: str, stored: StoredFile, conn: psycopg.Connection | None = None) -> bytes:
        return self.blobs.get(dossier_id, stored.blob_id, conn)

    def file_chunks(self, dossier_id: str, stored: StoredFile,
                    conn: psycopg.Connection | None = None) -> Iterator[bytes]:
        """The file's clear bytes chunk by chunk, for a response that streams a large scan."""
        return self.blobs.chunks(dossier_id, stored.blob_id, conn)

    def reseal(self, dossier_id: str, conn: psycopg.Connection | None = None) -> int:
        """Seal every file and text of the dossier again with the first key (key rotation), and
        the titles and file names (those of rows copied from before sealing too); the count of
        files and texts sealed again. One transaction: all of the dossier moves, or none."""
        count = 0
        with self.db.using(conn) as c:
            rows = c.execute("SELECT document_id, record FROM documents WHERE dossier_id = %s ORDER BY added "
                             "FOR UPDATE", (dossier_id,)).fetchall()
            for document_id, row in rows:
                opened = self._opened(row)
                changes = {"title": self.sealer.seal_text(opened["title"]), "sealed_meta": True}
                if opened.get("file"):
                    self.blobs.reseal(dossier_id, opened["file"]["blob_id"], c)
                    changes["file"] = {**opened["file"], "name": self.sealer.seal_text(opened["file"]["name"])}
                    count += 1
                if row.get("text"):
                    changes["text"] = self.sealer.reseal_text(row["text"])
                    count += 1
                c.execute("UPDATE documents SET record = %s WHERE dossier_id = %s AND document_id = %s",
                          (Jsonb({**row, **changes}), dossier_id, document_id))
        return count

    def save(self, document: Document, conn: psycopg.Connection | None = None) -> None:
        """Store a changed document (hidden, released): its content stays as it was."""
        with self.db.using(conn) as c:
            found = c.execute("SELECT record FROM documents WHERE dossier_id = %s AND document_id = %s FOR UPDATE",
                              (document.dossier_id, document.id)).fetchone()
            if found is None:
                return  # as the file store: a save changes a document, never adds one
            stored = found[0]
            row = {**stored, **self._sealed(to_row(document))}
            if not stored.get("sealed_meta") and stored.get("file"):
                # a row from before sealing: its file name is clear, and the row now says «sealed»
                row["file"] = {**stored["file"], "name": self.sealer.seal_text(stored["file"]["name"])}
            c.execute("UPDATE documents SET record = %s, created_at = %s WHERE dossier_id = %s AND document_id = %s",
                      (Jsonb(row), document.created_at, document.dossier_id, document.id))

    def _row(self, dossier_id: str, document_id: str, conn: psycopg.Connection | None) -> dict | None:
        with self.db.using(conn) as c:
            found = c.execute("SELECT record FROM documents WHERE dossier_id = %s AND document_id = %s",
                              (dossier_id, document_id)).fetchone()
        return self._opened(found[0]) if found else None


def _access_id(row: dict) -> str:
    """One professional opens one access at one instant: the same row twice is one access."""
    return hashlib.sha256(json.dumps([row["rpps"], row["started_at"]]).encode("utf-8")).hexdigest()[:32]


class PgEmergencyRepository:
    """EmergencyRepository's methods; the reason the professional wrote is sealed."""

    def __init__(self, db: Database, sealer: Sealer | None = None):
        self.db = db
        self.sealer = sealer

    def prepare(self, access: EmergencyAccess) -> dict:
        return {"kind": access.kind.value, "rpps": access.rpps, "reason": self.sealer.seal_text(access.reason),
                "sealed": True, "started_at": access.started_at.isoformat()}

    def insert(self, dossier_id: str, row: dict, conn: psycopg.Connection | None = None) -> None:
        """Store a prepared row, once."""
        until = datetime.fromisoformat(row["started_at"]) + EMERGENCY_DURATION
        with self.db.using(conn) as c:
            c.execute("INSERT INTO emergencies (dossier_id, access_id, rpps, until, record) "
                      "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                      (dossier_id, _access_id(row), row["rpps"], until, Jsonb(row)))

    def add(self, dossier_id: str, access: EmergencyAccess, conn: psycopg.Connection | None = None) -> None:
        self.insert(dossier_id, self.prepare(access), conn)

    def _access(self, row: dict) -> EmergencyAccess:
        reason = self.sealer.open_text(row["reason"]) if row.get("sealed") else row["reason"]
        return EmergencyAccess(row["kind"], row["rpps"], reason, datetime.fromisoformat(row["started_at"]))

    def all(self, dossier_id: str, conn: psycopg.Connection | None = None) -> list[EmergencyAccess]:
        """Every emergency access opened on the dossier, oldest added first, reasons opened."""
        with self.db.using(conn) as c:
            rows = [r[0] for r in c.execute("SELECT record FROM emergencies WHERE dossier_id = %s ORDER BY added",
                                            (dossier_id,))]
        return [self._access(row) for row in rows]

    def active_for(self, dossier_id: str, rpps: str, now: datetime,
                   conn: psycopg.Connection | None = None) -> EmergencyAccess | None:
        """The latest emergency access this professional opened that still runs: the database
        leaves out those ended, the domain says whether one has begun and not ended."""
        with self.db.using(conn) as c:
            rows = [r[0] for r in c.execute(
                "SELECT record FROM emergencies WHERE dossier_id = %s AND rpps = %s AND until > %s "
                "ORDER BY added DESC", (dossier_id, rpps, now))]
        for row in rows:
            access = self._access(row)
            if access.active(now):
                return access
        return None

    def reseal(self, dossier_id: str, conn: psycopg.Connection | None = None) -> int:
        """Seal every reason again with the first key (and those written before sealing)."""
        with self.db.using(conn) as c:
            rows = c.execute("SELECT access_id, record FROM emergencies WHERE dossier_id = %s FOR UPDATE",
                             (dossier_id,)).fetchall()
            for access_id, row in rows:
                reason = self.sealer.open_text(row["reason"]) if row.get("sealed") else row["reason"]
                c.execute("UPDATE emergencies SET record = %s WHERE dossier_id = %s AND access_id = %s",
                          (Jsonb({**row, "reason": self.sealer.seal_text(reason), "sealed": True}),
                           dossier_id, access_id))
        return len(rows)
