"""« Je ne connais pas cette personne »: the patient reports a professional of their access
history (and may block them in the same step), the caisse's desk agents read the open reports
and mark each one handled with a note for the patient.

The report is a change of the patient's dossier: one "manage" decision through `act`, journaled
as "professional_reported" with the report saved in the same unit of work. The block, when asked,
is `management.block`'s own decision and entry (the médecin traitant is never blocked). The queue
is no reading of a dossier: the desk agents see only what a report needs (see `QueueItem`), and
their handling is journaled in the patient's journal under their own name.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.actors import ActorKind, DeskAgent, LegalRepresentative, Professional
from ..domain.details import Change, JournaledDetail, read_detail
from ..domain.dossier import Dossier
from ..domain.journal import Actor
from ..domain.reports import (
    Report, ReportRefused, covering, handled, may_handle_reports, new_report, open_report,
)
from . import dossier_access, management, notices
from .context import Context


class NotReportable(LookupError):
    """No entry of this journal names a professional at this place, or the dossier is closed."""


class NoSuchReport(LookupError):
    """No report has this id."""


class NotADeskAgent(PermissionError):
    """The queue is the desk agents' work: anyone else is refused."""


@dataclass(frozen=True)
class Reportable:
    """An access of the patient's journal, as the report page shows it."""

    seq: int
    at: datetime
    rpps: str
    name: str
    profession: str  # «médecin, cardiologie», «pharmacien»; "" when the directory no longer knows them
    attending_doctor: bool  # the médecin traitant: never blocked
    blocked: bool  # blocked already
    open_report: Report | None


def reportable(ctx: Context, actor, dossier: Dossier, seq: int) -> Reportable:
    """The access at `seq` in the patient's journal, if a professional made it (NotReportable
    otherwise). The page only offers the button: the report is decided and journaled."""
    if not dossier_access.allowed_unjournaled(ctx, actor, "read_dossier", dossier):
        raise NotReportable(seq)  # a closed dossier: its history is not shown either
    found = ctx.repos.journal.entries(dossier.id, seq, seq + 1) if 0 <= seq < ctx.repos.journal.count(dossier.id) \
        else []
    if not found or found[0].actor_kind != ActorKind.PROFESSIONAL.value or _kept_from(ctx, actor, dossier, found[0]):
        raise NotReportable(seq)
    entry = found[0]
    professional: Professional | None = ctx.repos.directory.professional(entry.actor_id)
    name = professional.name if professional else (entry.actor_name or entry.actor_id)
    return Reportable(entry.seq, entry.at, entry.actor_id, name, professional.description if professional else "",
                      entry.actor_id == dossier.attending_doctor_rpps, entry.actor_id in dossier.blocked_rpps,
                      open_report(ctx.repos.reports.of_dossier(dossier.id), entry.actor_id))


def _kept_from(ctx: Context, actor, dossier: Dossier, entry) -> bool:
    """An access to a document hidden from a minor's legal representatives: the history never shows
    them its line (services/history.py kept_from), so its page must not tell who made it, nor when."""
    if not isinstance(actor, LegalRepresentative):
        return False
    document_id = read_detail(entry.detail).document_id
    document = ctx.repos.documents.get(dossier.id, document_id) if document_id else None
    return document is not None and document.hidden_from_representatives


@dataclass(frozen=True)
class Reported:
    report: Report
    blocked: bool  # the professional is blocked now (by this step or before)
    block_refused: str = ""  # why the block was refused (the médecin traitant), in French


def report(ctx: Context, actor, dossier: Dossier, seq: int, *, sentence: str, block: bool) -> Reported:
    """The patient reports the professional of the access at `seq`, and blocks them if asked.

    Raises NotReportable, or ReportRefused ("already_reported", "sentence_too_long")."""
    target = reportable(ctx, actor, dossier, seq)
    if target.open_report is not None:  # before the block: a second report changes nothing
        raise ReportRefused("already_reported")
    blocked, refused = target.blocked, ""
    if block and not target.blocked:
        outcome = management.block(ctx, actor, dossier, target.rpps)
        if outcome == "unknown":  # no longer in the directory: there is no one to block
            refused = "Ce soignant n’est plus dans l’annuaire. Il ne peut plus ouvrir votre DMP."
        elif outcome.allowed:
            blocked = True
        else:
            refused = outcome.reason  # the médecin traitant, named since the page was shown
    made: list[Report] = []

    def save(unit, fresh: Dossier, _document, _decision) -> dict:
        report = new_report(unit.reports(), report_id=secrets.token_hex(8), dossier_id=fresh.id, rpps=target.rpps,
                            professional_name=target.name, access_seq=target.seq, access_at=target.at,
                            sentence=sentence, blocked=blocked, now=ctx.now())
        unit.save_report(report)
        made.append(report)
        return {"action": "professional_reported", "change": Change("professional_reported", target.rpps, target.name)}

    decision = dossier_access.act(ctx, actor, "manage", dossier, change=save)
    if not decision.allowed:
        raise NotReportable(seq)
    return Reported(made[0], blocked, refused)


