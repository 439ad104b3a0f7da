"""The access policy: every actor × document type (or wish) × hidden × pending × blocked ×
emergency × the patient's 3 emergency switches × closed × action, checked against a plain
oracle; then the key rules one by one and the matrice d'habilitation (the catalogue of document
types and its codes: test_document_types.py)."""
import inspect
import itertools
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dmp_web.domain.representatives import Representative
from dmp_web.domain import access, actors, habilitations
from dmp_web.domain.access import (
    Action,
    Decision,
    EmergencyAccess,
    REASONS,
    can_block,
    decide,
)
from dmp_web.domain.actors import (
    FORBIDDEN_KINDS,
    ActorKind,
    DeskAgent,
    ForbiddenActor,
    Holder,
    LegalRepresentative,
    Profession,
    Professional,
    rpps_is_valid,
)
from dmp_web.domain.documents import CATALOGUE, DOCUMENT_TYPES, Document
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.habilitations import MATRIX, PLAIN_WORDS
from dmp_web.domain.journal import Actor, ChainKey, Head, make_entry
from dmp_web.domain.wishes import WishItem
from ..identities import rpps_key

NOW = datetime(2026, 3, 2, 10, 0)
DOSSIER_ID = "d-0001"


def make_rpps(n: int) -> str:
    first_10 = f"10{n:08d}"
    return first_10 + rpps_key(first_10)


ATTENDING = make_rpps(1)  # the médecin traitant
WITH_RIGHTS = make_rpps(2)  # a doctor the patient gave the same rights
AUTHOR = make_rpps(3)  # the nurse who wrote every document of the table
REGULATOR = make_rpps(4)
NURSE_WITH_RIGHTS = make_rpps(5)  # rights are for doctors: a nurse gets nothing from them
OTHER = make_rpps(99)
SOMEONE_BLOCKED = make_rpps(98)
ATTENDING_RIGHTS = frozenset({WITH_RIGHTS, NURSE_WITH_RIGHTS})


def make_dossier(*, closed=False, regulator=True, break_glass=True, hidden=False, ended_at=None,
                 attending=ATTENDING, dossier_id=DOSSIER_ID, in_team=True):
    return Dossier(
        id=dossier_id,
        holder_nir="242037505604161",
        ins_c="0" * 22,
        created_at=datetime(2025, 1, 6, 9, 0),
        consent=Consent("holder", "online", datetime(2025, 1, 6, 9, 0), "online"),
        status="closed" if closed else "open",
        closed_at=datetime(2026, 1, 1) if closed else None,
        regulator_access=regulator,
        break_glass_access=break_glass,
        hidden_in_emergency=hidden,
        regulator_ended_at=ended_at,
        break_glass_ended_at=ended_at,
        attending_doctor_rpps=attending,
        care_team_rpps=[make_rpps(n) for n in range(1, 100)] if in_team else [],
        # the table's legal representative acts for the patient (tests/unit/test_representatives_policy.py)
        representatives=[Representative("rep-1", "Claire Moreau", "mother")],
    )


def make_document(type_code="hospital_report", *, hidden=False, pending=False, author=AUTHOR,
                  author_kind="professional", dossier_id=DOSSIER_ID, doc_id="doc-1"):
    return Document(
        id=doc_id,
        dossier_id=dossier_id,
        type_code=type_code,
        title="Compte rendu du 2 mars",
        author_kind=author_kind,
        author_id=author,
        author_name="Inès Auteur",
        created_at=datetime(2026, 3, 1, 9, 0),
        hidden=hidden,
        pending_explanation=pending,
    )


def doctor(rpps, specialty="medecine_generale", **extra):
    return Professional(rpps, "Dr Test", Profession.MEDECIN, specialty, **extra)


def professional(profession, rpps=OTHER):
    if profession is Profession.MEDECIN:
        return doctor(rpps)
    return Professional(rpps, "Camille Test", profession)


ACTORS = {
    "holder": Holder(DOSSIER_ID, "Jeanne Martin"),
    "legal_representative": LegalRepresentative("rep-1", "Claire Moreau", DOSSIER_ID),
    "holder_of_another_dossier": Holder("d-0002", "Paul Autre"),
    "desk_agent": DeskAgent("agent-7", "Agent Accueil", "CPAM de Paris"),
    **{f"forbidden_{kind.value}": ForbiddenActor(kind, f"x-{kind.value}", "X") for kind in FORBIDDEN_KINDS},
    **{profession.value: professional(profession) for profession in Profession},
    "attending_doctor": doctor(ATTENDING),
    "doctor_with_attending_rights": doctor(WITH_RIGHTS, "cardiologie"),
    "nurse_with_attending_rights": Professional(NURSE_WITH_RIGHTS, "Nina Infirmière", Profession.INFIRMIER),
    "regulator": doctor(REGULATOR, "medecine_urgence", emergency_regulator=True),
    "author_nurse": Professional(AUTHOR, "Inès Auteur", Profession.INFIRMIER),
}

# "ended": opened 1 hour ago, before the patient turned its switch off (30 minutes ago) and on again
EMERGENCIES = ("none", "break_glass", "regulator", "expired", "ended")
SWITCHED_OFF_AT = NOW - timedelta(minutes=30)


def make_emergency(name, rpps):
    if name == "none":
        return None
    if name == "expired":
        return EmergencyAccess("break_glass", rpps, "Patient inconscient", NOW - timedelta(hours=25))
    if name == "ended":
        return EmergencyAccess("break_glass", rpps, "Patient inconscient", NOW - timedelta(hours=1))
    return EmergencyAccess(name, rpps, "Patient inconscient", NOW - timedelta(hours=1))


# -- the oracle: the rules in order, the plain way ----------------------------------------------

def outcome(decision: Decision) -> tuple:
    return decision.allowed, decision.reason_code, decision.emergency


def YES(code, emergency=False):
    return True, code, emergency


def NO(code, emergency=False):
    return False, code, emergency


