"""Jobs of the background worker (dossier copies, booklets) and what they made, sealed.

- A job's record is one small JSON file beside what it is for: `dossiers/<2>/<id>/copies/<kind>.json`
  for a dossier's copy (one per kind: asking again finds it), `booklets/<slug>.json` for a booklet.
- The queue is a folder: one file per job waiting, `job-queue/<job id>.json`. A worker takes a job
  by renaming its file into `job-queue/running/`: a rename succeeds for one process only, so two
  workers (or two servers on one disk) never take the same job, with no lock held while rendering.
  A running file older than its lease belongs to a killed worker: it goes back to the queue.
- What a job made is written as sealed chunks of at most 1 MiB (`<kind>-<job id>.bin`), so an archive of
  large files is never held whole in memory; each chunk says its place and whether it is the last,
  so chunks cannot be swapped, repeated or cut off unseen.

Longer than 300 lines: the queue, the leases and the sealed chunks share one folder layout and are
read together.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import struct
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO
from collections.abc import Iterator

from .chunks import chunk_content, sealed_chunk
from .crypto import Sealer
from .files import FileStore, UnsafePath, fsync_dir

QUEUE = "job-queue"
RUNNING = "running"
KEPT = "job-kept"  # one small file per dossier copy kept: the purge reads this folder, not every dossier
CHUNK = 1024 * 1024
# Inside each sealed chunk: the job's id (a chunk of another copy is refused), the chunk's
# number, 1 on the last chunk.
_LENGTH = struct.Struct(">I")

# The files of a dossier's folder that a copy shows (not its journal, account or sessions).
_CONTENT_RECORDS = ("dossier.json", "documents.json", "wishes.json", "reimbursements.json", "emergencies.json")

QUEUED, RUNNING_STATE, DONE, FAILED = "queued", "running", "done", "failed"


class OutputBroken(ValueError):
    """A kept copy whose chunks are missing, moved or cut: it is never sent."""


@dataclass(frozen=True)
class Job:
    id: str
    kind: str  # services/copy_jobs.py says which kinds exist
    state: str
    requested_at: datetime
    mark: str = ""  # what the job was made from (a dossier's content mark, a booklet's text version)
    dossier_id: str = ""
    slug: str = ""  # a booklet's
    done_at: datetime | None = None
    attempts: int = 0
    size: int = 0

    def as_dict(self) -> dict:
        row = asdict(self)
        row["requested_at"] = self.requested_at.isoformat()
        row["done_at"] = self.done_at.isoformat() if self.done_at else None
        return row

    @classmethod
    def from_dict(cls, row: dict) -> Job:
        row = dict(row)
        row["requested_at"] = datetime.fromisoformat(row["requested_at"])
        row["done_at"] = datetime.fromisoformat(row["done_at"]) if row.get("done_at") else None
        return cls(**row)


def _check_id(job_id: str) -> str:
    if not (isinstance(job_id, str) and len(job_id) == 32 and all(c in "0123456789abcdef" for c in job_id)):
        raise UnsafePath(f"not a job id: {job_id!r}")
    return job_id


class JobStore:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer

    # -- where -------------------------------------------------------------------------------

    @staticmethod
    def _folder(dossier_id: str, slug: str) -> tuple[str, ...]:
        return ("dossiers", dossier_id[:2], dossier_id, "copies") if dossier_id else ("booklets",)

    def _record(self, dossier_id: str, slug: str, kind: str) -> tuple[str, ...]:
        name = kind if dossier_id else slug
        return (*self._folder(dossier_id, slug), f"{name}.json")

    def _output(self, job: Job) -> Path:
        # named by the job: a job replaced while it ran never writes over its successor's copy
        name = f"{job.kind if job.dossier_id else job.slug}-{_check_id(job.id)}"
        return self.store.path(*self._folder(job.dossier_id, job.slug), name).with_suffix(".bin")

    # -- records -----------------------------------------------------------------------------

    def records_mark(self, dossier_id: str) -> str:
        """A digest of the dossier's own records as stored (settings, documents, wishes,
        reimbursements): it changes with any of them, and reads no sealed text."""
        digest = hashlib.sha256()
        for name in _CONTENT_RECORDS:
            with suppress(FileNotFoundError):
                digest.update(self.store.path("dossiers", dossier_id[:2], dossier_id, name).read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, kind: str, *, dossier_id: str = "", slug: str = "") -> Job | None:
        path = self.store.path(*self._record(dossier_id, slug, kind))
        try:
            job = Job.from_dict(json.loads(path.read_text("utf-8")))
        except FileNotFoundError:
            return None
        # a record moved from another dossier's folder is not this dossier's copy
        return job if (job.kind, job.dossier_id, job.slug) == (kind, dossier_id, slug) else None

    def _write(self, job: Job) -> None:
        path = self.store.path(*self._record(job.dossier_id, job.slug, job.kind))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.store.write_bytes(path, json.dumps(job.as_dict()).encode("utf-8"))

    def request(self, kind: str, mark: str, now: datetime, *, dossier_id: str = "", slug: str = "",
                reusable) -> Job:
        """The job for this copy: the one recorded when `reusable(job)` says it still fits (same
        mark, fresh, not failed), else a new one, queued, whose record replaces the old (and
        whose output replaces the old output once made)."""
        with self.store.lock(*self._record(dossier_id, slug, kind)):
            current = self.get(kind, dossier_id=dossier_id, slug=slug)
            if current is not None and reusable(current):
                return current
            job = Job(id=secrets.token_hex(16), kind=kind, state=QUEUED, requested_at=now, mark=mark,
                      dossier_id=dossier_id, slug=slug)
            self._write(job)
            if current is not None and current.state == DONE:
                self._delete_output(current)
                self._drop(self.store.path(KEPT, f"{current.id}.json"))
            queue = self.store.path(QUEUE)
            queue.mkdir(parents=True, exist_ok=True)
            self.store.write_bytes(queue / f"{job.id}.json", json.dumps(
                {"id": job.id, "kind": kind, "dossier_id": dossier_id, "slug": slug}).encode("utf-8"))
            return job

    def _update(self, job: Job, **changes) -> Job | None:
        """Change the job's record if it is still the one recorded (a newer request replaces it)."""
        with self.store.lock(*self._record(job.dossier_id, job.slug, job.kind)):
            current = self.get(job.kind, dossier_id=job.dossier_id, slug=job.slug)
            if current is None or current.id != job.id:
                return None
            updated = replace(current, **changes)
            self._write(updated)
            return updated

    # -- the queue ---------------------------------------------------------------------------

    def claim(self, now: datetime, attempts: int) -> Job | None:
        """Take the oldest waiting job (renamed into running/), marked running; None if none.
        A job taken `attempts` times already (its workers were killed) fails for good."""
        queue = self.store.path(QUEUE)
        running = queue / RUNNING
        running.mkdir(parents=True, exist_ok=True)
        try:
            waiting = sorted((p for p in queue.iterdir() if p.is_file()), key=_mtime)
        except FileNotFoundError:
            return None
        for path in waiting:
            target = running / path.name
            try:
                with self.store.writing():
                    os.utime(path)  # the lease starts before the rename: never stale in running/
                    os.rename(path, target)
            except FileNotFoundError:
                continue  # another worker took it
            entry = _read_entry(target)
            job = self._job_of(entry) if entry else None
            if job is None or job.state not in (QUEUED, RUNNING_STATE):
                self._drop(target)  # replaced by a newer request, or the dossier is gone
                continue
            if job.attempts >= attempts:
                self._update(job, state=FAILED, done_at=now)
                self._drop(target)
                continue
            started = self._update(job, state=RUNNING_STATE, attempts=job.attempts + 1)
            if started is None:
                self._drop(target)
                continue
            return started
        return None

    def _job_of(self, entry: dict) -> Job | None:
        try:
            job = self.get(entry["kind"], dossier_id=entry.get("dossier_id", ""), slug=entry.get("slug", ""))
        except (KeyError, UnsafePath):
            return None
        return job if job is not None and job.id == entry.get("id") else None

    def renew(self, job: Job) -> None:
        """Still working on it: push the lease back."""
        with suppress(FileNotFoundError):
            os.utime(self.store.path(QUEUE, RUNNING, f"{_check_id(job.id)}.json"))

    def requeue_stale(self, lease_seconds: float) -> int:
        """Put back in the queue the jobs whose worker stopped renewing them (killed); how many."""
        running = self.store.path(QUEUE, RUNNING)
        if not running.is_dir():
            return 0
        limit, moved = time.time() - lease_seconds, 0
        for path in running.iterdir():
            with suppress(FileNotFoundError):
                if path.stat().st_mtime < limit:
                    with self.store.writing():
                        os.rename(path, path.parent.parent / path.name)
                    moved += 1
        return moved

    def waiting(self) -> int:
        queue = self.store.path(QUEUE)
        return sum(1 for p in queue.iterdir() if p.is_file()) if queue.is_dir() else 0

    def _drop(self, path: Path) -> None:
        with self.store.writing(), suppress(FileNotFoundError):
            path.unlink()

    def _release(self, job: Job) -> None:
        self._drop(self.store.path(QUEUE, RUNNING, f"{_check_id(job.id)}.json"))

    # -- results -----------------------------------------------------------------------------

    def finish(self, job: Job, source: IO[bytes] | None, now: datetime) -> Job | None:
        """Seal what the job made (read from `source`, or nothing: a letter went to the post),
        then mark it done. None when a newer request replaced the job meanwhile."""
        size = 0
        if source is not None:
            size = self._write_output(job, source)
        done = self._update(job, state=DONE, done_at=now, size=size)
        if done is None and source is not None:
            self._delete_output(job)  # a newer request replaced it: its own job writes its copy
        elif done is not None and job.dossier_id:
            self._keep(done)
        self._release(job)
        return done

    def _keep(self, job: Job) -> None:
        folder = self.store.path(KEPT)
        folder.mkdir(parents=True, exist_ok=True)
        self.store.write_bytes(folder / f"{_check_id(job.id)}.json", json.dumps(job.as_dict()).encode("utf-8"))

    def fail(self, job: Job, now: datetime, *, again: bool) -> Job | None:
        """A job that raised: back in the queue if `again`, else failed for good."""
        if again:
            updated = self._update(job, state=QUEUED)
            with self.store.writing(), suppress(FileNotFoundError):
                os.rename(self.store.path(QUEUE, RUNNING, f"{_check_id(job.id)}.json"),
                          self.store.path(QUEUE, f"{job.id}.json"))
            return updated
        updated = self._update(job, state=FAILED, done_at=now)
        self._release(job)
        return updated

    def _write_output(self, job: Job, source: IO[bytes]) -> int:
        path = self._output(job)
        self.store.tmp_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.store.tmp_dir / f"job-{job.id}.bin"
        size = 0
        with open(tmp, "wb") as out:
            for token, length in sealed_chunks(self.sealer, job.id, source):
                out.write(_LENGTH.pack(len(token)) + token)
                size += length
            out.flush()
            os.fsync(out.fileno())
        with self.store.writing():
            os.replace(tmp, path)
            fsync_dir(path.parent)
        return size

    def output(self, job: Job) -> Iterator[bytes]:
        """The clear bytes of a done job, chunk by chunk; OutputBroken if anything is amiss."""
        try:
            sealed = open(self._output(job), "rb")  # noqa: SIM115 - closed by the `with` below, once found
        except FileNotFoundError:
            raise OutputBroken("the copy is gone") from None
        with sealed:
            def tokens() -> Iterator[bytes]:
                while length := sealed.read(_LENGTH.size):
                    if len(length) != _LENGTH.size:
                        raise OutputBroken("the copy is cut short")
                    yield sealed.read(_LENGTH.unpack(length)[0])

            yield from opened_chunks(self.sealer, job.id, tokens())

    def _delete_output(self, job: Job) -> None:
        with self.store.writing(), suppress(FileNotFoundError):
            self._output(job).unlink()

    def broken(self, job: Job, now: datetime) -> None:
        """A kept copy that does not open whole: failed, so that the next ask makes it again."""
        if self._update(job, state=FAILED, done_at=now) is not None:
            self._delete_output(job)
        self._drop(self.store.path(KEPT, f"{_check_id(job.id)}.json"))

    def forget_all(self) -> int:
        """Delete every kept copy and booklet (reseal-data: they are made again when asked)."""
        gone = 0
        for job in list(self.kept()):
            self.forget(job)
            gone += 1
        booklets = self.store.path("booklets")
        if booklets.is_dir():
            for record in booklets.glob("*.json"):
                with suppress(OSError, ValueError, KeyError, TypeError):
                    job = Job.from_dict(json.loads(record.read_text("utf-8")))
                    with self.store.lock("booklets", record.name):
                        self._delete_output(job)
                        with self.store.writing():
                            record.unlink(missing_ok=True)
                    gone += 1
        return gone

    def forget(self, job: Job) -> None:
        """Delete a kept copy and its record (expired), unless a newer job replaced it."""
        if job.dossier_id and not self.store.path("dossiers", job.dossier_id[:2], job.dossier_id).is_dir():
            self._drop(self.store.path(KEPT, f"{_check_id(job.id)}.json"))  # the dossier was erased
            return
        with self.store.lock(*self._record(job.dossier_id, job.slug, job.kind)):
            current = self.get(job.kind, dossier_id=job.dossier_id, slug=job.slug)
            if current is not None and current.id == job.id:
                self._delete_output(current)
                with self.store.writing(), suppress(FileNotFoundError):
                    self.store.path(*self._record(job.dossier_id, job.slug, job.kind)).unlink()
        self._drop(self.store.path(KEPT, f"{_check_id(job.id)}.json"))

    def kept(self) -> Iterator[Job]:
        """Every dossier copy made and not yet forgotten, oldest first."""
        folder = self.store.path(KEPT)
        if not folder.is_dir():
            return
        for path in sorted(folder.iterdir(), key=_mtime):
            with suppress(OSError, ValueError, KeyError, TypeError):
                yield Job.from_dict(json.loads(path.read_text("utf-8")))


