"""The rules of « Je ne connais pas cette personne » (dmp_web/domain/reports.py): one open report
per professional, short texts, handled once and only by a desk agent, and which report a history
line shows."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dmp_web.domain.actors import DeskAgent, Professional
from dmp_web.domain.reports import (
    NOTE_MAX, SENTENCE_MAX, ReportRefused, covering, handled, may_handle_reports, new_report,
)

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AGENT = DeskAgent("cpam0001", "Nadia Benoît")
PHARMACIST, NURSE = "10001000032", "10001000040"


def made(reports=(), rpps=PHARMACIST, at=AT, sentence="", report_id="r1"):
    return new_report(list(reports), report_id=report_id, dossier_id="d1", rpps=rpps, professional_name="Claire Petit",
                      access_seq=4, access_at=at - timedelta(days=2), sentence=sentence, blocked=False, now=at)


def refusal(call) -> str:
    with pytest.raises(ReportRefused) as refused:
        call()
    return refused.value.code


def test_a_second_open_report_on_the_same_professional_is_refused_but_not_on_another():
    first = made()
    assert refusal(lambda: made([first], report_id="r2")) == "already_reported"
    assert made([first], rpps=NURSE, report_id="r2").is_open
    assert made([handled(first, AGENT, "Vu.", AT)], report_id="r2").is_open  # once handled, again


def test_the_sentence_is_optional_and_short_and_the_note_required_and_short():
    assert made(sentence="  Je ne la connais pas.  ").sentence == "Je ne la connais pas."
    assert refusal(lambda: made(sentence="a" * (SENTENCE_MAX + 1))) == "sentence_too_long"
    assert refusal(lambda: handled(made(), AGENT, "   ", AT)) == "note_missing"
    assert refusal(lambda: handled(made(), AGENT, "a" * (NOTE_MAX + 1), AT)) == "note_too_long"


def test_only_a_desk_agent_handles_a_report_and_only_once():
    doctor = Professional("10001000016", "Dr Jean Durand", "medecin", "medecine_generale")
    assert not may_handle_reports(doctor) and may_handle_reports(AGENT)
    assert refusal(lambda: handled(made(), doctor, "Vu.", AT)) == "not_a_desk_agent"
    done = handled(made(), AGENT, "Nous avons appelé la pharmacie.", AT)
    assert (done.is_open, done.handled_by_name, done.note) == (False, "Nadia Benoît", "Nous avons appelé la pharmacie.")
    assert refusal(lambda: handled(done, AGENT, "Encore.", AT)) == "already_handled"


def test_a_history_line_shows_the_report_made_after_it_else_the_open_one():
    old = handled(made(at=AT), AGENT, "Vu.", AT + timedelta(hours=1))
    later = made([old], at=AT + timedelta(days=3), report_id="r2")
    assert covering([old, later], PHARMACIST, AT - timedelta(days=1)) == old  # before the first report
    assert covering([old, later], PHARMACIST, AT + timedelta(days=1)) == later  # between the two
    assert covering([old, later], PHARMACIST, AT + timedelta(days=9)) == later  # after: the open one
    assert covering([old], PHARMACIST, AT + timedelta(days=1)) is None  # after a handled one: report again
    assert covering([old, later], NURSE, AT) is None