# Written here again, apart from domain/habilitations.py: who acts in emergencies, who sees each wish.
ORACLE_BREAK_GLASS = {"medecin", "infirmier", "sage_femme"}
ORACLE_WISHES = {
    "health_facts": {p.value for p in Profession},
    "trusted_person": ORACLE_BREAK_GLASS,
    "emergency_contact": ORACLE_BREAK_GLASS,
    "advance_directives": {"medecin", "infirmier"},
    "organ_donation": {"medecin"},
}


def oracle(actor, action, doc, wish, *, closed, blocked, emergency, switches, in_team,  # noqa: C901 - one if per rule, in order
           shared="none"):
    kind = actor.kind
    patient_side = kind in (ActorKind.HOLDER, ActorKind.LEGAL_REPRESENTATIVE)
    if kind in FORBIDDEN_KINDS:
        return NO("forbidden_actor")
    if action == "create_dossier":
        # the person of the table already has a DMP
        return NO("creation_not_for_patient") if patient_side else NO("dossier_exists")
    if action == "desk_help":  # only a desk agent, at the person's request; a closed DMP too (to reopen it)
        return YES("desk_agent_helps") if kind is ActorKind.DESK_AGENT else NO("desk_agents_only")
    if closed and not (patient_side and action in ("export", "copy_document", "manage")):
        return NO("dossier_closed")
    if kind is ActorKind.DESK_AGENT:
        return NO("desk_agent_creates_only")

    if patient_side:
        if actor.dossier_id != DOSSIER_ID:
            return NO("not_your_dossier")
        if action == "release_document":
            return NO("author_only")
        if action in ("open_emergency", "record_consent", "use_sharing_code"):
            return NO("professionals_only")
        if action in ("read_document", "hide_document", "copy_document") and doc.pending_explanation:
            return NO("pending_explanation")
        if action == "write_document" and doc.type_code not in ("patient_note", "advance_directives"):
            return NO("patient_writes_own_notes_only")
        return YES(kind.value)

    # a professional
    regulator_on, break_glass_on, hidden_on = switches
    is_attending = actor.rpps == ATTENDING
    is_author = actor.rpps == AUTHOR
    is_doctor = actor.profession == "medecin"
    may_break_glass = actor.profession.value in ORACLE_BREAK_GLASS
    if blocked and not is_attending:
        return NO("blocked")
    if action in ("hide_document", "export", "copy_document", "manage"):
        return NO("patient_only")
    if action == "open_emergency":  # the access about to be opened: its kind is the table's
        if emergency == "regulator":
            if not actor.emergency_regulator:
                return NO("not_a_regulator", True)
            return YES("emergency_regulator", True) if regulator_on else NO("regulator_refused_by_patient", True)
        if not may_break_glass:
            return NO("emergency_profession", True)
        return YES("emergency_break_glass", True) if break_glass_on else NO("emergency_refused_by_patient", True)
    if action == "record_consent":
        return YES("consent_recorded")
    if action == "use_sharing_code":
        return YES("sharing_code")
    if action == "release_document":
        if not is_author:
            return NO("author_only")
        return YES("author") if doc.pending_explanation else NO("not_pending")
    # "expired" and "ended" do not count; each kind needs its switch and who may use it
    in_force = (emergency == "break_glass" and break_glass_on and may_break_glass) or \
               (emergency == "regulator" and regulator_on and actor.emergency_regulator)
    with_rights = is_doctor and (is_attending or actor.rpps in ATTENDING_RIGHTS)
    # a code the professional used in the last 24 hours counts as the care team, no more
    team = in_team or with_rights or shared == "active"
    if action == "write_document":
        if not team and not in_force:
            return NO("consent_needed")
        may = "write" in MATRIX[actor.profession].get(doc.type_code, ())
        return YES("profession_may_write", in_force) if may else NO("profession_may_not_write", in_force)
    if is_doctor and is_attending:
        return YES("attending_doctor")
    if is_doctor and actor.rpps in ATTENDING_RIGHTS:
        return YES("attending_rights")
    # every decision while an access is in force is journaled as an emergency one
    if action == "read_document" and is_author:
        return YES("author", in_force)
    if not team and not in_force:
        return NO("consent_needed")
    if action == "read_wish":
        may = actor.profession.value in ORACLE_WISHES[wish]
        return YES("profession_may_see_wish", in_force) if may else NO("profession_may_not_see_wish", in_force)
    if action != "read_document":
        return YES(f"emergency_{emergency}", True) if in_force else YES("professional")
    may_read = "read" in MATRIX[actor.profession].get(doc.type_code, ())
    if doc.hidden:
        return YES("emergency_hidden", True) if in_force and hidden_on and may_read else NO("hidden", in_force)
    return YES("profession_may_read", in_force) if may_read else NO("profession_may_not_read", in_force)


DOCUMENTS = {
    (doc_type.code, hidden, pending): make_document(doc_type.code, hidden=hidden, pending=pending)
    for doc_type in CATALOGUE
    for hidden in (False, True)
    for pending in (False, True)
}
SWITCHES = list(itertools.product((False, True), repeat=3))  # regulator, bris de glace, hidden documents
DOSSIERS = {
    (closed, switches, ended, in_team): make_dossier(
        closed=closed, regulator=switches[0], break_glass=switches[1], hidden=switches[2],
        ended_at=SWITCHED_OFF_AT if ended else None, in_team=in_team)
    for closed in (False, True)
    for switches in SWITCHES
    for ended in (False, True)
    for in_team in (False, True)
}
WISHES = [item.value for item in WishItem]


def _cases(actor):
    """Every action × (document type, or wish for "read_wish") × hidden × pending × blocked ×
    emergency × switches × closed, and for professionals × in the care team or not;
    "open_emergency" is always asked with an access to open."""
    both = (False, True)
    teams = both if actor.kind is ActorKind.PROFESSIONAL else (True,)
    for action in Action:
        targets = WISHES if action is Action.READ_WISH else [t.code for t in CATALOGUE]
        emergencies = [e for e in EMERGENCIES if e in ("break_glass", "regulator")] \
            if action is Action.OPEN_EMERGENCY else EMERGENCIES
        yield from itertools.product([action], targets, both, both, both, emergencies, SWITCHES, both, teams)


