"""Copies and booklets made off the request path, by the background worker (dmp_web/worker.py).

A request only asks: the access policy decides the "export" and it is journaled, as when the copy
was made in the request; then a job is queued (store/copies.py). The worker builds the copy with
services/copies.py and keeps it sealed, so the page that waits can offer it once made. A kept copy
is offered again while the dossier's content is unchanged (its content mark) and for a day.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from collections.abc import Iterator

from ..domain.letters import POST_DELAY
from ..domain.access import Decision
from ..domain.representatives import FIRST_SLOT
from ..domain.dossier import Dossier
from ..store.copies import DONE, FAILED, QUEUED, RUNNING_STATE, Job, OutputBroken
from ..texts import guides
from . import copies
from .context import Context
from .holder import site_address
from .dossier_access import decide_and_journal, allowed_unjournaled

# The copies a patient asks for, and what their journal entry adds (services/history.py tells it).
DOSSIER_KINDS = {"pdf": copies.COPY_PDF, "archive": copies.COPY_ARCHIVE, "post": copies.COPY_POST}
DOWNLOAD_NOTES = {"pdf": "download_pdf", "archive": "download_archive"}  # a download is journaled too
BOOKLET = "booklet"
KEPT_FOR = timedelta(days=1)  # a kept copy is offered again for a day at most
ATTEMPTS = 3  # a job that raised (or killed its worker) is tried again, this many times in all
BOOKLET_RETRY = timedelta(minutes=10)  # a booklet that failed is tried again after this, not sooner
# What the waiting page says about each state.
WAITING, READY, FAILED_STATE = "waiting", "ready", "failed"


@dataclass(frozen=True)
class CopyStatus:
    state: str  # WAITING, READY or FAILED_STATE
    job: Job

    @property
    def kept_until(self) -> datetime | None:
        return self.job.done_at + KEPT_FOR if self.job.done_at else None


def content_mark(ctx: Context, dossier: Dossier) -> str:
    """Changes whenever what a copy shows changes: the dossier's records and the person's identity.
    The history is not in it (every page view adds to it): a copy says when it was made."""
    person = ctx.register.get(dossier.holder_nir)
    digest = hashlib.sha256(ctx.repos.content_mark(dossier.id).encode())
    digest.update(repr(person).encode())
    return digest.hexdigest()


def _fresh(job: Job, mark: str, now: datetime) -> bool:
    if job.state == FAILED or job.mark != mark:
        return False
    return job.state != DONE or (job.done_at is not None and now - job.done_at < KEPT_FOR)


@dataclass(frozen=True)
class CopyAsked:
    decision: Decision
    job: Job | None = None
    sent_at: datetime | None = None  # by post: the same copy was sent then, none is sent again


def ask_copy(ctx: Context, actor, dossier: Dossier, kind: str, *, again: bool = False) -> CopyAsked:
    """The patient asks for a copy (kind: "pdf", "archive", "post"): decided and journaled, then
    the job, reused when a copy of the same content is waiting or was made less than a day ago
    (`again`: a new one all the same). By post, a letter on its way, or the same copy sent less
    than the post's delay ago, is not sent twice."""
    decision = decide_and_journal(ctx, actor, "export", dossier, note=DOSSIER_KINDS[kind])
    if not decision.allowed:
        return CopyAsked(decision)
    now = ctx.now()
    mark = content_mark(ctx, dossier)
    if kind == "post":
        def reusable(job: Job) -> bool:
            sent_lately = job.state == DONE and job.mark == mark and job.done_at and now - job.done_at < POST_DELAY
            return job.state in (QUEUED, RUNNING_STATE) or bool(sent_lately)
    else:
        def reusable(job: Job) -> bool:
            return not again and _fresh(job, mark, now)
    job = ctx.repos.jobs.request(kind, mark, now, dossier_id=dossier.id, reusable=reusable)
    return CopyAsked(decision, job, job.done_at if kind == "post" and job.state == DONE else None)


def _status(job: Job | None, mark: str, now: datetime) -> CopyStatus | None:
    if job is None:
        return None
    if job.state == FAILED:
        return CopyStatus(FAILED_STATE, job)
    if not _fresh(job, mark, now):
        return None  # made from content that has changed since, or too old: ask again
    return CopyStatus(READY if job.state == DONE else WAITING, job)


def copy_status(ctx: Context, dossier: Dossier, kind: str) -> CopyStatus | None:
    """Where the patient's copy of this kind is: waiting, ready (and fresh) or failed; None when
    there is none to offer. Reads no document."""
    job = ctx.repos.jobs.get(kind, dossier_id=dossier.id)
    return _status(job, content_mark(ctx, dossier), ctx.now())


@dataclass(frozen=True)
class KeptCopy:
    size: int
    chunks: Iterator[bytes]  # opened as they are sent


def kept_copy(ctx: Context, actor, dossier: Dossier, kind: str) -> KeptCopy | None:
    """The patient's ready copy, or None (none ready, or it does not open: it is then marked
    failed, so that the next ask makes it again). The download is decided and journaled."""
    status = copy_status(ctx, dossier, kind)
    if status is None or status.state != READY:
        return None
    chunks = ctx.repos.jobs.output(status.job)
    try:
        first = next(chunks)  # a copy that does not open fails here, before any byte is sent
    except (OutputBroken, StopIteration):
        ctx.repos.jobs.broken(status.job, ctx.now())
        return None
    if not decide_and_journal(ctx, actor, "export", dossier, note=DOWNLOAD_NOTES[kind]).allowed:
        return None
    return KeptCopy(status.job.size, _sent(ctx, status.job, first, chunks))


