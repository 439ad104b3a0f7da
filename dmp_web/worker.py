"""The background worker: makes the copies and booklets that requests only ask for.

In production it is its own command beside the web servers, `flask --app app worker` (one or
more, on any server sharing the store: a job is taken by one worker only, see store/copies.py).
The development server runs one inside the web process (DMP_WORKER_EMBEDDED), started by the
first request, so a CLI command never starts one. Threads bound how many jobs run at once.
"""
from __future__ import annotations

import logging
import threading
import time
import traceback
from pathlib import Path

import click
from flask import Flask

from .services import copy_jobs, notices
from .store.copies import Job

log = logging.getLogger("dmp_web.worker")
LEASE_SECONDS = 60.0  # a job not renewed for this long belonged to a killed worker
POLL_SECONDS = 0.5
PURGE_SECONDS = 3600.0


def _context(app: Flask):
    from .web.deps import ctx

    with app.app_context():
        return ctx()


def _where(exc: BaseException) -> str:
    """file:line of the frame that raised, never the message (it may hold a name or a title)."""
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    return f"{Path(last.filename).name}:{last.lineno}" if last else "?"


class Worker:
    def __init__(self, app: Flask, threads: int = 2):
        self.app = app
        self.threads = threads
        self.stop = threading.Event()
        self._running: dict[str, Job] = {}
        self._lock = threading.Lock()

    def run_one(self) -> bool:
        """Take one waiting job and make it; False when none was waiting."""
        ctx = _context(self.app)
        job = copy_jobs.take(ctx)
        if job is None:
            return False
        with self._lock:
            self._running[job.id] = job
        try:
            copy_jobs.run(ctx, job)
        except Exception as exc:  # one job's failure never stops the worker
            again = copy_jobs.failed(ctx, job)
            log.warning("job failed: kind=%s attempt=%d error=%s at=%s retried=%s", job.kind, job.attempts,
                        type(exc).__name__, _where(exc), bool(again and again.state == "queued"))
        finally:
            with self._lock:
                self._running.pop(job.id, None)
        return True

    def run_pending(self) -> int:
        """Make every job waiting now, one after the other; how many (tests, `worker --once`)."""
        made = 0
        while self.run_one():
            made += 1
        return made

    def flush_notices(self) -> int:
        """Send the messages made from the journal whose time has come: the hourly «un soignant a
        ouvert votre DMP» and the carers' daily one (their state is in the store: any worker of
        any server sends each once); how many."""
        return notices.flush_due(_context(self.app))

    def _heartbeat(self) -> None:
        """Renew the leases of the jobs in hand; put back those of killed workers; send the
        messages that are due (openings, carers); delete the copies kept for a day (about every PURGE_SECONDS)."""
        last_purge = 0.0
        while not self.stop.wait(LEASE_SECONDS / 4):
            try:
                ctx = _context(self.app)
                with self._lock:
                    held = list(self._running.values())
                for job in held:
                    ctx.repos.jobs.renew(job)
                ctx.repos.jobs.requeue_stale(LEASE_SECONDS)
                notices.flush_due(ctx)
                if time.monotonic() - last_purge > PURGE_SECONDS:
                    copy_jobs.purge_expired(ctx)
                    last_purge = time.monotonic()
            except Exception as exc:  # a busy store: the next beat tries again
                log.warning("worker heartbeat: error=%s at=%s", type(exc).__name__, _where(exc))

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                if not self.run_one():
                    self.stop.wait(POLL_SECONDS)
            except Exception as exc:  # the store busy (a backup), a disk error: wait, go on
                log.warning("worker loop: error=%s at=%s", type(exc).__name__, _where(exc))
                self.stop.wait(POLL_SECONDS * 4)

    def start(self) -> list[threading.Thread]:
        """Start the threads (daemons: they end with the process); returns them."""
        ctx = _context(self.app)
        ctx.repos.jobs.requeue_stale(LEASE_SECONDS)
        copy_jobs.queue_booklets(ctx)
        started = [threading.Thread(target=self._heartbeat, name="dmp-worker-heartbeat", daemon=True)]
        started += [threading.Thread(target=self._loop, name=f"dmp-worker-{n}", daemon=True)
                    for n in range(self.threads)]
        for thread in started:
            thread.start()
        return started


def init_app(app: Flask) -> None:
    settings = app.config["DMP_SETTINGS"]

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Faire les travaux en attente, puis s’arrêter.")
    def worker_command(once: bool) -> None:
        """Faire les copies et les livrets demandés (le travail de fond)."""
        worker = Worker(app, settings.worker_threads)
        if once:
            click.echo(f"{worker.run_pending()} travail(s) fait(s).")
            sent = worker.flush_notices()
            click.echo(f"{sent} message(s) envoyé(s) : qui a ouvert le DMP, ce qu’ont fait les aidants.")
            return
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        threads = worker.start()
        click.echo(f"Le travail de fond tourne ({settings.worker_threads} à la fois). Ctrl+C pour l’arrêter.")
        try:
            while all(t.is_alive() for t in threads):
                threads[0].join(1.0)
        except KeyboardInterrupt:
            worker.stop.set()
            return
        # a thread that died is a worker that no longer works: exit 1, so systemd restarts it
        click.echo("Le travail de fond s’est arrêté sur une erreur.", err=True)
        raise SystemExit(1)

    if settings.worker_embedded:
        started = threading.Lock()
        state = {"worker": None}

        @app.before_request
        def _start_embedded_worker() -> None:
            if state["worker"] is None:
                with started:
                    if state["worker"] is None:
                        worker = Worker(app, settings.worker_threads)
                        worker.start()
                        state["worker"] = worker

        app.extensions["dmp.worker"] = state
