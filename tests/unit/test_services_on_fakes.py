"""The use cases on the in-memory fakes of the store's ports (tests/memory_store.py): the rules
of «decide → change → journal», with no file at all."""
from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

import pytest

from dmp_web.domain.actors import Holder, Profession, Professional
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.accounts import Account
from dmp_web.services import dossier_access, first_connection, history, management, wishes
from dmp_web.services.context import Context

from ..fakes import FakeClock
from ..memory_store import MemoryRepositories

DOSSIER = "ab12cd34ef56ab12cd34ef56"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DURAND = Professional("10001000016", "Dr Marie Durand", Profession.MEDECIN, "medecine_generale")
LEFEVRE = Professional("10001000024", "Dr Paul Lefèvre", Profession.MEDECIN, "cardiologie")
PETIT = Professional("10001000032", "Claire Petit", Profession.PHARMACIEN)
BERNARD = Professional("10001000040", "Hugo Bernard", Profession.INFIRMIER)
HOLDER = Holder(DOSSIER)
ON = {"regulator_access": True, "break_glass_access": True, "hidden_in_emergency": False}
OFF = dict.fromkeys(ON, False)


@pytest.fixture
def ctx():
    repos = MemoryRepositories([DURAND, LEFEVRE, PETIT, BERNARD])
    repos.dossiers.add(Dossier(DOSSIER, "275051305511212", "x", NOW - timedelta(days=300),
                               Consent("holder", "online", NOW, "online"), regulator_access=True,
                               break_glass_access=True, attending_doctor_rpps=DURAND.rpps,
                               care_team_rpps=[LEFEVRE.rpps, PETIT.rpps, BERNARD.rpps]))
    return Context(repos=repos, register=None, notifier=None, clock=FakeClock(NOW))


def dossier(ctx):
    return ctx.repos.dossiers.get(DOSSIER)


def journal(ctx):
    return ctx.repos.journal.entries(DOSSIER)


def test_a_change_and_its_entry_land_together_and_the_chain_holds(ctx):
    assert management.block(ctx, HOLDER, dossier(ctx), PETIT.rpps).allowed
    assert PETIT.rpps in dossier(ctx).blocked_rpps
    [entry] = journal(ctx)
    assert entry.action == "manage" and entry.detail == {
        "code": "holder", "change": {"what": "professional_blocked", "rpps": PETIT.rpps, "name": "Claire Petit"}}
    assert ctx.repos.journal.check(DOSSIER) is None


def test_the_rule_decides_on_the_dossier_as_it_is_at_the_change(ctx):
    """The page was loaded before Dr Lefèvre became médecin traitant: blocking him is refused."""
    seen_before = dossier(ctx)
    assert management.set_attending_doctor(ctx, HOLDER, dossier(ctx), LEFEVRE.rpps).allowed
    refused = management.block(ctx, HOLDER, seen_before, LEFEVRE.rpps)
    assert not refused.allowed and refused.reason_code == "attending_doctor_cannot_be_blocked"
    assert dossier(ctx).blocked_rpps == []
    last = journal(ctx)[-1]
    assert not last.allowed and last.detail == {"code": "attending_doctor_cannot_be_blocked", "change": {
        "what": "professional_blocked", "rpps": LEFEVRE.rpps, "name": "Dr Paul Lefèvre"}}


def test_a_refused_actor_changes_nothing_and_the_refusal_is_journaled(ctx):
    (refused,) = management.set_emergency_switches(ctx, PETIT, dossier(ctx), {**ON, "break_glass_access": False})
    assert not refused.allowed and dossier(ctx).break_glass_access is True
    assert [(e.action, e.allowed, e.actor_id) for e in journal(ctx)] == [("manage", False, PETIT.rpps)]


