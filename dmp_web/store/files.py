"""TinyDB files that survive crashes and several writing processes.

Measured when this store was written: plain TinyDB loses records and corrupts JSON as soon as two
processes write (tests/unit/test_store_durability.py checks that this store does not). What holds
is: a file lock around the whole read-modify-write, a fresh TinyDB object inside the lock, and an
atomic write (temporary file, fsync, os.replace, fsync of
the folder). Readers need no lock: os.replace swaps whole files, so a reader sees the old or the
new version, never half of one.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from collections.abc import Iterator

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

# Every path segment the store is given is built by our code from ids and hashes; this
# pattern makes sure no user input can ever walk out of the data folder.
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}(\.json|\.jsonl)?$")


class StoreBusy(RuntimeError):
    """A file stayed locked by another process longer than the timeout."""


class UnsafePath(ValueError):
    """A path segment that could leave the data folder."""


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Replace the file's content in one step: readers and crashes see old or new, never half.
    tmp_dir: where the temporary file is made (on the same disk), if not beside the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if tmp_dir is not None:
        tmp_dir.mkdir(mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=tmp_dir or path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def _read_json(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return json.loads(text) if text else None


class _TransactionStorage(Storage):
    """Reads the file once, keeps changes in memory, writes them only on commit."""

    def __init__(self, path: Path, tmp_dir: Path | None = None):
        self.path = path
        self.tmp_dir = tmp_dir
        self._data: dict | None = None
        self._loaded = False
        self.dirty = False

    def read(self):
        if not self._loaded:
            self._data = _read_json(self.path)
            self._loaded = True
        return self._data

    def write(self, data) -> None:
        self._data = data
        self._loaded = True
        self.dirty = True

    def commit(self) -> None:
        if self.dirty:
            payload = json.dumps(self._data, ensure_ascii=False, separators=(",", ":"))
            atomic_write_bytes(self.path, payload.encode("utf-8"), self.tmp_dir)
            self.dirty = False


class _SnapshotStorage(_TransactionStorage):
    """A read-only view of the file as it is now."""

    def write(self, data) -> None:  # pragma: no cover - a programming error, never a user path
        raise RuntimeError("this view is read-only: open a transaction to write")


# Every write holds this store-wide lock shared; a backup holds it alone while it takes its
# snapshot, so the snapshot falls between writes, never in the middle of one.
WRITERS_LOCK = ".writers.lock"
# Left out of a backup: locks, temporary files of a write in progress, the development keys,
# and the staging folder of a backup (one that crashed may have left its own).
_NOT_DATA = re.compile(r"(\.lock|\.tmp)$|^\.dev-")
STAGING_PREFIX = ".backup-"
TMP_FOLDER = ".tmp"


class FileStore:
    """A folder of small TinyDB files, each opened for one read or one transaction."""

    def __init__(self, root: Path | str, lock_timeout: float = 30.0):
        self.root = Path(root).resolve()
        self.lock_timeout = lock_timeout
        # every write's temporary file is made here: what a crash leaves is found in one place
        self.tmp_dir = self.root / TMP_FOLDER

    def write_bytes(self, path: Path, data: bytes) -> None:
        """Replace a file of the store in one step (atomic_write_bytes, temporary file in tmp_dir)."""
        atomic_write_bytes(path, data, self.tmp_dir)

    def clean_leftovers(self, older_than: float = 3600.0) -> int:
        """Delete the temporary files that writes cut by a crash left; how many. Only those older
        than `older_than` seconds: a command starting beside a running server spares its writes."""
        if not self.tmp_dir.is_dir():
            return 0
        limit, removed = time.time() - older_than, 0
        for path in self.tmp_dir.iterdir():
            with suppress(FileNotFoundError):
                if path.stat().st_mtime < limit:
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path, ignore_errors=True)  # a batch job's scratch folder
                    else:
                        path.unlink()
                    removed += 1
        return removed

    @contextmanager
    def scratch(self) -> Iterator[Path]:
        """A private folder of this store's disk for one batch job, deleted when the job ends
        (and by clean_leftovers if the job was killed)."""
        self.tmp_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=self.tmp_dir, prefix="scratch-"))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def _writers(self, mode: int) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / WRITERS_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy("the store is held by a backup") from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases its lock

    def writing(self):
        """Hold the store-wide lock shared, as every write does (several writers at once)."""
        return self._writers(fcntl.LOCK_SH)

    def copy_consistent(self, staging: Path) -> list[Path]:
        """Hard-link every data file into `staging` (on the same disk) while no write runs:
        a snapshot of the whole store in the time of a walk, since writes replace files and
        never change one in place. Returns the files, relative to the store."""
        linked = []
        with self._writers(fcntl.LOCK_EX):
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(STAGING_PREFIX) and d != TMP_FOLDER)
                for name in sorted(files):
                    if _NOT_DATA.search(name):
                        continue
                    source = Path(folder, name)
                    relative = source.relative_to(self.root)
                    (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                    os.link(source, staging / relative)
                    linked.append(relative)
        return linked

    def path(self, *segments: str) -> Path:
        for segment in segments:
            if not _SAFE_SEGMENT.match(segment):
                raise UnsafePath(f"unsafe store path segment: {segment!r}")
        return self.root.joinpath(*segments)

    @contextmanager
    def lock(self, *segments: str, shared_lock: tuple[str, ...] | None = None) -> Iterator[Path]:
        """Hold the file's lock (across processes) for a read-modify-write.

        shared_lock: the segments of one lock (….lock) for many files, instead of one per file
        (small files by the million: their locks would double the file count)."""
        path = self.path(*segments)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = Path(str(self.path(*shared_lock) if shared_lock else path) + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), timeout=self.lock_timeout)
        with self.writing():
            try:
                lock.acquire()
            except Timeout as exc:
                raise StoreBusy(str(path)) from exc
            try:
                yield path
            finally:
                lock.release()

    @contextmanager
    def transaction(self, *segments: str, shared_lock: tuple[str, ...] | None = None) -> Iterator[TinyDB]:
        """Lock the file, give a fresh TinyDB; changes are written at once on a clean exit,
        and forgotten if the block raises."""
        with self.lock(*segments, shared_lock=shared_lock) as path:
            storage = _TransactionStorage(path, self.tmp_dir)
            db = TinyDB(storage=lambda: storage)
            yield db
            storage.commit()

    @contextmanager
    def snapshot(self, *segments: str) -> Iterator[TinyDB]:
        """A read-only TinyDB over the file as it is now (no lock needed)."""
        storage = _SnapshotStorage(self.path(*segments))
        yield TinyDB(storage=lambda: storage)

    def exists(self, *segments: str) -> bool:
        return self.path(*segments).exists()