@pytest.mark.parametrize("actor_name", sorted(ACTORS))
def test_every_decision_follows_the_rules_in_order(actor_name):
    actor = ACTORS[actor_name]
    rpps = getattr(actor, "rpps", "")
    mismatches = []
    count = 0
    for action, target, hidden, pending, blocked, emergency, switches, closed, in_team in _cases(actor):
        wish = target if action is Action.READ_WISH else None
        doc = DOCUMENTS["hospital_report" if wish else target, hidden, pending]
        dossier = DOSSIERS[closed, switches, emergency == "ended", in_team]
        decision = decide(
            actor,
            action,
            dossier,
            doc if action in access.DOCUMENT_ACTIONS else None,
            now=NOW,
            emergency=make_emergency(emergency, rpps),
            blocked_rpps=frozenset({rpps}) if blocked and rpps else frozenset({SOMEONE_BLOCKED}),
            attending_rights=ATTENDING_RIGHTS,
            wish=wish,
        )
        expected = oracle(actor, action.value, doc, wish, closed=closed, blocked=blocked, emergency=emergency,
                          switches=switches, in_team=in_team)
        count += 1
        if outcome(decision) != expected:
            case = (action.value, target, hidden, pending, blocked, emergency, switches, closed, in_team)
            mismatches.append((case, outcome(decision), expected))
        assert decision.reason == REASONS[decision.reason_code]
        assert decision.actor == actor.ref and decision.action == action.value and decision.at == NOW
        assert decision.wish == (wish or "")
    per_switches_and_flags = len(SWITCHES) * 2 * 2 * 2 * 2 * (2 if actor.kind is ActorKind.PROFESSIONAL else 1)
    assert count == per_switches_and_flags * (
        (len(Action) - 2) * len(CATALOGUE) * len(EMERGENCIES)
        + len(WISHES) * len(EMERGENCIES) + len(CATALOGUE) * 2)
    assert not mismatches, f"{len(mismatches)} decisions differ, first ones: {mismatches[:5]}"


# -- the key rules, one by one -----------------------------------------------------------------

PHARMACIST = Professional(make_rpps(10), "Paul Pharma", Profession.PHARMACIEN)


def ask(actor, action, document=None, *, dossier=None, now=NOW, **settings) -> Decision:
    """`decide` on the open dossier of the table, at NOW, unless told otherwise."""
    return decide(actor, action, dossier or make_dossier(), document, now=now, **settings)


def test_a_hidden_document_is_refused_to_a_pharmacist():
    prescription = make_document("medication_prescription", hidden=True)
    decision = ask(PHARMACIST, "read_document", prescription)
    assert not decision.allowed and decision.reason_code == "hidden"
    # the same document, shown again, is in the pharmacist's rights
    prescription.hidden = False
    assert ask(PHARMACIST, "read_document", prescription).allowed


def test_the_attending_doctor_sees_a_hidden_document():
    decision = ask(doctor(ATTENDING), "read_document", make_document(hidden=True))
    assert decision.allowed and decision.reason_code == "attending_doctor"


def test_a_doctor_given_attending_rights_sees_a_hidden_document_but_only_a_doctor():
    hidden = make_document(hidden=True)
    cardiologist = doctor(WITH_RIGHTS, "cardiologie")
    nurse = Professional(NURSE_WITH_RIGHTS, "Nina", Profession.INFIRMIER)
    rights = frozenset({WITH_RIGHTS, NURSE_WITH_RIGHTS})
    with_rights = ask(cardiologist, "read_document", hidden, attending_rights=rights)
    assert with_rights.reason_code == "attending_rights"
    assert ask(cardiologist, "read_document", hidden).reason_code == "hidden"
    assert ask(nurse, "read_document", hidden, attending_rights=rights).reason_code == "hidden"


def test_the_author_always_sees_their_document_even_hidden_and_outside_their_rights():
    nurse = Professional(AUTHOR, "Inès Auteur", Profession.INFIRMIER)
    imaging = make_document("imaging_report", hidden=True)  # not in a nurse's rights, and hidden
    decision = ask(nurse, "read_document", imaging)
    assert decision.allowed and decision.reason_code == "author"


@pytest.mark.parametrize("kind", sorted(FORBIDDEN_KINDS))
def test_a_mutual_insurer_is_refused_whatever_it_tries(kind):
    # as our own record of a forbidden actor, and as any record that merely says its kind
    dressed_up = [ForbiddenActor(kind, "m-1", "Mutuelle"), Actor(kind.value, "m-1", "Mutuelle")]
    for actor, action, doc_type, closed in itertools.product(dressed_up, Action, CATALOGUE, (False, True)):
        dossier = None if action is Action.CREATE_DOSSIER else make_dossier(closed=closed)
        decision = decide(
            actor, action, dossier, make_document(doc_type.code), now=NOW,
            emergency=EmergencyAccess("break_glass", "m-1", "urgence", NOW),
            attending_rights=frozenset({"m-1"}), wish=WishItem.HEALTH_FACTS,
        )
        assert (decision.allowed, decision.reason_code) == (False, "forbidden_actor")
        assert "mutuelles" in decision.reason and "employeurs" in decision.reason


NURSE = Professional(make_rpps(11), "Nina Urgences", Profession.INFIRMIER)


def glass_of(professional, reason="Malaise, patiente inconsciente", at=NOW):
    return EmergencyAccess("break_glass", professional.rpps, reason, at)


def test_break_glass_is_refused_when_the_patient_said_no_or_nothing_yet():
    for said in (False, None):
        decision = ask(NURSE, "open_emergency", dossier=make_dossier(break_glass=said), emergency=glass_of(NURSE))
        assert outcome(decision) == (False, "emergency_refused_by_patient", True)
    # the regulator's switch is another one
    regulator_only = make_dossier(regulator=True, break_glass=False)
    assert not ask(NURSE, "open_emergency", dossier=regulator_only, emergency=glass_of(NURSE)).allowed


