"""A minor's legal representatives in the access policy: every patient-side action × a document
hidden from the representatives or not × pending an explanation or not × the dossier's
representatives (active, ended at 18, unknown) × open or closed, against a plain oracle; and the
professionals, who are never kept from a document hidden from the representatives."""
import itertools
from datetime import datetime

from dmp_web.domain.access import EmergencyAccess, decide
from dmp_web.domain.actors import Holder, LegalRepresentative, Profession, Professional
from dmp_web.domain.documents import Document
from dmp_web.domain.dossier import Consent, Dossier, add_representative
from dmp_web.domain.representatives import FIRST_SLOT, SECOND_SLOT

from ..identities import rpps_key

NOW = datetime(2026, 3, 2, 10, 0)
DOSSIER_ID = "d-0001"
ATTENDING = "1000000001" + rpps_key("1000000001")
PATIENT_ACTIONS = ("read_dossier", "list_documents", "read_document", "write_document", "hide_document",
                   "copy_document", "export", "manage", "release_document", "open_emergency")
DOCUMENT_ACTIONS = {"read_document", "write_document", "hide_document", "copy_document", "release_document"}


def dossier(*, second_ended=False, closed=False) -> Dossier:
    made = Dossier(DOSSIER_ID, "242037505604161", "0" * 22, datetime(2025, 1, 6),
                   Consent("legal_representative", "desk", datetime(2025, 1, 6), "desk", "Sophie Moreau"),
                   status="closed" if closed else "open", attending_doctor_rpps=ATTENDING)
    add_representative(made, "Sophie Moreau", "mother", datetime(2025, 1, 6))
    add_representative(made, "Marc Moreau", "father", datetime(2025, 2, 1))
    if second_ended:
        made.representatives[1].ended_at = datetime(2026, 1, 1)
    return made


def document(*, from_representatives: bool, pending: bool, own_note: bool = False) -> Document:
    return Document("doc-1", DOSSIER_ID, "patient_note" if own_note else "consultation_report", "Consultation",
                    "holder" if own_note else "professional", DOSSIER_ID if own_note else ATTENDING, "Dr Durand",
                    datetime(2026, 3, 1), pending_explanation=pending, hidden_from_representatives=from_representatives)


ACTORS = {
    "holder": Holder(DOSSIER_ID),
    "mother": LegalRepresentative("r1", "Sophie Moreau", DOSSIER_ID),
    "father": LegalRepresentative("r2", "Marc Moreau", DOSSIER_ID),  # ended in half of the table
    "stranger": LegalRepresentative("r9", "Inconnu", DOSSIER_ID),  # no representative of the dossier
}


def oracle(who, action, *, from_representatives, pending, own_note, second_ended, closed):  # noqa: C901 - one if per rule
    """Written apart from the policy, from the rules of domain/representatives.py and access.py."""
    if closed and action not in ("export", "copy_document", "manage"):
        return False, "dossier_closed"
    if who == "stranger" or (who == "father" and second_ended):
        return False, "not_a_representative"
    representative = who != "holder"
    if representative and action in DOCUMENT_ACTIONS and action != "write_document" and from_representatives:
        return False, "hidden_from_representatives"
    if action == "release_document":
        return False, "author_only"
    if action == "open_emergency":
        return False, "professionals_only"
    if action in ("read_document", "hide_document", "copy_document") and pending:
        return False, "pending_explanation"
    if action == "write_document" and not own_note:
        return False, "patient_writes_own_notes_only"
    return True, "legal_representative" if representative else "holder"


def test_every_patient_side_decision_on_a_minor_s_dossier_follows_the_oracle():
    count, mismatches = 0, []
    for who, action, hidden, pending, own_note, ended, closed in itertools.product(
            ACTORS, PATIENT_ACTIONS, (False, True), (False, True), (False, True), (False, True), (False, True)):
        made = dossier(second_ended=ended, closed=closed)
        doc = document(from_representatives=hidden, pending=pending, own_note=own_note)
        emergency = None
        if action == "open_emergency":
            emergency = EmergencyAccess("break_glass", ATTENDING, "Urgence", NOW)
        got = decide(ACTORS[who], action, made, doc if action in DOCUMENT_ACTIONS else None, now=NOW,
                     emergency=emergency)
        want = oracle(who, action, from_representatives=hidden, pending=pending, own_note=own_note,
                      second_ended=ended, closed=closed)
        count += 1
        if (got.allowed, got.reason_code) != want:
            mismatches.append((who, action, hidden, pending, own_note, ended, closed, got.reason_code, want))
    assert count == len(ACTORS) * len(PATIENT_ACTIONS) * 32
    assert not mismatches, f"{len(mismatches)} decisions differ, first ones: {mismatches[:5]}"


def test_a_document_hidden_from_the_representatives_stays_readable_by_its_professionals_and_the_young_adult():
    made = dossier()
    hidden = document(from_representatives=True, pending=False)
    doctor = Professional(ATTENDING, "Dr Marie Durand", Profession.MEDECIN, "medecine_generale")
    assert decide(doctor, "read_document", made, hidden, now=NOW).allowed
    for representative in made.representatives:
        representative.ended_at = NOW  # 18 years old
    assert decide(Holder(DOSSIER_ID), "read_document", made, hidden, now=NOW).allowed
    assert decide(LegalRepresentative("r1", "Sophie Moreau", DOSSIER_ID), "read_document", made, hidden,
                  now=NOW).reason_code == "not_a_representative"


def test_the_account_of_each_slot_acts_as_its_representative_then_as_the_holder_at_18():
    made = dossier()
    assert made.acting_in(FIRST_SLOT) == LegalRepresentative("r1", "Sophie Moreau", DOSSIER_ID)
    assert made.acting_in(SECOND_SLOT) == LegalRepresentative("r2", "Marc Moreau", DOSSIER_ID)
    assert not made.may_add_representative  # 2 at most
    for representative in made.representatives:
        representative.ended_at = NOW
    assert made.acting_in(FIRST_SLOT) == Holder(DOSSIER_ID)
    assert not made.may_add_representative  # an adult's DMP takes none


def test_a_dossier_written_with_one_representative_reads_it_as_the_first():
    old = Dossier(DOSSIER_ID, "242037505604161", "0" * 22, datetime(2025, 1, 6),
                  Consent("legal_representative", "desk", datetime(2025, 1, 6), "desk"),
                  legal_representative_name="Jean Moreau", legal_representative_link="guardian")
    [representative] = old.representatives
    assert (representative.id, representative.slot, representative.link_word) == ("r1", "", "tuteur ou tutrice")
    assert old.legal_representative_name == "" and old.may_add_representative