def sealed_chunks(sealer: Sealer, job_id: str, source: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """What a job made, read from `source`, as sealed chunks: (token, clear length) each. Every
    chunk names its job and its place, and the last says it is the last (both stores)."""
    owner, number = bytes.fromhex(_check_id(job_id)), 0
    block = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        yield sealed_chunk(sealer, owner, number, not following, block), len(block)
        number += 1
        if not following:
            return
        block = following


def opened_chunks(sealer: Sealer, job_id: str, tokens: Iterator[bytes]) -> Iterator[bytes]:
    """The clear chunks of `tokens`, in order; OutputBroken on any chunk that does not open, of
    another job, out of place, after the last, or when the last never comes."""
    owner, number = bytes.fromhex(_check_id(job_id)), 0
    for token in tokens:
        if number < 0:
            raise OutputBroken("the copy goes on past its last chunk")
        try:
            clear = sealer.open(token)
        except Exception as exc:  # a token that does not open: altered, or another key
            raise OutputBroken("a chunk of the copy does not open") from exc
        content, last = chunk_content(clear, owner, number, OutputBroken, "copy")
        yield content
        number = -1 if last else number + 1
    if number >= 0:
        raise OutputBroken("the copy is cut short")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _read_entry(path: Path) -> dict | None:
    try:
        entry = json.loads(path.read_text("utf-8"))
        _check_id(entry["id"])
        return entry
    except (OSError, ValueError, KeyError, TypeError, UnsafePath):
        return None