def test_a_deposit_is_stored_with_its_entry_and_a_refused_one_leaves_nothing(ctx):
    done = dossier_access.deposit(ctx, DURAND, dossier(ctx), type_code="consultation_report",
                                  title="Consultation", document_date=date(2026, 11, 20), text="Tout va bien.")
    assert done.decision.allowed and ctx.repos.documents.text(DOSSIER, done.document.id) == "Tout va bien."
    blocked = management.block(ctx, HOLDER, dossier(ctx), BERNARD.rpps)
    assert blocked.allowed
    refused = dossier_access.deposit(ctx, BERNARD, dossier(ctx), type_code="consultation_report",
                                     title="Soins", document_date=None, text="x")
    assert not refused.decision.allowed and refused.document is None
    assert [d.title for d in ctx.repos.documents.list(DOSSIER)] == ["Consultation"]
    assert [(e.action, e.allowed) for e in journal(ctx)] == [("write_document", True), ("manage", True),
                                                             ("write_document", False)]


def test_hiding_a_document_reads_it_under_the_lock_and_notes_it(ctx):
    done = dossier_access.deposit(ctx, DURAND, dossier(ctx), type_code="consultation_report",
                                  title="Consultation", document_date=None, text="x")
    assert dossier_access.set_hidden(ctx, HOLDER, dossier(ctx), done.document, True).allowed
    assert ctx.repos.documents.get(DOSSIER, done.document.id).hidden is True
    assert journal(ctx)[-1].detail == {"code": "holder", "document": done.document.id, "note": "hidden"}


def test_an_emergency_access_is_kept_only_when_the_policy_opened_it(ctx):
    assert dossier_access.open_emergency(ctx, BERNARD, dossier(ctx), "Malaise à domicile").allowed
    assert [a.rpps for a in ctx.repos.emergencies.all(DOSSIER)] == [BERNARD.rpps]
    assert journal(ctx)[-1].action == "break_glass"
    refused = dossier_access.open_emergency(ctx, PETIT, dossier(ctx), "Malaise à l’officine")  # not his profession's
    assert (refused.allowed, refused.reason_code) == (False, "emergency_profession")
    assert len(ctx.repos.emergencies.all(DOSSIER)) == 1
    assert (journal(ctx)[-1].action, journal(ctx)[-1].allowed, journal(ctx)[-1].emergency) == \
        ("open_emergency", False, True)


def test_turning_bris_de_glace_off_ends_the_running_access_and_nothing_else(ctx):
    assert dossier_access.open_emergency(ctx, BERNARD, dossier(ctx), "Malaise à domicile").allowed
    assert dossier_access.emergency_in_force(ctx, BERNARD, dossier(ctx)) is not None
    changed = management.set_emergency_switches(ctx, HOLDER, dossier(ctx), {**ON, "break_glass_access": False})
    assert [d.allowed for d in changed] == [True]  # only the switch that changed, journaled
    assert journal(ctx)[-1].detail["change"] == {"what": "break_glass_refused"}
    assert dossier_access.emergency_in_force(ctx, BERNARD, dossier(ctx)) is None
    again = management.set_emergency_switches(ctx, HOLDER, dossier(ctx), ON)
    assert [d.allowed for d in again] == [True]
    assert dossier_access.emergency_in_force(ctx, BERNARD, dossier(ctx)) is None  # ended, not revived
    assert dossier_access.decide_and_journal(ctx, BERNARD, "read_dossier", dossier(ctx)).reason_code == "professional"


def test_the_wishes_change_under_the_unit_and_say_what_changed(ctx):
    assert wishes.set_trusted_person(ctx, HOLDER, dossier(ctx), "Paul Roche", "mon mari", "0611223344").allowed
    assert ctx.repos.wishes.get(DOSSIER).trusted_person.name == "Paul Roche"
    assert journal(ctx)[-1].detail == {"code": "holder", "change": {"what": "trusted_person_set"}}


def test_the_history_reads_one_page_of_the_journal(ctx):
    for n in range(25):
        management.set_alerts(ctx, HOLDER, dossier(ctx), n % 2 == 0)
    read = history.read_history(ctx, HOLDER, dossier(ctx), page=1, view=history.EVERYTHING)
    assert read.decision.allowed and (read.page.total, read.page.pages, len(read.lines)) == (26, None, 20)
    assert read.page.entries[0].action == "read_dossier"  # the reading itself, newest first