# -- the desk agents' queue ---------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    """What a desk agent sees of a report, and nothing more.

    The dossier's INS-C and the patient's name: the agent finds the person in the caisse's own
    files with them, to answer or to call back. Never the NIR, the birth date, the contacts, the
    documents, the wishes or the rest of the journal: the report is about a professional who came
    to the DMP, not about the patient's care, and a desk agent reads no DMP."""

    report: Report
    ins_c: str
    patient_name: str
    profession: str  # the reported professional's, from the directory ("" if gone)


def _agent(actor) -> DeskAgent:
    if not may_handle_reports(actor):
        raise NotADeskAgent()
    return actor


def _item(ctx: Context, report: Report) -> QueueItem | None:
    dossier = ctx.repos.dossiers.get(report.dossier_id)
    if dossier is None:
        return None
    person = ctx.register.get(dossier.holder_nir)
    professional = ctx.repos.directory.professional(report.rpps)
    return QueueItem(report, dossier.ins_c, person.short_name if person else "",
                     professional.description if professional else "")


def queue(ctx: Context, actor) -> list[QueueItem]:
    """The open reports, oldest first (NotADeskAgent for anyone else)."""
    _agent(actor)
    return [item for report in ctx.repos.reports.open_reports() if (item := _item(ctx, report)) is not None]


def open_count(ctx: Context, actor) -> int:
    """How many reports wait, for the agent's home page."""
    return len(queue(ctx, actor))


def queued(ctx: Context, actor, report_id: str) -> QueueItem:
    """One report, open or handled (NoSuchReport, NotADeskAgent)."""
    _agent(actor)
    found = ctx.repos.reports.find(report_id)
    item = _item(ctx, found) if found else None
    if item is None:
        raise NoSuchReport(report_id)
    return item


def handle(ctx: Context, actor, report_id: str, note: str) -> Report:
    """The agent marks the report handled with a note the patient reads; journaled in the
    patient's journal, under the agent's name. Raises NoSuchReport, NotADeskAgent, or
    ReportRefused ("already_handled", "note_missing", "note_too_long")."""
    agent = _agent(actor)
    found = ctx.repos.reports.find(report_id)
    if found is None:
        raise NoSuchReport(report_id)
    with ctx.repos.unit(found.dossier_id) as unit:
        fresh = next((r for r in unit.reports() if r.id == report_id), None)
        if fresh is None:
            raise NoSuchReport(report_id)
        done = handled(fresh, agent, note, ctx.now())
        unit.save_report(done)
        ref = agent.ref
        what = Change("report_handled", done.rpps, done.professional_name)
        unit.journal(at=done.handled_at, actor=Actor(ref.kind, ref.id, ref.name), action="report_handled",
                     detail=JournaledDetail(change=what).stored())
        unit.commit()
    notices.report_handled(ctx, found.dossier_id)  # by their channels, or by post
    return done


__all__ = ["NoSuchReport", "NotADeskAgent", "NotReportable", "QueueItem", "Reportable", "Reported", "ReportRefused",
           "handle", "may_handle_reports", "on_history", "open_count", "queue", "queued", "report", "reportable"]


def on_history(ctx: Context, dossier_id: str, lines: list) -> list:
    """The history's lines (services/history.py), each line a professional made with the report
    that covers it (domain `covering`): the page shows its state, or offers to report."""
    reports = ctx.repos.reports.of_dossier(dossier_id)
    if not reports:
        return lines
    return [replace(line, report=covering(reports, line.rpps, line.at)) if line.rpps else line for line in lines]