def test_a_pharmacist_may_not_break_glass_and_never_reads_more_than_the_matrix():
    decision = ask(PHARMACIST, "open_emergency", emergency=glass_of(PHARMACIST))
    assert outcome(decision) == (False, "emergency_profession", True)
    assert decision.reason == "Le métier de ce soignant ne permet pas d’ouvrir un DMP en urgence."
    # an access recorded all the same (an older rule, a forged row) opens nothing more
    report = make_document("hospital_report")
    read = ask(PHARMACIST, "read_document", report, emergency=glass_of(PHARMACIST))
    assert outcome(read) == (False, "profession_may_not_read", False)


def test_break_glass_opens_the_dossier_within_the_profession_rights():
    opened = ask(NURSE, "open_emergency", emergency=glass_of(NURSE))
    assert outcome(opened) == (True, "emergency_break_glass", True)
    assert opened.emergency_access.reason == "Malaise, patiente inconsciente"
    glass = glass_of(NURSE)
    assert outcome(ask(NURSE, "read_dossier", emergency=glass)) == (True, "emergency_break_glass", True)
    # a nurse reads lab results, not hospital reports: the emergency changes neither, and each
    # read is journaled as done under it
    assert outcome(ask(NURSE, "read_document", make_document("lab_results"), emergency=glass)) == \
        (True, "profession_may_read", True)
    refused = ask(NURSE, "read_document", make_document("hospital_report"), emergency=glass)
    assert outcome(refused) == (False, "profession_may_not_read", True) and refused.emergency_access is glass


def test_hidden_documents_are_read_in_an_emergency_only_with_the_third_switch():
    glass, hidden_results = glass_of(NURSE), make_document("lab_results", hidden=True)
    assert ask(NURSE, "read_document", hidden_results, emergency=glass).reason_code == "hidden"
    allowing = make_dossier(hidden=True)
    decision = ask(NURSE, "read_document", hidden_results, dossier=allowing, emergency=glass)
    assert outcome(decision) == (True, "emergency_hidden", True)
    # still within the matrix: a hidden hospital report stays out of a nurse's reach
    hidden_report = make_document("hospital_report", hidden=True)
    assert not ask(NURSE, "read_document", hidden_report, dossier=allowing, emergency=glass).allowed
    # and without an emergency, the switch opens nothing
    assert ask(NURSE, "read_document", hidden_results, dossier=allowing).reason_code == "hidden"


def test_emergency_access_expires_after_24_hours():
    glass = glass_of(NURSE)
    assert glass.expires_at == NOW + timedelta(hours=24)
    just_before = ask(NURSE, "read_dossier", now=NOW + timedelta(hours=23, minutes=59), emergency=glass)
    assert just_before.allowed and just_before.emergency
    at_24_hours = ask(NURSE, "read_dossier", now=NOW + timedelta(hours=24), emergency=glass)
    # an expired emergency does not count: the professional's ordinary rights decide again
    assert outcome(at_24_hours) == (True, "professional", False)


def test_turning_a_switch_off_ends_its_accesses_and_keeps_the_ordinary_rights():
    from dmp_web.domain.dossier import switch_emergency

    glass, results = glass_of(NURSE, at=NOW - timedelta(hours=1)), make_document("lab_results")
    dossier = make_dossier()
    assert ask(NURSE, "read_dossier", dossier=dossier, emergency=glass).emergency
    assert switch_emergency(dossier, "break_glass_access", False, NOW - timedelta(minutes=5)) == "break_glass_refused"
    assert outcome(ask(NURSE, "read_dossier", dossier=dossier, emergency=glass)) == (True, "professional", False)
    assert outcome(ask(NURSE, "read_document", results, dossier=dossier, emergency=glass)) == \
        (True, "profession_may_read", False)
    # on again: the access opened before stays ended; a new one opens
    assert switch_emergency(dossier, "break_glass_access", True, NOW) == "break_glass_allowed"
    assert not ask(NURSE, "read_dossier", dossier=dossier, emergency=glass).emergency
    assert ask(NURSE, "read_dossier", dossier=dossier, emergency=glass_of(NURSE, at=NOW)).emergency
    # the regulator's switch ends only the regulator's accesses
    regulator = doctor(REGULATOR, "medecine_urgence", emergency_regulator=True)
    call = EmergencyAccess("regulator", REGULATOR, "Appel au 15", NOW - timedelta(hours=1))
    switch_emergency(dossier, "regulator_access", False, NOW)
    assert not ask(regulator, "read_dossier", dossier=dossier, emergency=call).emergency
    assert ask(NURSE, "read_dossier", dossier=dossier, emergency=glass_of(NURSE, at=NOW)).emergency


def test_the_regulator_access_needs_the_regulator_flag_and_its_switch():
    regulator = doctor(REGULATOR, "medecine_urgence", emergency_regulator=True)
    urgentist = doctor(OTHER, "medecine_urgence")

    def call(rpps):
        return EmergencyAccess("regulator", rpps, "Appel au 15", NOW)
    allowed = ask(regulator, "open_emergency", emergency=call(REGULATOR))
    assert outcome(allowed) == (True, "emergency_regulator", True)
    refused = ask(urgentist, "open_emergency", emergency=call(OTHER))
    assert (refused.allowed, refused.reason_code) == (False, "not_a_regulator")
    said_no = ask(regulator, "open_emergency", dossier=make_dossier(regulator=False), emergency=call(REGULATOR))
    assert (said_no.allowed, said_no.reason_code) == (False, "regulator_refused_by_patient")


def test_break_glass_needs_a_written_reason():
    decision = ask(NURSE, "open_emergency", emergency=glass_of(NURSE, reason="   "))
    assert (decision.allowed, decision.reason_code) == (False, "emergency_reason_missing")


