"""« Je ne connais pas cette personne »: the patient reports a professional seen in their access
history; the Assurance Maladie's desk agents read the open reports and mark each one handled,
with a note the patient reads.

The rules:
- a report points at one entry of the patient's journal made by a professional (the patient
  cannot report a number they typed, only someone who came to their DMP);
- one open report per professional per dossier: the open one already speaks of every access of
  that professional, so a second would only say it again and fill the agents' queue;
- the patient's sentence is optional and short, the agent's note required and short: both are
  free text, sealed at rest by the store;
- only a desk agent handles a report, and only once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .actors import DeskAgent

SENTENCE_MAX = 300  # characters the patient may add: a sentence or two, not a letter
NOTE_MAX = 500  # characters of the agent's note to the patient

OPEN, HANDLED = "open", "handled"


class ReportRefused(ValueError):
    """A rule of this module refuses; `code` says which (a key of the forms' messages)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Report:
    id: str
    dossier_id: str
    rpps: str
    professional_name: str  # as the directory gave it when the patient reported
    access_seq: int  # the journal entry the patient pointed at
    access_at: datetime
    reported_at: datetime
    sentence: str = ""  # what the patient added, as typed
    blocked: bool = False  # the patient blocked the professional in the same step
    status: str = OPEN
    handled_at: datetime | None = None
    handled_by_id: str = ""
    handled_by_name: str = ""
    note: str = ""  # the agent's note, written for the patient to read

    def __post_init__(self):
        if self.status not in (OPEN, HANDLED):
            raise ValueError(f"unknown report status {self.status!r}")

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


def may_handle_reports(actor) -> bool:
    """Only the caisse's desk agents see the queue: it is their work, not a reading of a dossier."""
    return isinstance(actor, DeskAgent)


def open_report(reports: Iterable[Report], rpps: str) -> Report | None:
    return next((r for r in reports if r.rpps == rpps and r.is_open), None)


def checked_sentence(sentence: str, limit: int = SENTENCE_MAX, code: str = "sentence_too_long") -> str:
    text = (sentence or "").strip()
    if len(text) > limit:
        raise ReportRefused(code)
    return text


def new_report(reports: Iterable[Report], *, report_id: str, dossier_id: str, rpps: str, professional_name: str,
               access_seq: int, access_at: datetime, sentence: str, blocked: bool, now: datetime) -> Report:
    """A new open report, refused while one is open for this professional (`reports`: the dossier's)."""
    if open_report(reports, rpps) is not None:
        raise ReportRefused("already_reported")
    return Report(report_id, dossier_id, rpps, professional_name, access_seq, access_at, now,
                  sentence=checked_sentence(sentence), blocked=blocked)


def handled(report: Report, agent: DeskAgent, note: str, now: datetime) -> Report:
    """The report marked handled by this agent, with their note."""
    if not may_handle_reports(agent):
        raise ReportRefused("not_a_desk_agent")
    if not report.is_open:
        raise ReportRefused("already_handled")
    text = checked_sentence(note, NOTE_MAX, "note_too_long")
    if not text:
        raise ReportRefused("note_missing")
    return replace(report, status=HANDLED, handled_at=now, handled_by_id=agent.id, handled_by_name=agent.name,
                   note=text)


def covering(reports: Iterable[Report], rpps: str, at: datetime) -> Report | None:
    """The report a history line of this professional at `at` shows: the first one made at or
    after it (« je ne connais pas cette personne » covers every access before), else the open one
    (an access after the report is part of what the caisse looks at). None: the line offers to
    report."""
    made = sorted((r for r in reports if r.rpps == rpps), key=lambda r: r.reported_at)
    return next((r for r in made if r.reported_at >= at), None) or open_report(made, rpps)
