"""The carers' notices, pure (domain/notices.py, domain/names.py, services/notice_texts.py): the
daily message's pace (an hour after the first act, a day after the last message, never at night),
what counts as a carer's act, a typed name written «Paul MARTIN», and every message in easy French
with no document in it."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from dmp_web.domain.carers import CarerGrant
from dmp_web.domain.falc import check_text
from dmp_web.domain.help_line import HelpLine
from dmp_web.domain.names import written_name
from dmp_web.domain.notices import CARERS_BY_POST_PACE, CARERS_PACE, CarerActs, OpeningDigest, carer_acts
from dmp_web.services import notice_texts as texts

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10 h 00 in France
TODAY = date(2026, 11, 23)
SITE = "https://dmp.exemple.fr"


@pytest.mark.parametrize("typed, written", [
    ("Paul Martin", "Paul MARTIN"),
    ("paul martin", "Paul MARTIN"),
    ("PAUL MARTIN", "Paul MARTIN"),
    ("MARTIN Paul", "Paul MARTIN"),  # the family name first, as forms ask it
    ("  Paul   Martin ", "Paul MARTIN"),
    ("jean-marc de la fontaine", "Jean-Marc DE LA FONTAINE"),
    ("Jean Paul Martin", "Jean Paul MARTIN"),
    ("Anne Le Gall", "Anne LE GALL"),
    ("Jean d’Ormesson", "Jean D’ORMESSON"),
    ("Paul", "Paul"),  # a first name alone: no capitals
    ("", ""),
])
def test_a_typed_name_is_written_first_name_then_family_name_in_capitals(typed, written):
    assert written_name(typed) == written
    if " " in written and "’" not in written:  # the check splits «D’ORMESSON» at its apostrophe
        assert check_text(f"Hier, {written} a lu votre message.").findings == ()


def test_the_first_act_waits_an_hour_and_a_message_a_day_at_most():
    first = OpeningDigest().gathering(NOW, CARERS_PACE)
    assert first.due_at == NOW + timedelta(hours=1)
    assert first.gathering(NOW + timedelta(minutes=30), CARERS_PACE) == first  # one waiting: kept
    sent = first.sent(NOW + timedelta(hours=1), 12)
    again = sent.gathering(NOW + timedelta(hours=4), CARERS_PACE)
    assert again.due_at == NOW + timedelta(days=1, hours=1)  # a day after the last message
    late = sent.gathering(NOW + timedelta(days=3), CARERS_PACE)
    assert late.due_at == NOW + timedelta(days=3, hours=1)
    weekly = sent.gathering(NOW + timedelta(hours=4), CARERS_BY_POST_PACE)
    assert weekly.due_at == NOW + timedelta(days=7, hours=1)


@pytest.mark.parametrize("act_at, due_at", [
    (datetime(2026, 11, 23, 19, 30, tzinfo=UTC), datetime(2026, 11, 24, 7, 0, tzinfo=UTC)),  # 20 h 30 → 8 h
    (datetime(2026, 11, 23, 19, 59, tzinfo=UTC), datetime(2026, 11, 24, 7, 0, tzinfo=UTC)),  # 20 h 59 → 21 h 59
    (datetime(2026, 11, 23, 18, 59, tzinfo=UTC), datetime(2026, 11, 23, 19, 59, tzinfo=UTC)),  # 20 h 59: day
    (datetime(2026, 11, 24, 3, 0, tzinfo=UTC), datetime(2026, 11, 24, 7, 0, tzinfo=UTC)),  # 4 h → 8 h
    (datetime(2026, 11, 24, 6, 30, tzinfo=UTC), datetime(2026, 11, 24, 7, 30, tzinfo=UTC)),  # 7 h 30 → 8 h 30
    (datetime(2026, 7, 1, 19, 30, tzinfo=UTC), datetime(2026, 7, 2, 6, 0, tzinfo=UTC)),  # summer time: 8 h
])
def test_the_message_never_goes_at_night_in_france(act_at, due_at):
    assert OpeningDigest().gathering(act_at, CARERS_PACE).due_at == due_at


def test_a_message_that_did_not_go_is_tried_again_in_an_hour_by_day():
    before = OpeningDigest().gathering(NOW, CARERS_PACE)
    assert before.not_sent(before, NOW + timedelta(hours=1), CARERS_PACE).due_at == NOW + timedelta(hours=2)
    night = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)  # 21 h 30
    assert before.not_sent(before, night, CARERS_PACE).due_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def _entry(actor_kind, actor_id, action, allowed=True, minutes=0, name="Paul Martin"):
    return SimpleNamespace(at=NOW + timedelta(minutes=minutes), actor_kind=actor_kind, actor_id=actor_id,
                           actor_name=name, action=action, allowed=allowed)


def test_a_carers_acts_are_the_policys_decisions_let_through_and_refused_each_carer_apart():
    entries = [
        _entry("professional", "10001000040", "read_dossier"),  # not a carer
        _entry("carer", "c1", "list_documents", minutes=1),
        _entry("carer", "c2", "read_document", minutes=2, name="Anne"),
        _entry("carer", "c1", "read_document", minutes=3),
        _entry("carer", "c1", "manage", allowed=False, minutes=4),
        _entry("carer", "c1", "login_succeeded", minutes=5),  # not an act on the DMP
        _entry("system", "assurance_maladie", "carer_acts_notice", minutes=6),
    ]
    paul, anne = carer_acts(entries, {"c1": "Paul Martin (as the patient typed it)"})
    assert (paul.carer_id, paul.name, paul.done, paul.refused) == ("c1", "Paul Martin (as the patient typed it)", 2, 1)
    assert (paul.first, paul.last) == (NOW + timedelta(minutes=1), NOW + timedelta(minutes=4))
    assert (anne.name, anne.done, anne.refused) == ("Anne", 1, 0)  # not among the grants: the journal's name
    assert carer_acts(entries[:1], {}) == []


def _grant(purpose="read", starts_on=TODAY, ends_on=None, name="Paul Martin"):
    return CarerGrant("g1", name, purpose, starts_on, ends_on, NOW, "digest", accepted_at=NOW, carer_id="c1")


def _notices():
    acts = [CarerActs("c1", "Paul Martin", 3, 1, (NOW, NOW + timedelta(days=2))),
            CarerActs("c2", "anne leroy", 0, 2, (NOW,))]
    help_line = HelpLine()
    yield texts.carer_invited_notice(_grant(), SITE, help_line)
    yield texts.carer_accepted_notice(_grant("appointments_and_treatments", ends_on=date(2027, 2, 21)), TODAY, SITE,
                                      help_line)
    yield texts.carer_accepted_notice(_grant("read_and_add", starts_on=date(2026, 12, 1)), TODAY, SITE, help_line)
    for weekly in (False, True):
        yield texts.carer_acts_notice(acts, weekly, SITE, help_line)
        yield texts.carer_acts_notice(acts[:1], weekly, SITE, help_line)


@pytest.mark.parametrize("notice", list(_notices()), ids=lambda n: n.action)
def test_every_carer_notice_is_easy_to_read_in_each_of_its_forms(notice):
    # the letter's template says first what the DMP is; an SMS stays short, and says it nowhere
    letter = "\n".join(("Votre dossier médical partagé est appelé aussi DMP.", *notice.letter_lines))
    for text in (notice.email, letter, f"{texts.DMP_MEANS}\n{notice.sms}"):
        assert check_text(text).findings == (), text
    assert "Paul MARTIN" in notice.sms and "Paul MARTIN" in notice.email
    assert notice.subject.isprintable() and "\n" not in notice.sms


@pytest.mark.parametrize("notice", [n for n in _notices() if n.action != "carer_acts_notice"] + [
    texts.carer_acts_notice([CarerActs("c1", "Paul Martin", 3, 1, (NOW,))], False, SITE, HelpLine())],
    ids=lambda n: n.action)
def test_a_message_about_one_carer_fits_in_one_sms(notice):
    assert len(notice.sms) <= 160, notice.sms


def test_the_daily_message_says_who_how_many_and_which_days_only():
    acts = [CarerActs("c1", "Paul Martin", 3, 1, (NOW, NOW + timedelta(days=2))),
            CarerActs("c2", "anne leroy", 0, 2, (NOW,))]
    assert texts.carer_acts_lines(acts) == [
        "Du 23 au 25 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 3 actions. "
        "Cette personne a aussi essayé 1 fois une chose non permise. Nous avons refusé.",
        "Le 23 novembre 2026, Anne LEROY a essayé 2 fois une chose non permise. Nous avons refusé."]
    over_months = CarerActs("c1", "Paul Martin", 1, 0, (NOW + timedelta(days=7), NOW + timedelta(days=40)))
    assert texts.carer_acts_lines([over_months]) == [
        "Du 30 novembre au 2 janvier 2027, Paul MARTIN a utilisé votre DMP. Cette personne a fait 1 action."]
    notice = texts.carer_acts_notice(acts, False, SITE, HelpLine())
    assert notice.subject == "Des personnes qui vous aident ont utilisé votre DMP"
    assert notice.sms == ("DMP - Des personnes qui vous aident ont utilisé votre DMP. "
                          "Par Paul MARTIN : 3 actions et 1 essai refusé. Par Anne LEROY : 2 essais refusés. "
                          "Tout est dans l’historique de votre DMP.")
    assert texts.carer_acts_notice(acts[1:], False, SITE, HelpLine()).subject == (
        "Une personne qui vous aide a essayé d’utiliser votre DMP")