def test_an_emergency_opened_by_another_professional_is_refused_and_counts_for_nobody_else():
    someone_elses = glass_of(doctor(OTHER))
    decision = ask(NURSE, "open_emergency", emergency=someone_elses)
    assert (decision.allowed, decision.reason_code) == (False, "emergency_not_yours")
    assert not ask(NURSE, "read_dossier", emergency=someone_elses).emergency


def test_an_emergency_does_not_open_a_block():
    blocked = ask(NURSE, "read_dossier", emergency=glass_of(NURSE), blocked_rpps={NURSE.rpps})
    assert blocked.reason_code == "blocked"
    opening = ask(NURSE, "open_emergency", emergency=glass_of(NURSE), blocked_rpps={NURSE.rpps})
    assert opening.reason_code == "blocked"


def test_the_wishes_are_shown_by_profession_and_fully_to_the_attending_doctor():
    assert ask(PHARMACIST, "read_wish", wish=WishItem.HEALTH_FACTS).reason_code == "profession_may_see_wish"
    assert ask(PHARMACIST, "read_wish", wish="trusted_person").reason_code == "profession_may_not_see_wish"
    assert ask(NURSE, "read_wish", wish="organ_donation").reason_code == "profession_may_not_see_wish"
    assert ask(doctor(ATTENDING), "read_wish", wish="organ_donation").reason_code == "attending_doctor"
    assert ask(NURSE, "read_wish", wish="trusted_person", blocked_rpps={NURSE.rpps}).reason_code == "blocked"
    with pytest.raises(ValueError):
        ask(NURSE, "read_wish")


def test_a_document_pending_explanation_is_invisible_to_the_patient_until_released():
    holder = Holder(DOSSIER_ID)
    author = Professional(AUTHOR, "Inès Auteur", Profession.INFIRMIER)
    results = make_document("lab_results", pending=True)
    assert ask(holder, "read_document", results).reason_code == "pending_explanation"
    assert ask(holder, "hide_document", results).reason_code == "pending_explanation"
    assert ask(holder, "release_document", results).reason_code == "author_only"
    assert ask(PHARMACIST, "release_document", results).reason_code == "author_only"
    release = ask(author, "release_document", results)
    assert (release.allowed, release.reason_code) == (True, "author")
    results.release(NOW)
    assert ask(holder, "read_document", results).allowed
    again = ask(author, "release_document", results)
    assert (again.allowed, again.reason_code) == (False, "not_pending")


def test_a_document_pending_explanation_is_still_read_by_professionals():
    decision = ask(PHARMACIST, "read_document", make_document("lab_results", pending=True))
    assert decision.allowed


def test_the_attending_doctor_can_never_be_blocked():
    dossier = make_dossier()
    refused = can_block(dossier, ATTENDING)
    assert (refused.allowed, refused.reason_code) == (False, "attending_doctor_cannot_be_blocked")
    assert refused.reason == "Le médecin traitant ne peut pas être bloqué."
    assert can_block(dossier, PHARMACIST.rpps).allowed
    assert can_block(dossier, "12345678901").reason_code == "rpps_invalid"
    # a block already recorded on the médecin traitant's number has no effect
    decision = ask(doctor(ATTENDING), "read_document", make_document(hidden=True), blocked_rpps={ATTENDING})
    assert decision.allowed and decision.reason_code == "attending_doctor"


def test_a_block_wins_over_rights_given_to_another_doctor():
    cardiologist = doctor(WITH_RIGHTS, "cardiologie")
    decision = ask(cardiologist, "read_dossier", blocked_rpps={WITH_RIGHTS}, attending_rights={WITH_RIGHTS})
    assert decision.reason_code == "blocked"


def test_a_closed_dossier_is_refused_but_its_holder_may_export_and_reopen_it():
    closed = make_dossier(closed=True)
    holder = Holder(DOSSIER_ID)
    assert ask(holder, "export", dossier=closed).allowed
    assert ask(holder, "manage", dossier=closed).allowed
    assert ask(holder, "read_dossier", dossier=closed).reason_code == "dossier_closed"
    assert ask(doctor(ATTENDING), "read_dossier", dossier=closed).reason_code == "dossier_closed"
    assert ask(Holder("d-other"), "export", dossier=closed).reason_code == "not_your_dossier"


def test_the_holder_copies_the_documents_of_a_closed_dossier_but_not_one_still_to_explain():
    closed, report = make_dossier(closed=True), make_document()
    holder = Holder(DOSSIER_ID)
    assert ask(holder, "copy_document", report, dossier=closed).allowed
    assert ask(holder, "read_document", report, dossier=closed).reason_code == "dossier_closed"
    pending = make_document(pending=True)
    assert ask(holder, "copy_document", pending, dossier=closed).reason_code == "pending_explanation"
    assert ask(doctor(ATTENDING), "copy_document", report).reason_code == "patient_only"
    assert ask(doctor(ATTENDING), "copy_document", report, dossier=closed).reason_code == "dossier_closed"


def test_a_desk_agent_may_only_create_a_dossier_or_help_its_holder():
    agent = DeskAgent("agent-7", "Agent Accueil")
    created = decide(agent, "create_dossier", None, now=NOW)
    assert (created.allowed, created.reason_code) == (True, "creation_by_desk_agent")
    for dossier in (None, make_dossier(), make_dossier(closed=True)):
        helps = decide(agent, "desk_help", dossier, now=NOW)
        assert (helps.allowed, helps.reason_code) == (True, "desk_agent_helps")
    for action in set(Action) - {Action.CREATE_DOSSIER, Action.DESK_HELP}:
        decision = ask(agent, action, make_document(), wish="health_facts",
                       emergency=EmergencyAccess("break_glass", "agent-7", "urgence", NOW))
        assert (decision.allowed, decision.reason_code) == (False, "desk_agent_creates_only")


