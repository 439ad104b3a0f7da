"""The background worker's jobs on PostgreSQL: the same jobs as store/copies.py, shared by every
server. A job is a row of `jobs` (one per dossier and kind of copy, or per booklet); a worker
takes the oldest waiting one with `FOR UPDATE SKIP LOCKED`, so two workers never take the same,
and holds a lease (`lease_until`, the database's clock) that it renews while it works; a
running job whose lease ran out belonged to a killed worker and is taken again. What a job made
is kept as sealed chunks in `job_outputs`, each naming its job and its place."""
from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import IO
from collections.abc import Iterator

from psycopg.types.json import Jsonb

from ..copies import DONE, FAILED, QUEUED, RUNNING_STATE, Job, opened_chunks, sealed_chunks
from ..crypto import Sealer
from . import Database

LEASE_SECONDS = 60


class PgJobStore:
    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    @staticmethod
    def _name(job_or_kind, slug: str = "") -> str:
        return slug or job_or_kind

    def _lock(self, conn, dossier_id: str, name: str) -> None:
        # the record may not exist yet: a lock on its key, for the transaction
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7))", (f"{dossier_id}/{name}",))

    def _current(self, conn, dossier_id: str, name: str) -> Job | None:
        row = conn.execute("SELECT record FROM jobs WHERE dossier_id = %s AND name = %s",
                           (dossier_id, name)).fetchone()
        return Job.from_dict(row[0]) if row else None

    def _write(self, conn, job: Job, lease: bool = False) -> None:
        conn.execute(
            "INSERT INTO jobs (dossier_id, name, job_id, state, lease_until, record) VALUES (%s, %s, %s, %s, "
            "CASE WHEN %s THEN now() + make_interval(secs => %s) END, %s) "
            "ON CONFLICT (dossier_id, name) DO UPDATE SET job_id = EXCLUDED.job_id, state = EXCLUDED.state, "
            "lease_until = EXCLUDED.lease_until, record = EXCLUDED.record",
            (job.dossier_id, self._name(job.kind, job.slug), job.id, job.state, lease, LEASE_SECONDS,
             Jsonb(job.as_dict())))

    # -- records -----------------------------------------------------------------------------

    def get(self, kind: str, *, dossier_id: str = "", slug: str = "") -> Job | None:
        with self.db.transaction() as conn:
            job = self._current(conn, dossier_id, self._name(kind, slug))
        return job if job is not None and (job.kind, job.dossier_id, job.slug) == (kind, dossier_id, slug) else None

    def request(self, kind: str, mark: str, now: datetime, *, dossier_id: str = "", slug: str = "",
                reusable) -> Job:
        name = self._name(kind, slug)
        with self.db.transaction() as conn:
            self._lock(conn, dossier_id, name)
            current = self._current(conn, dossier_id, name)
            if current is not None and reusable(current):
                return current
            job = Job(id=secrets.token_hex(16), kind=kind, state=QUEUED, requested_at=now, mark=mark,
                      dossier_id=dossier_id, slug=slug)
            self._write(conn, job)
            if current is not None:
                conn.execute("DELETE FROM job_outputs WHERE dossier_id = %s AND job_id = %s", (dossier_id, current.id))
            return job

    def _update(self, conn, job: Job, lease: bool = False, taken: bool = False, **changes) -> Job | None:
        """Change the job's record if it is still the one recorded (a newer request replaces it).
        taken: only if this worker still holds it (running, the same attempt): a worker that lost
        its lease to another never finishes nor fails the other's work."""
        name = self._name(job.kind, job.slug)
        self._lock(conn, job.dossier_id, name)
        current = self._current(conn, job.dossier_id, name)
        if current is None or current.id != job.id:
            return None
        if taken and (current.state != RUNNING_STATE or current.attempts != job.attempts):
            return None
        updated = replace(current, **changes)
        self._write(conn, updated, lease=lease)
        return updated

    # -- the queue ---------------------------------------------------------------------------

    def claim(self, now: datetime, attempts: int) -> Job | None:
        """Take the oldest waiting job (or one whose worker's lease ran out), marked running."""
        while True:
            with self.db.transaction() as conn:
                row = conn.execute(
                    "SELECT record FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < now()) "
                    "ORDER BY record ->> 'requested_at' LIMIT 1 FOR UPDATE SKIP LOCKED").fetchone()
                if row is None:
                    return None
                job = Job.from_dict(row[0])
                if job.attempts >= attempts:  # its workers were killed each time: not again
                    self._write(conn, replace(job, state=FAILED, done_at=now))
                    continue
                started = replace(job, state=RUNNING_STATE, attempts=job.attempts + 1)
                self._write(conn, started, lease=True)
                return started

    def renew(self, job: Job) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE jobs SET lease_until = now() + make_interval(secs => %s) "
                         "WHERE job_id = %s AND state = 'running' AND (record ->> 'attempts')::int = %s",
                         (LEASE_SECONDS, job.id, job.attempts))

    def requeue_stale(self, lease_seconds: float) -> int:
        """Running jobs whose lease ran out go back to the queue; how many."""
        with self.db.transaction() as conn:
            stale = conn.execute("SELECT record FROM jobs WHERE state = 'running' AND lease_until < now() "
                                 "FOR UPDATE SKIP LOCKED").fetchall()
            for row in stale:
                self._write(conn, replace(Job.from_dict(row[0]), state=QUEUED))
        return len(stale)

    def waiting(self) -> int:
        with self.db.transaction() as conn:
            return conn.execute("SELECT count(*) FROM jobs WHERE state = 'queued'").fetchone()[0]

    # -- results -----------------------------------------------------------------------------

    def finish(self, job: Job, source: IO[bytes] | None, now: datetime) -> Job | None:
        with self.db.transaction() as conn:
            size = 0
            if source is not None:
                conn.execute("DELETE FROM job_outputs WHERE dossier_id = %s AND job_id = %s", (job.dossier_id, job.id))
                for number, (token, length) in enumerate(sealed_chunks(self.sealer, job.id, source)):
                    conn.execute("INSERT INTO job_outputs (dossier_id, job_id, chunk, sealed) VALUES (%s, %s, %s, %s)",
                                 (job.dossier_id, job.id, number, token))
                    size += length
            done = self._update(conn, job, taken=True, state=DONE, done_at=now, size=size)
            if done is None:  # a newer request replaced it: its own job makes its copy
                conn.rollback()
            return done

    def fail(self, job: Job, now: datetime, *, again: bool) -> Job | None:
        with self.db.transaction() as conn:
            if again:
                return self._update(conn, job, taken=True, state=QUEUED)
            return self._update(conn, job, taken=True, state=FAILED, done_at=now)

    def broken(self, job: Job, now: datetime) -> None:
        with self.db.transaction() as conn:
            if self._update(conn, job, state=FAILED, done_at=now) is not None:
                conn.execute("DELETE FROM job_outputs WHERE dossier_id = %s AND job_id = %s", (job.dossier_id, job.id))

    def output(self, job: Job) -> Iterator[bytes]:
        """The clear bytes of a done job, chunk by chunk (one query each); OutputBroken if amiss."""
        def tokens() -> Iterator[bytes]:
            number = 0
            while True:
                with self.db.transaction() as conn:
                    row = conn.execute("SELECT sealed FROM job_outputs WHERE dossier_id = %s AND job_id = %s "
                                       "AND chunk = %s", (job.dossier_id, job.id, number)).fetchone()
                if row is None:
                    return
                yield bytes(row[0])
                number += 1

        return opened_chunks(self.sealer, job.id, tokens())

    def forget(self, job: Job) -> None:
        with self.db.transaction() as conn:
            name = self._name(job.kind, job.slug)
            self._lock(conn, job.dossier_id, name)
            conn.execute("DELETE FROM job_outputs WHERE dossier_id = %s AND job_id = %s", (job.dossier_id, job.id))
            conn.execute("DELETE FROM jobs WHERE dossier_id = %s AND name = %s AND job_id = %s",
                         (job.dossier_id, name, job.id))

    def forget_all(self) -> int:
        """Delete every kept copy and booklet (reseal-data: they are made again when asked)."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM job_outputs")
            return conn.execute("DELETE FROM jobs WHERE state IN ('done', 'failed')").rowcount

    def kept(self) -> Iterator[Job]:
        """Every dossier copy made and not yet forgotten, oldest first."""
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT record FROM jobs WHERE state = 'done' AND dossier_id <> '' "
                                "ORDER BY record ->> 'done_at'").fetchall()
        return iter([Job.from_dict(r[0]) for r in rows])

