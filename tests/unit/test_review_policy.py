"""Review of the access policy (issue 16, items 2 and 7): each test shows a defect found in
review; it fails on main as it stands and passes once the defect is fixed."""
from datetime import timedelta

from dmp_web.domain.access import EmergencyAccess, decide
from dmp_web.domain.actors import Profession, Professional

from .test_access_policy import NOW, make_document, make_dossier, make_rpps

NURSE = Professional(make_rpps(11), "Nina Urgences", Profession.INFIRMIER)


def test_a_professional_outside_the_care_team_may_not_write_without_the_agreement():
    """Finding 1b: the consent step gates reads only; `write_document` outside the care team is
    allowed by the policy, and `deposit` then puts the author in the care team. The web route
    asks read_dossier first, so the hole is closed there only by the route, not by the policy
    every use case goes through; under an emergency, the route lets it through (see
    tests/web/test_review_emergencies.py)."""
    outside = make_dossier(in_team=False)
    decision = decide(NURSE, "write_document", outside, make_document("nursing_note", author=NURSE.rpps),
                      now=NOW)
    assert (decision.allowed, decision.reason_code) == (False, "consent_needed")


def test_a_write_under_an_emergency_is_journaled_as_one():
    """Finding 1c: outside the care team, only the emergency lets the nurse read; her deposit is
    journaled as an ordinary write (emergency False), so the history does not label it."""
    outside = make_dossier(in_team=False)
    glass = EmergencyAccess("break_glass", NURSE.rpps, "Malaise, patiente inconsciente", NOW - timedelta(hours=1))
    decision = decide(NURSE, "write_document", outside, make_document("nursing_note", author=NURSE.rpps),
                      now=NOW, emergency=glass)
    assert decision.allowed and decision.emergency


def test_a_wish_read_under_an_emergency_is_an_emergency_decision():
    """Finding 3 (domain side): read_wish under an access in force carries no emergency mark."""
    outside = make_dossier(in_team=False)
    glass = EmergencyAccess("break_glass", NURSE.rpps, "Malaise, patiente inconsciente", NOW - timedelta(hours=1))
    decision = decide(NURSE, "read_wish", outside, now=NOW, emergency=glass, wish="trusted_person")
    assert decision.allowed
    assert decision.emergency and decision.emergency_access is glass


def test_the_author_of_a_document_deposited_before_the_care_team_existed_still_reads_it():
    """Finding 6: rows written by the old code have an empty care team; the author of a document
    in this DMP has «deposited in this DMP» (issue 16, item 7) and «always sees it» (rule 7), yet
    the consent rule, placed before, refuses them."""
    legacy = make_dossier(in_team=False)
    own = make_document("nursing_note", author=NURSE.rpps)
    decision = decide(NURSE, "read_document", legacy, own, now=NOW)
    assert decision.allowed, decision.reason_code
