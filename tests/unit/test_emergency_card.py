"""« Ma carte d’urgence », its rules (domain/emergency_card.py) and who may make it (the access
policy's "export" and "manage" decisions): pure, no Flask, no store."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from dmp_web.domain.access import EmergencyAccess, decide
from dmp_web.domain.actors import Carer, Holder, LegalRepresentative, Profession, Professional
from dmp_web.domain.carers import CarerGrant, Purpose
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.emergency_card import (
    IN_THE_DMP, NOTHING_TICKED, TITLE, CardFact, CardLine, blood_group_words, card_of, health_identifier, hints,
    problems,
)
from dmp_web.domain.register import InsuredPerson, PostalAddress
from dmp_web.domain.representatives import Representative
from dmp_web.domain.wishes import CardChoices, Person, Wishes

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
INS_C = "2850575123456789012345"
PERSON = InsuredPerson("242037505604161", "MARTIN", "Jeanne Marie", "F", date(1942, 3, 14), "Paris 4e", "1",
                       "without_photo", PostalAddress("1 rue des Lilas", "75004", "Paris"))
WISHES = Wishes(trusted_person=Person("Anne Martin", "ma fille", "0612345678"),
                emergency_contact_is_trusted_person=True, blood_group="AB-", allergies="pénicilline,\n arachides",
                current_treatments="insuline")
ATTENDING = "10001000016"


def dossier(**extra) -> Dossier:
    return Dossier("d-0001", PERSON.nir, INS_C, datetime(2025, 1, 6, tzinfo=UTC),
                   Consent("holder", "online", datetime(2025, 1, 6, tzinfo=UTC), "online"),
                   attending_doctor_rpps=ATTENDING, **extra)


def choices(*facts: CardFact, place: str = "") -> CardChoices:
    return CardChoices([f.value for f in facts], place)


def test_the_card_prints_the_chosen_facts_in_its_own_order_and_its_qr_text_is_the_same():
    card = card_of(WISHES, PERSON, dossier(), date(2026, 12, 1),
                   choices(CardFact.HEALTH_ID, CardFact.EMERGENCY_CONTACT, CardFact.BLOOD_GROUP))
    assert card.front == [TITLE, "Jeanne Marie MARTIN", "Date de naissance : 14 mars 1942",
                          "Groupe sanguin : AB− (négatif)", "À prévenir : Anne Martin (ma fille), 06 12 34 56 78",
                          "INS-C (numéro de santé calculé) : 2850 5751 2345 6789 0123 45"]
    assert card.text() == "\n".join([*card.front, "Carte faite le 1er décembre 2026."])


def test_allergies_and_treatments_typed_on_several_lines_print_on_one():
    card = card_of(WISHES, PERSON, dossier(), date(2026, 12, 1), choices(CardFact.ALLERGIES, CardFact.TREATMENTS))
    assert [line.text for line in card.lines] == ["Allergies : pénicilline, arachides", "Traitements : insuline"]


def test_the_directives_are_in_the_dmp_unless_the_patient_wrote_another_place():
    inside = card_of(WISHES, PERSON, dossier(), date(2026, 12, 1), choices(CardFact.ADVANCE_DIRECTIVES))
    elsewhere = card_of(WISHES, PERSON, dossier(), date(2026, 12, 1),
                        choices(CardFact.ADVANCE_DIRECTIVES, place="chez mon notaire"))
    assert inside.lines[0].text == f"Directives anticipées : {IN_THE_DMP}"
    assert elsewhere.lines[0].text == "Directives anticipées : chez mon notaire"


@pytest.mark.parametrize("group, words", [("A+", "A+ (positif)"), ("O-", "O− (négatif)"), ("AB+", "AB+ (positif)")])
def test_a_blood_group_says_its_sign_and_its_word(group, words):
    assert blood_group_words(group) == words


def test_the_health_identifier_is_printed_from_one_function_that_names_it():
    line = health_identifier(dossier())  # a dossier the INS has not reached yet: its INS-C
    assert line.label.startswith("INS-C") and line.value == "2850 5751 2345 6789 0123 45"
    with_ins = replace(dossier(), ins="275051305511212", ins_oid="1.2.250.1.213.1.4.8")
    assert health_identifier(with_ins) == CardLine("INS (identifiant national de santé)", "2 75 05 13 055 112 12")
    card = card_of(WISHES, PERSON, dossier(), date(2026, 12, 1), choices(CardFact.HEALTH_ID))
    assert card.lines == (line,)
    assert hints(WISHES, dossier())[CardFact.HEALTH_ID.value] == f"{line.text}."


@pytest.mark.parametrize("wishes, picked, treatments, elsewhere, expected", [
    (WISHES, [], "", False, {"facts": NOTHING_TICKED}),
    (Wishes(), [CardFact.BLOOD_GROUP], "", False, {"facts": "Vous n’avez pas écrit votre groupe sanguin. "
                                                            "Écrivez-le dans « Volontés et droits », "
                                                            "ou ne cochez pas cette case"}),
    (Wishes(), [CardFact.HEALTH_ID, CardFact.EMERGENCY_CONTACT], "", False, {
        "facts": "Vous n’avez pas de personne à prévenir. Choisissez-la dans « Volontés et droits », "
                 "ou ne cochez pas cette case"}),
    (WISHES, [CardFact.TREATMENTS], " ", False, {
        "treatments": "Écrivez vos traitements en cours, ou ne cochez pas la case des traitements"}),
    (WISHES, [CardFact.HEALTH_ID], "é" * 201, False, {
        "treatments": "Écrivez vos traitements en 200 caractères au plus. Vous en avez écrit 201"}),
    (WISHES, [CardFact.ADVANCE_DIRECTIVES], "", True,
     {"directives_place": "Écrivez où sont vos directives anticipées"}),
    (WISHES, [CardFact.ADVANCE_DIRECTIVES], "", False, {}),  # « dans mon DMP »
    (WISHES, list(CardFact), "insuline", False, {}),
    (Wishes(), [CardFact.HEALTH_ID, CardFact.ADVANCE_DIRECTIVES], "", False, {}),  # nothing written is needed
])
def test_what_stops_a_card_is_said_by_field(wishes, picked, treatments, elsewhere, expected):
    place = "" if not elsewhere else " "
    assert problems(choices(*picked, place=place), treatments, wishes, directives_elsewhere=elsewhere) == expected


def test_a_place_too_long_is_refused_even_when_the_box_is_not_ticked():
    found = problems(choices(CardFact.HEALTH_ID, place="x" * 81), "", WISHES, directives_elsewhere=True)
    assert found == {"directives_place": "Écrivez cet endroit en 80 caractères au plus. Vous en avez écrit 81"}


# -- who may: the patient's side only --------------------------------------------------------

def _carer_dossier(purpose: str) -> Dossier:
    grant = CarerGrant("g1", "Paul Martin", purpose, date(2026, 11, 1), date(2026, 12, 31), NOW, "digest",
                       accepted_at=NOW, carer_id="carer-1")
    return dossier(carers=[grant], representatives=[Representative("rep-1", "Claire Moreau", "mother")])


@pytest.mark.parametrize("action", ["export", "manage"])
def test_only_the_patients_side_reads_the_wishes_for_the_card_or_saves_its_choices(action):
    made = _carer_dossier(Purpose.READ_AND_ADD.value)
    assert decide(Holder("d-0001"), action, made, now=NOW).allowed
    assert decide(LegalRepresentative("rep-1", "Claire Moreau", "d-0001"), action, made, now=NOW).allowed
    for purpose in Purpose:  # whatever the patient allowed a carer, never the card
        got = decide(Carer("carer-1", "Paul Martin", "d-0001", "g1"), action, _carer_dossier(purpose.value), now=NOW)
        assert (got.allowed, got.reason_code) == (False, "carer_may_not"), purpose
    attending = Professional(ATTENDING, "Dr Durand", Profession.MEDECIN, "medecine_generale")
    assert decide(attending, action, made, now=NOW).reason_code == "patient_only"
    regulator = Professional("10001000073", "Dr Haddad", Profession.MEDECIN, "medecine_urgence",
                             emergency_regulator=True)
    running = EmergencyAccess("regulator", regulator.rpps, "Appel au 15", NOW)
    got = decide(regulator, action, dossier(regulator_access=True), now=NOW, emergency=running)
    assert (got.allowed, got.reason_code) == (False, "patient_only")  # an emergency never widens it