def _sent(ctx: Context, job: Job, first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    try:
        yield from rest
    except OutputBroken:  # cut after its first chunk: the size sent says the download is short
        ctx.repos.jobs.broken(job, ctx.now())
        raise


# -- booklets: the same guides for everyone ---------------------------------------------------

def booklet_slugs() -> list[str]:
    return [guides.ALL_GUIDES_SLUG, *(g.slug for g in guides.load_guides())]


def _booklet_guides(slug: str) -> tuple[guides.Guide, ...] | None:
    if slug == guides.ALL_GUIDES_SLUG:
        return guides.load_guides()
    guide = guides.guide_by_slug(slug)
    return (guide,) if guide else None


def booklet_mark(ctx: Context, slug: str) -> str:
    """The version of a booklet: its guides' text, and the help line and site it prints."""
    return hashlib.sha256(repr((_booklet_guides(slug), ctx.help_line, site_address(ctx))).encode()).hexdigest()


def ask_booklet(ctx: Context, slug: str) -> CopyStatus:
    """The booklet of a known slug (callers check it): ready, or queued now. At most one job per
    booklet and version of its text, whoever asks, so a stranger cannot queue more; a failed one is
    asked again only BOOKLET_RETRY later."""
    mark, now = booklet_mark(ctx, slug), ctx.now()

    def reusable(job: Job) -> bool:
        waited = job.state != FAILED or (job.done_at is not None and now - job.done_at < BOOKLET_RETRY)
        return job.mark == mark and waited

    job = ctx.repos.jobs.request(BOOKLET, mark, now, slug=slug, reusable=reusable)
    if job.state == FAILED:
        return CopyStatus(FAILED_STATE, job)
    return CopyStatus(READY if job.state == DONE else WAITING, job)


def booklet_bytes(ctx: Context, status: CopyStatus) -> KeptCopy | None:
    """The ready booklet, or None when it does not open (then made again at the next ask)."""
    chunks = ctx.repos.jobs.output(status.job)
    try:
        first = next(chunks)
    except (OutputBroken, StopIteration):
        ctx.repos.jobs.broken(status.job, ctx.now())
        return None
    return KeptCopy(status.job.size, _sent(ctx, status.job, first, chunks))


def queue_booklets(ctx: Context) -> None:
    """The worker asks for every booklet when it starts, so they are ready before anyone asks."""
    for slug in booklet_slugs():
        ask_booklet(ctx, slug)


# -- the worker's side ------------------------------------------------------------------------

def asked_by_ended_representatives(dossier: Dossier, asked_at) -> bool:
    """A copy asked by a minor's representatives and made after 18: it would carry, to their
    address, what was hidden from them. Not made; the young adult asks his own."""
    return any(r.ended_at is not None and r.ended_at > asked_at for r in dossier.representatives)


def take(ctx: Context) -> Job | None:
    """The next job for this worker, or None."""
    return ctx.repos.jobs.claim(ctx.now(), ATTEMPTS)


def run(ctx: Context, job: Job) -> Job | None:
    """Make what the job asks and keep it; raises when it cannot (the worker tries again)."""
    if job.kind == BOOKLET:
        chosen = _booklet_guides(job.slug)
        if chosen is None or booklet_mark(ctx, job.slug) != job.mark:
            return ctx.repos.jobs.fail(job, ctx.now(), again=False)  # the guide changed or left
        data = guides.booklet_pdf(chosen, all_guides=job.slug == guides.ALL_GUIDES_SLUG,
                                  help_line=ctx.help_line, site_address=site_address(ctx))
        return ctx.repos.jobs.finish(job, io.BytesIO(data), ctx.now())
    dossier = ctx.repos.dossiers.get(job.dossier_id)
    # the copy is the account owners': while a minor, their representatives', who never see what
    # is hidden from them (both see the same documents); at 18, the young adult's
    actor = dossier.acting_in(FIRST_SLOT) if dossier is not None else None
    if dossier is not None and asked_by_ended_representatives(dossier, job.requested_at):
        return ctx.repos.jobs.fail(job, ctx.now(), again=False)  # never the young adult's to the parents
    if dossier is None or not allowed_unjournaled(ctx, actor, "export", dossier):
        return ctx.repos.jobs.fail(job, ctx.now(), again=False)
    if job.kind == "post":
        copies.send_copy_by_post(ctx, actor, dossier, once=job.id)
        return ctx.repos.jobs.finish(job, None, ctx.now())
    if job.kind == "pdf":
        content = copies.gather(ctx, actor, dossier)
        return ctx.repos.jobs.finish(job, io.BytesIO(copies.render_copy(content)), ctx.now())
    archive = copies.build_archive(ctx, actor, dossier)
    try:
        return ctx.repos.jobs.finish(job, archive, ctx.now())
    finally:
        archive.close()


def failed(ctx: Context, job: Job) -> Job | None:
    """A job that raised: tried again later, or failed for good after ATTEMPTS."""
    return ctx.repos.jobs.fail(job, ctx.now(), again=job.attempts < ATTEMPTS)


def purge_expired(ctx: Context) -> int:
    """Delete the dossier copies made more than a day ago; how many."""
    now, gone = ctx.now(), 0
    for job in ctx.repos.jobs.kept():
        if job.done_at is None or now - job.done_at >= KEPT_FOR:
            ctx.repos.jobs.forget(job)
            gone += 1
    return gone