def test_a_professional_creates_a_dossier_only_when_the_person_has_none():
    assert decide(PHARMACIST, "create_dossier", None, now=NOW).reason_code == "creation_by_professional"
    assert ask(PHARMACIST, "create_dossier").reason_code == "dossier_exists"
    patient = decide(Holder(DOSSIER_ID), "create_dossier", None, now=NOW)
    assert patient.reason_code == "creation_not_for_patient"


def test_the_patient_adds_only_their_own_notes_and_no_professional_writes_them():
    holder, representative = Holder(DOSSIER_ID), LegalRepresentative("rep-1", "Claire", DOSSIER_ID)
    note = make_document("patient_note", author=DOSSIER_ID, author_kind="holder")
    assert ask(holder, "write_document", note).allowed
    assert ask(representative, "write_document", note).reason_code == "legal_representative"
    results = make_document("lab_results")
    assert ask(holder, "write_document", results).reason_code == "patient_writes_own_notes_only"
    assert ask(doctor(ATTENDING), "write_document", note).reason_code == "profession_may_not_write"


def test_the_patient_adds_their_advance_directives_as_a_file_and_doctors_read_them():
    holder, representative = Holder(DOSSIER_ID), LegalRepresentative("rep-1", "Claire", DOSSIER_ID)
    directives = make_document("advance_directives", author=DOSSIER_ID, author_kind="holder")
    assert ask(holder, "write_document", directives).reason_code == "holder"
    assert ask(representative, "write_document", directives).reason_code == "legal_representative"
    assert ask(Holder("d-0002"), "write_document", directives).reason_code == "not_your_dossier"
    assert ask(doctor(OTHER), "read_document", directives).reason_code == "profession_may_read"
    assert ask(doctor(ATTENDING), "read_document", directives).reason_code == "attending_doctor"
    for other in ("medical_summary", "vaccinations", "medication_prescription"):
        refused = ask(holder, "write_document", make_document(other, author=DOSSIER_ID, author_kind="holder"))
        assert refused.reason_code == "patient_writes_own_notes_only", other


def test_the_holder_sees_and_hides_their_documents_and_manages_their_dossier():
    holder = Holder(DOSSIER_ID)
    hidden = make_document(hidden=True)
    for action in ("read_dossier", "list_documents", "read_document", "hide_document", "export", "manage"):
        assert ask(holder, action, hidden).allowed, action


def test_professionals_cannot_hide_export_or_manage():
    for action in ("hide_document", "export", "manage"):
        decision = ask(doctor(ATTENDING), action, make_document())
        assert (decision.allowed, decision.reason_code) == (False, "patient_only")


def test_the_holder_of_another_dossier_is_refused():
    decision = ask(Holder("d-0002"), "read_dossier")
    assert (decision.allowed, decision.reason_code) == (False, "not_your_dossier")


def test_a_document_of_another_dossier_is_refused_even_to_the_attending_doctor():
    stray = make_document(dossier_id="d-0002")
    decision = ask(doctor(ATTENDING), "read_document", stray)
    assert (decision.allowed, decision.reason_code) == (False, "document_elsewhere")


def test_a_document_of_an_unknown_type_is_refused_by_the_matrix():
    decision = ask(PHARMACIST, "read_document", make_document("horoscope"))
    assert (decision.allowed, decision.reason_code) == (False, "unknown_document_type")


@pytest.mark.parametrize(
    "actor",
    [
        Actor("system", "demo", "démo"),
        Actor("holder", DOSSIER_ID, "le titulaire"),  # says it is the holder, but proves nothing
        Actor("professional", OTHER, "?"),
        object(),
    ],
)
def test_an_actor_the_policy_does_not_know_is_refused(actor):
    decision = ask(actor, "read_dossier")
    assert (decision.allowed, decision.reason_code) == (False, "unknown_actor")


def test_an_unknown_action_or_a_missing_document_is_a_bug_not_a_decision():
    with pytest.raises(ValueError):
        ask(Holder(DOSSIER_ID), "delete_everything")
    with pytest.raises(ValueError):
        ask(Holder(DOSSIER_ID), "read_document", None)
    with pytest.raises(ValueError):
        decide(Holder(DOSSIER_ID), "read_dossier", None, now=NOW)


def test_the_decision_carries_what_the_journal_needs():
    glass = glass_of(NURSE, reason="Malaise")
    decision = ask(NURSE, "read_document", make_document("lab_results", hidden=True), emergency=glass,
                   dossier=make_dossier(hidden=True))
    fields = decision.journal_fields()
    inspect.signature(make_entry).bind(Head(), DOSSIER_ID, ChainKey(b"k" * 32), **fields)  # exactly these
    assert fields["actor"] == Actor("professional", NURSE.rpps, "Nina Urgences (infirmier)")
    assert fields["at"] == NOW and fields["emergency"] is True and fields["allowed"] is True
    assert fields["reason"] == REASONS["emergency_hidden"]
    assert fields["detail"] == {"code": "emergency_hidden", "document": "doc-1",
                                "emergency": {"kind": "break_glass", "reason": "Malaise"}}
    wish = ask(NURSE, "read_wish", wish="trusted_person").journal_fields()
    assert wish["detail"] == {"code": "profession_may_see_wish", "wish": "trusted_person"}
    assert decision.dossier_id == DOSSIER_ID and decision.document_id == "doc-1"


def test_every_reason_is_an_easy_to_read_french_sentence():
    from dmp_web.domain.falc import check_text

    for code, sentence in REASONS.items():
        assert re.fullmatch(r"[a-z_]+", code)
        assert sentence[0].isupper() and sentence.endswith("."), code
        assert "'" not in sentence, code  # the French apostrophe, as on every page
        # the history and the refusal pages show them as they are: short sentences, no capitals;
        # the page around a reason explains its hard words, so that rule is the page's
        findings = [f for f in check_text(sentence).findings if f.code != "unexplained_term"]
        assert findings == [], code
    assert REASONS["forbidden_actor"].startswith("La loi interdit le DMP à la médecine du travail et aux mutuelles.")


def test_the_policy_reads_no_clock():
    for module in (access, actors, habilitations):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"\.(now|utcnow|today)\(|time\.time\(", source), module.__name__