def test_a_use_case_that_fails_half_way_leaves_neither_change_nor_entry(ctx, monkeypatch):
    def broken(*args):
        raise RuntimeError("a fault in the middle of the change")
    monkeypatch.setattr(wishes, "_person", broken)
    with pytest.raises(RuntimeError):
        wishes.set_trusted_person(ctx, HOLDER, dossier(ctx), "Paul Roche", "mon mari", "0611223344")
    assert ctx.repos.wishes.get(DOSSIER).trusted_person.name == "" and journal(ctx) == []


def with_account(ctx, step: int = 3) -> None:
    ctx.repos.accounts.add(Account("fro7510", DOSSIER, "x", first_connection_step=step))


def test_the_emergency_choice_and_the_first_connection_step_commit_with_their_entries(ctx):
    with_account(ctx)
    first_connection.save_emergency_choice(ctx, DOSSIER, {**OFF, "hidden_in_emergency": True})
    saved = dossier(ctx)
    assert (saved.regulator_access, saved.break_glass_access, saved.hidden_in_emergency) == (False, False, True)
    assert ctx.repos.accounts.get(DOSSIER).first_connection_done
    assert [e.action for e in journal(ctx)] == ["emergency_access_set"] * 3 + ["first_connection_done"]
    assert [e.detail["change"]["what"] for e in journal(ctx)[:3]] == [
        "regulator_access_refused", "break_glass_refused", "hidden_in_emergency_allowed"]


def test_an_account_change_that_fails_between_its_steps_leaves_neither_change_nor_entry(ctx, monkeypatch):
    with_account(ctx)
    real, calls = first_connection.holder_entry, []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed between the two entries")
        return real(*args, **kwargs)
    monkeypatch.setattr(first_connection, "holder_entry", second_fails)
    with pytest.raises(RuntimeError):
        first_connection.save_emergency_choice(ctx, DOSSIER, OFF)
    assert dossier(ctx).break_glass_access is True and ctx.repos.accounts.get(DOSSIER).first_connection_step == 3
    assert journal(ctx) == []


def test_a_dmp_opened_just_after_midnight_in_paris_is_dated_that_day_as_the_letter_is(ctx):
    """The credential letter is headed with today in France; the creation day it prints must be
    the same day, not the UTC one (23 h 30 UTC is 0 h 30 the next day in Paris)."""
    from dmp_web.domain.details import JournaledDetail
    from dmp_web.domain.register import InsuredPerson, PostalAddress
    from dmp_web.services.dossier_opening import open_dossier
    from dmp_web.services.holder import letter_context

    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    ctx = Context(repos=ctx.repos, register=None, notifier=None, clock=FakeClock(late), site_url="https://dmp.example")
    person = InsuredPerson("148086912304582", "DUPUIS", "Marcel", "M", date(1948, 8, 2), "Lyon",
                           "2234567890123456", "with_photo", PostalAddress("5 place Bellecour", "69002", "Lyon"))
    new = Dossier("cd34ef56ab12cd34ef56ab12", person.nir, "x", late, Consent("holder", "online", late, "online"))
    made = open_dossier(ctx, new, person, mobile="0612345678", email="", detail=JournaledDetail(note="created_online"))
    assert made.created_on == letter_context(ctx)["dated"] == date(2026, 11, 23)


# -- « Je ne connais pas cette personne » (services/reports.py) ---------------------------------

def _access(ctx, professional) -> int:
    dossier_access.decide_and_journal(ctx, professional, "read_dossier", dossier(ctx))
    return len(journal(ctx)) - 1


