"""«Recevoir mon historique par courrier»: each month, one letter for every dossier that asked
it, listing the month's accesses by others than the patient (`flask letters history`).

What a letter lists: the entries of others than the patient's side (HOLDER_SIDE), as the
history's default view, without our own notices (the «system» actor): those are no access, and
this letter's own entry must not make the next month's. A month without access sends nothing.
Titles are never printed («un document»): a letter may be opened by someone else at home.

Running it twice for one month, or on two servers at once, posts each letter once: a letter is
claimed in the store under its lock before it is made (repos.history_letters), and queued with
the claim's key, so a run killed between the two is finished by the next without a second copy.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from .. import pdf
from ..domain.actors import ActorKind
from ..domain.details import read_detail
from ..domain.dossier import Dossier
from ..domain.history_letters import claim, month_bounds, month_words, previous_month
from ..domain.journal import HOLDER_SIDE, JournalEntry
from . import history, notices
from .context import Context
from .holder import letter_context

log = logging.getLogger(__name__)

LETTER_KIND = "history_letter"
PAGE = 100  # entries read at a time, from the newest


@dataclass
class MonthRun:
    """What a run did, for the operator."""

    month: str
    queued: int = 0
    empty: int = 0  # asked, but no access that month: nothing sent
    already: int = 0  # queued before (or by another server now)
    failed: int = 0


def accesses(ctx: Context, dossier_id: str, start: datetime, end: datetime) -> list[JournalEntry]:
    """The entries of others than the patient's side in [start, end), oldest first; read from
    the newest, down to the month's start only."""
    found: list[JournalEntry] = []
    upto, skip = ctx.repos.journal.count(dossier_id), 0
    while True:
        _total, page = ctx.repos.journal.others(dossier_id, upto, skip, PAGE)
        found.extend(e for e in page if start <= e.at < end and e.actor_kind not in (*HOLDER_SIDE, "system"))
        if len(page) < PAGE or page[-1].at < start:
            break
        skip += PAGE
    return sorted(found, key=lambda e: e.seq)


def letter_lines(ctx: Context, entries: list[JournalEntry]) -> list[tuple[str, str]]:
    """(when, what) of each access, in the history's own sentences, never a document's title."""
    rpps = {e.actor_id for e in entries if e.actor_kind == ActorKind.PROFESSIONAL.value}
    professionals = {n: p for n in rpps if (p := ctx.repos.directory.professional(n)) is not None}
    lines = []
    for entry in entries:
        line = history.describe(entry, titles={}, professionals=professionals)
        lines.append((line.when, f"{line.label} : {line.what}" if line.label else line.what))
    return lines


def _kept_from_representatives(ctx: Context, dossier: Dossier) -> set[str]:
    """While a minor's representatives act, they read these letters: the documents hidden from
    them are left out, as from their history (services/history.py kept_from)."""
    if not dossier.active_representatives:
        return set()
    return {d.id for d in ctx.repos.documents.list(dossier.id) if d.hidden_from_representatives}


def queue_month(ctx: Context, month: str | None = None) -> MonthRun:
    """Queue the letters of `month` ("YYYY-MM"; the month before this one by default)."""
    run = MonthRun(month or previous_month(ctx.now()))
    for dossier_id in ctx.repos.dossiers.all_ids():
        dossier = ctx.repos.dossiers.get(dossier_id)
        if dossier is None or not dossier.history_by_post:
            continue
        try:
            outcome = _one(ctx, dossier, run.month)
        except Exception as exc:  # one dossier's failure never stops the others
            log.error("history letter stopped: error=%s", type(exc).__name__)
            outcome = "failed"
        setattr(run, outcome, getattr(run, outcome) + 1)
    return run


def _one(ctx: Context, dossier: Dossier, month: str) -> str:
    start, end = month_bounds(month)
    kept = _kept_from_representatives(ctx, dossier)
    entries = [e for e in accesses(ctx, dossier.id, start, end) if read_detail(e.detail).document_id not in kept]
    if not entries:
        return "empty"
    now = ctx.now()
    claimed = ctx.repos.history_letters.update(dossier.id, month,
                                               lambda state: claim(state, month, now, secrets.token_hex(16)))
    if claimed is None:
        return "already"
    queued: list[str] = []

    def send() -> None:
        person = ctx.register.get(dossier.holder_nir)
        if person is None:
            raise ValueError("no postal address")
        letter = pdf.history_letter(full_name=person.full_name, address_lines=person.address.lines(),
                                    month=month_words(month), lines=letter_lines(ctx, entries), **letter_context(ctx))
        queued.append(ctx.notifier.letters.enqueue(letter, [person.full_name, *person.address.lines()], LETTER_KIND,
                                                   once=claimed.once))

    if not notices.send_journaled(ctx, dossier.id, LETTER_KIND, "to_holder_by_post", send):
        return "failed"  # claimed still: the next run after CLAIM_LEASE tries again
    ctx.repos.history_letters.update(dossier.id, month, lambda state: state.sent(queued[0], now))
    return "queued"
