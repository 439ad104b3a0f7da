"""Carers in the access policy (issue 18): every grant purpose × action × document category ×
hidden from carers or not × pending an explanation or not × the grant's state (in force, not
accepted yet, before its start, after its end, ended by the patient, someone else's) × open or
closed, against a plain oracle written apart from domain/access.py and domain/carers.py."""
import itertools
from datetime import date, datetime, UTC

from dmp_web.domain.access import EmergencyAccess, decide
from dmp_web.domain.actors import Carer
from dmp_web.domain.carers import CarerGrant, Purpose
from dmp_web.domain.documents import CATALOGUE, Document
from dmp_web.domain.dossier import Consent, Dossier

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
DOSSIER_ID = "d-0001"
ACTIONS = ("read_dossier", "list_documents", "read_document", "write_document", "hide_document", "copy_document",
           "export", "manage", "release_document", "open_emergency", "record_consent", "use_sharing_code",
           "create_dossier", "desk_help")
DOCUMENT_ACTIONS = {"read_document", "write_document", "hide_document", "copy_document", "release_document"}
STATES = ("in_force", "not_accepted", "not_started", "over", "ended", "someone_else")

# Written here again: what each purpose lets a carer read, and whether they add documents.
ORACLE_READS = {
    "read": None,  # every category
    "read_and_add": None,
    "appointments_and_treatments": {"comptes_rendus", "ordonnances_traitements", "vaccinations"},
}
ORACLE_ADDS = {"read_and_add"}
ORACLE_PATIENT_TYPES = {"patient_note", "advance_directives"}


def grant(purpose: str, state: str) -> CarerGrant:
    made = CarerGrant("g1", "Paul Martin", purpose, date(2026, 11, 1), date(2026, 12, 31),
                      datetime(2026, 10, 30, tzinfo=UTC), "digest", accepted_at=datetime(2026, 10, 31, tzinfo=UTC),
                      carer_id="carer-1")
    if state == "not_accepted":
        made.accepted_at, made.carer_id = None, "carer-1"
    elif state == "not_started":
        made.starts_on = date(2026, 12, 2)
    elif state == "over":
        made.ends_on = date(2026, 11, 30)
    elif state == "ended":
        made.ended_at = datetime(2026, 11, 20, tzinfo=UTC)
    elif state == "someone_else":
        made.carer_id = "carer-2"
    return made


def dossier(purpose: str, state: str, closed: bool) -> Dossier:
    return Dossier(DOSSIER_ID, "242037505604161", "0" * 22, datetime(2025, 1, 6, tzinfo=UTC),
                   Consent("holder", "online", datetime(2025, 1, 6, tzinfo=UTC), "online"),
                   status="closed" if closed else "open", carers=[grant(purpose, state)])


def document(type_code: str, *, hidden: bool, pending: bool) -> Document:
    return Document("doc-1", DOSSIER_ID, type_code, "Un document", "professional", "10000000001", "Dr Test",
                    datetime(2026, 11, 2, tzinfo=UTC), pending_explanation=pending, hidden_from_carers=hidden)


def oracle(purpose, action, doc_type, category, *, hidden, pending, state, closed):  # noqa: C901 - one if per rule
    if action == "create_dossier":
        return False, "carer_may_not"
    if action == "desk_help":
        return False, "desk_agents_only"
    if closed:
        return False, "dossier_closed"
    if state == "someone_else":
        return False, "not_a_carer"
    if state != "in_force":
        return False, "carer_not_in_force"
    if action not in ("read_dossier", "list_documents", "read_document", "write_document"):
        return False, "carer_may_not"
    if action in ("read_dossier", "list_documents"):
        return True, "carer"
    if action == "write_document":
        if purpose not in ORACLE_ADDS:
            return False, "carer_purpose"
        if doc_type not in ORACLE_PATIENT_TYPES:
            return False, "patient_writes_own_notes_only"
        return True, "carer"
    if pending:
        return False, "pending_explanation"
    if hidden:
        return False, "hidden_from_carers"
    reads = ORACLE_READS[purpose]
    if reads is not None and category not in reads:
        return False, "carer_purpose"
    return True, "carer"


def test_every_carer_decision_follows_the_oracle():
    carer = Carer("carer-1", "Paul Martin", DOSSIER_ID, "g1")
    access = EmergencyAccess("break_glass", "10000000001", "Urgence", NOW)
    count, mismatches = 0, []
    for purpose, action, doc_type, hidden, pending, state, closed in itertools.product(
            [p.value for p in Purpose], ACTIONS, CATALOGUE, (False, True), (False, True), STATES, (False, True)):
        made = dossier(purpose, state, closed)
        doc = document(doc_type.code, hidden=hidden, pending=pending) if action in DOCUMENT_ACTIONS else None
        got = decide(carer, action, None if action in ("create_dossier", "desk_help") else made, doc, now=NOW,
                     emergency=access if action == "open_emergency" else None)
        want = oracle(purpose, action, doc_type.code, doc_type.category.value, hidden=hidden, pending=pending,
                      state=state, closed=closed)
        count += 1
        if (got.allowed, got.reason_code) != want:
            mismatches.append((purpose, action, doc_type.code, hidden, pending, state, closed, got.reason_code, want))
    assert count == len(Purpose) * len(ACTIONS) * len(CATALOGUE) * 2 * 2 * len(STATES) * 2
    assert not mismatches, f"{len(mismatches)} decisions differ, first ones: {mismatches[:5]}"


def test_a_grant_ends_at_midnight_in_paris_on_its_end_date():
    carer = Carer("carer-1", "Paul Martin", DOSSIER_ID, "g1")
    made = dossier("read", "in_force", False)
    last_minute = datetime(2026, 12, 31, 22, 59, tzinfo=UTC)  # 23 h 59 in Paris
    assert decide(carer, "read_dossier", made, now=last_minute).allowed
    assert decide(carer, "read_dossier", made, now=datetime(2026, 12, 31, 23, 0, tzinfo=UTC)).reason_code == (
        "carer_not_in_force")
