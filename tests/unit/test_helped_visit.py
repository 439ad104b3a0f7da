"""« Je me fais aider » (domain/helped_visit.py): the rule of a helped visit, the helper kept in
an entry's detail only when there is one (older entries and their hashes as they were), and the
history's sentences. Pure: no Flask, no store."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest

from dmp_web.domain.actors import Holder
from dmp_web.domain.details import Change, JournaledDetail, noted, read_detail, with_helper
from dmp_web.domain.falc import check_text
from dmp_web.domain.helped_visit import (
    DURATION, ENDED_AFTER_DURATION, ENDED_AT_LOGOUT, ENDED_BY_PATIENT, ENDED_WITH_SESSION, HelpedVisit, Helper,
)
from dmp_web.domain.journal import Actor, ChainKey, Head, make_entry
from dmp_web.services.history import NBSP, describe

AT = datetime(2026, 3, 5, 9, 12, tzinfo=UTC)  # 10 h 12 in Paris
WHEN = "le 5 mars 2026 à 10 h 12"
DOSSIER = "d3m0f47140a0c5e55e0001"
CHAIN = ChainKey(b"a test key of thirty-two bytes!!")
MARIE = Helper("Marie DUPONT", "France Services")
LAB = "d0c0000000000002"


def test_a_helped_visit_runs_2_hours_from_its_start_and_no_longer():
    visit = HelpedVisit(MARIE, AT)
    assert timedelta(hours=2) == DURATION and visit.ends_at == AT + DURATION
    assert visit.in_force(AT) and visit.in_force(AT + DURATION - timedelta(seconds=1))
    assert not visit.in_force(AT + DURATION) and not visit.in_force(AT - timedelta(seconds=1))


@pytest.mark.parametrize("asked", [ENDED_BY_PATIENT, ENDED_AT_LOGOUT, ENDED_WITH_SESSION])
def test_it_ends_for_the_reason_asked_until_its_time_has_passed(asked):
    visit = HelpedVisit(MARIE, AT)
    assert visit.ending(asked, AT + timedelta(minutes=30)) == asked
    assert visit.ending(asked, AT + DURATION) == ENDED_AFTER_DURATION  # the 2 hours came first
    with pytest.raises(ValueError):
        visit.ending("because", AT)


def test_what_the_patient_types_is_tidied_and_checked():
    assert Helper.typed("  Marie \t DUPONT ", " France  Services ") == MARIE
    assert MARIE.label == "Marie DUPONT (France Services)"
    for name, organisation in (("", "France Services"), ("Marie", "   "), ("M" * 61, "x"), ("Marie", "x" * 61)):
        with pytest.raises(ValueError):
            Helper.typed(name, organisation)
    assert Helper.from_stored(MARIE.stored()) == MARIE


# Hashes of entries the code wrote before helped visits existed: the same entries hash the same.
BEFORE = [
    (noted("by_sms"), "a9213b8143514432d102509fbb392d1743585692490e201ff30ab1f6430ddcc8"),
    (JournaledDetail("holder", LAB).stored(), "1b415cfe40e1d7e2c66b509328f2fb3565bdf9cc15badbed1bee417bae4d56b7"),
    (JournaledDetail("holder", change=Change("alerts_on")).stored(),
     "022b2a36e9f54255e4589264803c72951d54c66b2dbadd1f56c0020bd9abdf1d"),
    ("", "95811f11aa65112b48eab5ca4824f17681837b4a0a6a15822cb5889c2d84b693"),
]


@pytest.mark.parametrize("detail, before", BEFORE)
def test_an_entry_without_a_helper_is_stored_and_hashed_as_before(detail, before):
    holder = Actor("holder", DOSSIER, "le titulaire")
    assert make_entry(Head(), DOSSIER, CHAIN, AT, holder, "read_document", detail=detail).hash == before
    assert with_helper(detail, None) == detail
    assert "helper" not in (detail or {})


def test_the_helper_is_added_to_a_detail_and_read_back_with_its_other_parts():
    stored = with_helper(JournaledDetail("holder", LAB, note="hidden").stored(), MARIE)
    assert stored == {"code": "holder", "document": LAB, "note": "hidden",
                      "helper": {"name": "Marie DUPONT", "from": "France Services"}}
    assert read_detail(stored) == JournaledDetail("holder", LAB, note="hidden", helper=MARIE)
    assert with_helper("", MARIE) == {"helper": MARIE.stored()}
    with pytest.raises(TypeError):
        with_helper("holder ; document x", MARIE)  # a new entry never keeps a text


def say(action, detail, feminine=True) -> str:
    journal_entry = make_entry(Head(), DOSSIER, CHAIN, AT, Holder(DOSSIER).ref, action, detail=detail)
    return describe(journal_entry, titles={LAB: "Prise de sang"}, professionals={},
                    feminine=feminine).sentence.replace(NBSP, " ")


def test_the_start_and_each_end_of_a_helped_visit_are_told_in_plain_sentences():
    helped = {"helper": MARIE.stored()}
    assert say("helped_visit_started", helped) == (
        f"Vous avez commencé une visite avec l’aide de Marie DUPONT (France Services) {WHEN}. "
        "Elle dure 2 heures au plus.")
    ends = {
        ENDED_BY_PATIENT: "Vous avez appuyé sur « Finir l’aide ».",
        ENDED_AT_LOGOUT: "Vous vous êtes déconnectée.",
        ENDED_WITH_SESSION: "La connexion s’est fermée.",
        ENDED_AFTER_DURATION: "Les 2 heures étaient passées.",
    }
    for note, why in ends.items():
        assert say("helped_visit_ended", {**helped, **noted(note)}) == (
            f"La visite avec l’aide de Marie DUPONT (France Services) est finie {WHEN}. {why}")
    assert say("helped_visit_ended", {**helped, **noted(ENDED_AT_LOGOUT)}, feminine=False).endswith("déconnecté.")


def test_every_act_of_the_patient_during_it_says_who_helped():
    read = JournaledDetail("holder", LAB).stored()
    assert say("read_document", with_helper(read, MARIE)) == (
        f"Vous avez lu « Prise de sang » {WHEN}. C’était avec l’aide de Marie DUPONT (France Services).")
    assert say("read_document", read) == f"Vous avez lu « Prise de sang » {WHEN}."  # alone: nothing added
    assert say("logout", with_helper("", MARIE)) == (
        f"Vous vous êtes déconnectée {WHEN}. C’était avec l’aide de Marie DUPONT (France Services).")


def test_the_sentences_pass_the_easy_to_read_check_as_the_history_page_shows_them():
    """The page shows the date on a line of its own (HistoryLine.what): the rest is checked."""
    helped = {"helper": MARIE.stored()}
    details = [("helped_visit_started", helped), ("read_document", with_helper(JournaledDetail("holder", LAB).stored(),
                                                                                MARIE))]
    details += [("helped_visit_ended", {**helped, **noted(note)}) for note in
                (ENDED_BY_PATIENT, ENDED_AT_LOGOUT, ENDED_WITH_SESSION, ENDED_AFTER_DURATION)]
    for action, detail in details:
        journal_entry = make_entry(Head(), DOSSIER, CHAIN, AT, Holder(DOSSIER).ref, action, detail=detail)
        what = describe(journal_entry, titles={LAB: "Prise de sang"}, professionals={}).what
        assert [f.code for f in check_text(what, min_score=0).findings] == [], what
