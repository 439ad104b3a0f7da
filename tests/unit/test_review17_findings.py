"""Review of issue 17 item 4: the account of an ended legal representative's slot never acts as
the holder (services/holder.py patient_actor, web/patient.py holder()). A request already under
way when `flask end-representatives` runs, or any session record the batch missed, would otherwise
read the young adult's DMP as him, the documents hidden from the representatives included."""
from datetime import datetime

from dmp_web.domain.access import decide
from dmp_web.domain.actors import Holder
from dmp_web.domain.documents import Document
from dmp_web.domain.representatives import FIRST_SLOT, SECOND_SLOT

from .test_representatives_policy import DOSSIER_ID, NOW, dossier


def hidden_document() -> Document:
    return Document("doc-1", DOSSIER_ID, "consultation_report", "Consultation", "professional", "1", "Dr Durand",
                    datetime(2026, 3, 1), hidden_from_representatives=True)


def test_the_second_slot_of_an_ended_representative_is_never_the_holder():
    at_18 = dossier()
    for representative in at_18.representatives:
        representative.ended_at = datetime(2026, 3, 1)
    assert isinstance(at_18.acting_in(FIRST_SLOT), Holder)  # the young adult's own account now
    ended = at_18.acting_in(SECOND_SLOT)
    assert not isinstance(ended, Holder)
    decision = decide(ended, "read_document", at_18, hidden_document(), now=NOW)
    assert not decision.allowed and decision.reason_code == "not_a_representative"


def test_a_slot_no_representative_ever_had_is_never_the_holder():
    adult = dossier()
    adult.representatives = []
    assert not isinstance(adult.acting_in(SECOND_SLOT), Holder)
    assert not decide(adult.acting_in(SECOND_SLOT), "read_dossier", adult, now=NOW).allowed