# -- actors ------------------------------------------------------------------------------------

def test_rpps_check():
    # 1000000000 + key: from the right the key is not doubled, then 0,0,...,0 and the 1 is in
    # the 11th place (not doubled): the sum is 1 + key, so the key is 9.
    assert rpps_is_valid("10000000009")
    assert rpps_key("1000000000") == "9"
    # 1010000000 + key: the second 1 is in the 9th place (not doubled): 1 + 1 + key → key 8
    assert rpps_is_valid("10100000008")
    # 1100000000 + key: the second 1 is in the 10th place (doubled): 1 + 2 + key → key 7
    assert rpps_is_valid("11000000007")
    assert not rpps_is_valid("10000000008")  # wrong key
    assert not rpps_is_valid("01000000009")  # two digits swapped
    assert not rpps_is_valid("1000000009")  # 10 digits
    assert not rpps_is_valid("100000000009")  # 12 digits
    assert not rpps_is_valid("1000000000A")
    assert not rpps_is_valid("1000000000٩")  # an Arabic-Indic nine is a digit, not an ASCII one
    assert not rpps_is_valid(None) and not rpps_is_valid(10000000009)
    for n in range(200):
        assert rpps_is_valid(make_rpps(n))


def test_a_professional_needs_a_valid_rpps_and_a_doctor_a_specialty():
    with pytest.raises(ValueError):
        Professional("10000000008", "X", Profession.PHARMACIEN)
    with pytest.raises(ValueError):
        Professional(OTHER, "X", Profession.MEDECIN)
    with pytest.raises(ValueError):
        Professional(OTHER, "X", Profession.PHARMACIEN, "cardiologie")
    with pytest.raises(ValueError):
        Professional(OTHER, "X", Profession.INFIRMIER, emergency_regulator=True)
    with pytest.raises(ValueError):
        ForbiddenActor(ActorKind.PROFESSIONAL, "x", "X")
    assert Professional(OTHER, "X", "sage_femme").profession is Profession.SAGE_FEMME


def test_the_forbidden_kinds_are_the_five_the_law_names():
    assert {kind.value for kind in FORBIDDEN_KINDS} == {
        "occupational_doctor", "mutual_insurer", "insurer", "bank", "employer",
    }


# -- the matrice d'habilitation ----------------------------------------------------------------

def test_the_matrix_covers_every_profession_with_known_types_and_rights():
    assert set(MATRIX) == set(Profession) == set(PLAIN_WORDS)
    for rights in MATRIX.values():
        assert set(rights) <= set(DOCUMENT_TYPES)
        assert all(right and right <= {"read", "write"} for right in rights.values())
        assert all("read" in right for right in rights.values())  # no one writes blind


def test_medecins_read_and_write_every_medical_document():
    for code in DOCUMENT_TYPES:
        assert habilitations.allows("medecin", code, "read")
        assert habilitations.allows("medecin", code, "write") == (code != "patient_note")


def test_every_profession_reads_the_patients_notes_and_none_writes_them():
    for profession in Profession:
        assert habilitations.allows(profession, "patient_note", "read")
        assert not habilitations.allows(profession, "patient_note", "write")


@pytest.mark.parametrize(
    "profession, type_code, right, expected",
    [
        ("pharmacien", "medication_prescription", "read", True),
        ("pharmacien", "medication_dispensation", "write", True),
        ("pharmacien", "vaccinations", "write", True),
        ("pharmacien", "lab_results", "read", True),
        ("pharmacien", "hospital_report", "read", False),
        ("pharmacien", "medication_prescription", "write", False),
        ("infirmier", "nursing_note", "write", True),
        ("infirmier", "medication_prescription", "read", True),
        ("infirmier", "imaging_report", "read", False),
        ("masseur_kinesitherapeute", "consultation_report", "write", True),
        ("masseur_kinesitherapeute", "imaging_report", "read", True),
        ("masseur_kinesitherapeute", "lab_results", "read", False),
        ("sage_femme", "medication_prescription", "write", True),
        ("chirurgien_dentiste", "medication_dispensation", "read", True),
        ("biologiste", "lab_results", "write", True),
        ("biologiste", "hospital_report", "read", False),
    ],
)
def test_the_matrix_choices(profession, type_code, right, expected):
    assert habilitations.allows(profession, type_code, right) is expected


# The word each plain sentence uses for a type (médecins are said in one word: «tous»).
PLAIN_KEYWORDS = {
    "medical_summary": "synthèse médicale",
    "hospital_report": "hospitalisation",
    "consultation_report": "consultation",
    "operative_report": "opération",
    "nursing_note": "notes de soins",
    "lab_results": "résultats de biologie",
    "imaging_report": "imagerie",
    "medication_prescription": "ordonnances",
    "medication_dispensation": "médicaments délivrés",
    "vaccinations": "vaccinations",
    "advance_directives": "directives anticipées",
}


@pytest.mark.parametrize("profession", [p for p in Profession if p is not Profession.MEDECIN])
def test_the_plain_words_say_what_the_matrix_says(profession):
    reads, writes = PLAIN_WORDS[profession].split(". ")
    for code, word in PLAIN_KEYWORDS.items():
        assert (word in reads) == habilitations.allows(profession, code, "read"), (code, "read")
        assert (word in writes) == habilitations.allows(profession, code, "write"), (code, "write")