def test_a_report_and_its_block_are_two_entries_and_the_queue_holds_it(ctx):
    from dmp_web.domain.actors import DeskAgent
    from dmp_web.services import reports

    seq = _access(ctx, PETIT)
    done = reports.report(ctx, HOLDER, dossier(ctx), seq, sentence=" Jamais vue. ", block=True)
    assert done.blocked and PETIT.rpps in dossier(ctx).blocked_rpps
    assert [(e.action, e.detail["change"]["what"]) for e in journal(ctx)[-2:]] == [
        ("manage", "professional_blocked"), ("professional_reported", "professional_reported")]
    assert ctx.repos.reports.of_dossier(DOSSIER) == [done.report] and done.report.sentence == "Jamais vue."
    with pytest.raises(reports.NotADeskAgent):
        reports.queue(ctx, PETIT)
    agent = DeskAgent("cpam0001", "Nadia Benoît")
    assert [r.id for r in ctx.repos.reports.open_reports()] == [done.report.id]
    reports.handle(ctx, agent, done.report.id, "Vu avec la pharmacie.")
    assert ctx.repos.reports.open_reports() == [] and journal(ctx)[-1].actor_kind == "desk_agent"
    assert ctx.repos.journal.check(DOSSIER) is None


def test_a_block_asked_on_a_page_shown_before_the_doctor_became_attending_is_refused_the_report_made(ctx):
    from dmp_web.services import reports

    seq = _access(ctx, LEFEVRE)
    seen_before = dossier(ctx)
    assert management.set_attending_doctor(ctx, HOLDER, dossier(ctx), LEFEVRE.rpps).allowed
    done = reports.report(ctx, HOLDER, seen_before, seq, sentence="", block=True)
    assert not done.blocked and done.block_refused == "Le médecin traitant ne peut pas être bloqué."
    assert dossier(ctx).blocked_rpps == []
    assert [(e.action, e.allowed) for e in journal(ctx)[-2:]] == [("manage", False), ("professional_reported", True)]


def test_only_a_professional_s_access_can_be_reported(ctx):
    from dmp_web.services import reports

    management.set_alerts(ctx, HOLDER, dossier(ctx), True)
    with pytest.raises(reports.NotReportable):
        reports.report(ctx, HOLDER, dossier(ctx), len(journal(ctx)) - 1, sentence="", block=False)
    with pytest.raises(reports.NotReportable):
        reports.reportable(ctx, HOLDER, dossier(ctx), 99)
def test_the_emergency_notices_reach_the_attending_doctor_the_way_he_chose_or_say_he_could_not_be(ctx):
    from types import SimpleNamespace

    from dmp_web.demo import INSURED

    from ..fakes import FakeNotifier

    ctx.notifier = FakeNotifier(letters=None)
    ctx.register = SimpleNamespace(get=lambda nir: next((p for p in INSURED if p.nir == nir), None))
    ctx.repos.accounts.add(Account("pat0001", DOSSIER, "", mobile="0611223344", otp_channel="sms"))
    ctx.repos.directory.accounts[DURAND.rpps] = Account(DURAND.rpps, "", "", mobile="0622334455",
                                                         email="durand@example.org", otp_channel="sms")
    assert dossier_access.open_emergency(ctx, LEFEVRE, dossier(ctx), "Malaise au cabinet, patiente confuse").emergency
    assert [(m.to, type(m).__name__) for m in ctx.notifier.outbox] == [("0611223344", "Sms"), ("0622334455", "Sms")]
    assert "votre patient" in ctx.notifier.outbox[1].body and "Malaise au cabinet" in ctx.notifier.outbox[1].body
    del ctx.repos.directory.accounts[DURAND.rpps]
    dossier_access.open_emergency(ctx, BERNARD, dossier(ctx), "Chute dans l’escalier, inconsciente")
    last = journal(ctx)[-1]
    assert (last.action, last.allowed, last.detail) == (
        "emergency_notice", False, {"note": "to_attending_doctor_unreachable"})
    assert history.describe(last, titles={}, professionals={}).text.startswith(
        "Nous n’avons pas pu prévenir votre médecin le 23 novembre 2026")
