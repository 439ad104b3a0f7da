"""Uploaded files, encrypted, in their dossier's folder: dossiers/<2 chars>/<id>/files/<blob id>.bin.

A blob id is made here, never taken from a request, and checked again before every read or
delete, so a crafted id cannot reach another file. Files of one dossier live under that dossier's
id: the same blob id given with another dossier's id finds nothing.
"""
from __future__ import annotations

import re
import secrets
import shutil
from contextlib import suppress
from pathlib import Path

from .crypto import Sealer
from .files import FileStore, UnsafePath, fsync_dir

_BLOB_ID = re.compile(r"[0-9a-f]{32}")


def _folder(dossier_id: str) -> tuple[str, str, str, str]:
    return ("dossiers", dossier_id[:2], dossier_id, "files")


class BlobStore:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer

    def put(self, dossier_id: str, data: bytes) -> str:
        """Store the bytes encrypted; return the new blob's id."""
        blob_id = secrets.token_hex(16)
        # No file lock: a fresh random id is written by no one else, and the write is atomic.
        with self.store.writing():
            self.store.write_bytes(self._path(dossier_id, blob_id), self.sealer.seal(data))
        return blob_id

    def get(self, dossier_id: str, blob_id: str) -> bytes:
        """The clear bytes; KeyError when there is no such blob, SealBroken when it was altered."""
        path = self._path(dossier_id, blob_id)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            raise KeyError(blob_id) from None
        return self.sealer.open(sealed)

    def reseal(self, dossier_id: str, blob_id: str) -> None:
        """Seal the blob again with the first key of the ring (key rotation); atomic."""
        path = self._path(dossier_id, blob_id)
        with self.store.writing():
            self.store.write_bytes(path, self.sealer.reseal(path.read_bytes()))

    def delete(self, dossier_id: str, blob_id: str) -> None:
        """Remove the blob; removing one already gone is not an error."""
        path = self._path(dossier_id, blob_id)
        with self.store.writing(), suppress(FileNotFoundError):
            path.unlink()
            fsync_dir(path.parent)

    def delete_dossier_files(self, dossier_id: str) -> None:
        """Remove every file of the dossier (the purge, 10 years after closing)."""
        folder = self.store.path(*_folder(dossier_id))
        try:
            with self.store.writing():
                shutil.rmtree(folder)
        except FileNotFoundError:
            return
        fsync_dir(folder.parent)

    def _path(self, dossier_id: str, blob_id: str) -> Path:
        if not isinstance(blob_id, str) or not _BLOB_ID.fullmatch(blob_id):
            raise UnsafePath(f"not a blob id: {blob_id!r}")
        # FileStore.path checks every segment; its pattern allows no ".bin", so the suffix is
        # added after the check, to an id already known to be 32 hex characters.
        return self.store.path(*_folder(dossier_id), blob_id).with_suffix(".bin")