def test_outside_the_care_team_a_professional_first_notes_the_patients_agreement():
    outside = make_dossier(in_team=False)
    report = make_document("lab_results")
    for action, document in (("read_dossier", None), ("list_documents", None), ("read_document", report)):
        refused = ask(NURSE, action, document, dossier=outside)
        assert (refused.allowed, refused.reason_code) == (False, "consent_needed")
    assert ask(NURSE, "read_wish", dossier=outside, wish="health_facts").reason_code == "consent_needed"
    noted = ask(NURSE, "record_consent", dossier=outside)
    assert (noted.allowed, noted.reason_code) == (True, "consent_recorded")
    outside.care_team_rpps.append(NURSE.rpps)
    assert ask(NURSE, "read_document", report, dossier=outside).reason_code == "profession_may_read"
    # neither the médecin traitant nor an emergency in force need the step; a deposit does
    assert ask(doctor(ATTENDING), "read_dossier", dossier=make_dossier(in_team=False)).allowed
    assert ask(doctor(ATTENDING), "write_document", make_document(), dossier=make_dossier(in_team=False)).allowed
    assert ask(NURSE, "read_dossier", dossier=make_dossier(in_team=False), emergency=glass_of(NURSE)).emergency
    note = make_document("nursing_note")
    assert ask(NURSE, "write_document", note, dossier=make_dossier(in_team=False)).reason_code == "consent_needed"
    written = ask(NURSE, "write_document", note, dossier=make_dossier(in_team=False), emergency=glass_of(NURSE))
    assert outcome(written) == (True, "profession_may_write", True)  # journaled as done under the emergency
    # the author of a document deposited before the care team existed still reads it
    own = make_document("nursing_note", author=NURSE.rpps)
    assert ask(NURSE, "read_document", own, dossier=make_dossier(in_team=False)).reason_code == "author"
    # a blocked professional cannot note an agreement
    assert ask(NURSE, "record_consent", blocked_rpps={NURSE.rpps}).reason_code == "blocked"
    assert ask(Holder(DOSSIER_ID), "record_consent").reason_code == "professionals_only"


# -- sharing codes: a share counts as the care team, never more, and for 24 hours ----------------

# How long ago the professional used the patient's code; the oracle says a share lasts 24 hours.
SHARE_AGES = {"just_used": timedelta(0), "used_23h59_ago": timedelta(hours=23, minutes=59),
              "used_24h_ago": timedelta(hours=24), "used_3_days_ago": timedelta(days=3)}
SHARE_STATES = (*SHARE_AGES, "shared_with_someone_else", "none")


def shared_dossier(state, rpps, *, closed):
    """A dossier outside whose care team the professional is, with the share of the table, made by
    the domain's own use of a code (so its length is the domain's, checked against the oracle's)."""
    from dmp_web.domain import sharing

    dossier = make_dossier(in_team=False, closed=closed)
    if state == "none":
        return dossier
    age = SHARE_AGES.get(state, timedelta(hours=1))
    used_at = NOW - age
    code_made_at = used_at - timedelta(hours=2)
    _, record = sharing.make_code(dossier, code_made_at, b"p" * 32)
    sharing.use_code(dossier, record, make_rpps(97) if state == "shared_with_someone_else" else rpps, used_at)
    return dossier


def oracle_share(state):
    return "active" if state in ("just_used", "used_23h59_ago") else state


@pytest.mark.parametrize("profession", list(Profession), ids=lambda p: p.value)
def test_a_share_opens_only_the_matrix_and_only_for_24_hours(profession):
    actor = professional(profession)
    both = (False, True)
    mismatches, count = [], 0
    dossiers = {(state, closed): shared_dossier(state, actor.rpps, closed=closed)
                for state in SHARE_STATES for closed in both}
    actions = [a for a in Action if a is not Action.OPEN_EMERGENCY]  # opening one: the table above
    for state, action, target, hidden, pending, blocked, closed in itertools.product(
            SHARE_STATES, actions, [t.code for t in CATALOGUE], both, both, both, both):
        wish = WISHES[len(target) % len(WISHES)] if action is Action.READ_WISH else None
        doc = DOCUMENTS[target, hidden, pending]
        decision = decide(actor, action, dossiers[state, closed], doc if action in access.DOCUMENT_ACTIONS else None,
                          now=NOW, blocked_rpps=frozenset({actor.rpps}) if blocked else frozenset(), wish=wish)
        expected = oracle(actor, action.value, doc, wish, closed=closed, blocked=blocked, emergency="none",
                          switches=(True, True, True), in_team=False, shared=oracle_share(state))
        count += 1
        if outcome(decision) != expected:
            mismatches.append(((state, action.value, target, hidden, pending, blocked, closed),
                               outcome(decision), expected))
    assert count == len(SHARE_STATES) * len(actions) * len(CATALOGUE) * 16
    assert not mismatches, f"{len(mismatches)} decisions differ, first ones: {mismatches[:5]}"


def test_only_a_professional_uses_a_sharing_code_and_not_once_blocked_or_closed():
    assert ask(NURSE, "use_sharing_code", dossier=make_dossier(in_team=False)).reason_code == "sharing_code"
    assert ask(NURSE, "use_sharing_code", blocked_rpps={NURSE.rpps}).reason_code == "blocked"
    assert ask(NURSE, "use_sharing_code", dossier=make_dossier(closed=True)).reason_code == "dossier_closed"
    for patient_side in (Holder(DOSSIER_ID), LegalRepresentative("rep-1", "Claire", DOSSIER_ID)):
        assert ask(patient_side, "use_sharing_code").reason_code == "professionals_only"
    assert ask(DeskAgent("agent-7", "Agent"), "use_sharing_code").reason_code == "desk_agent_creates_only"


def test_the_patient_keeps_at_most_3_live_sharing_codes():
    from dmp_web.domain import sharing

    dossier = make_dossier()
    for n in range(3):
        assert access.can_make_sharing_code(dossier, NOW).allowed, n
        sharing.make_code(dossier, NOW, b"p" * 32)
    refused = access.can_make_sharing_code(dossier, NOW)
    assert (refused.allowed, refused.reason_code) == (False, "too_many_sharing_codes")
    dossier.sharing_codes[0].cancelled_at = NOW  # a cancelled code frees its place, so does an expired one
    assert access.can_make_sharing_code(dossier, NOW).allowed
    assert access.can_make_sharing_code(make_dossier(), NOW).reason_code == "may_make_sharing_code"
    dossier.sharing_codes[0].cancelled_at = None
    assert access.can_make_sharing_code(dossier, NOW + timedelta(hours=24)).allowed
