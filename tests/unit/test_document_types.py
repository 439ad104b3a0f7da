"""The catalogue of document types: our stable keys, each type's code in the CI-SIS list
JDV_J07-XdsTypeCode-CISIS (domain/value_sets.py holds a frozen copy, with its source and
version), its code system and the list's display name."""
import re

import pytest

from dmp_web.domain.documents import CATALOGUE, DOCUMENT_TYPES, TYPES_BY_JDV_CODE, Category, DocumentType
from dmp_web.domain.value_sets import JDV_J07, JDV_J07_VERSION, LOINC, TRE_A05, CodeSystem

# What documents store is the key (Document.type_code): renaming one needs a data migration of
# both stores first. These are the keys every stored document may hold.
STORED_KEYS = {
    "medical_summary", "hospital_report", "consultation_report", "operative_report", "nursing_note",
    "lab_results", "imaging_report", "medication_prescription", "medication_dispensation",
    "vaccinations", "advance_directives", "patient_note",
}
# The codes the catalogue had before its alignment on JDV_J07: none of them is in the list.
FORMER_CODES = {"34105-7", "11504-8", "34746-8", "42348-3", "51855-5"}


def loinc_check_digit(body: str) -> int:
    """LOINC's mod 10: from the right, double the digits in odd places, add every digit of the
    doubled ones and of the others, and the check digit brings the sum to a multiple of 10."""
    odd = body[::-1][0::2]  # "531" for 12345
    even = body[::-1][1::2]  # "42"
    doubled = str(int(odd) * 2)  # "1062"
    total = sum(int(d) for d in doubled + even)
    return (10 - total % 10) % 10


def well_formed_loinc(code: str) -> bool:
    match = re.fullmatch(r"(\d{1,7})-(\d)", code)
    return bool(match) and int(match[2]) == loinc_check_digit(match[1])


def test_loinc_check_digit_on_the_example_of_the_loinc_manual():
    assert loinc_check_digit("12345") == 5
    assert well_formed_loinc("34112-3") and not well_formed_loinc("34112-4") and not well_formed_loinc("EXPPAT_3")


@pytest.mark.parametrize("doc_type", CATALOGUE, ids=lambda t: t.code)
def test_every_type_has_a_code_of_jdv_j07_in_its_code_system_with_the_lists_display(doc_type):
    assert doc_type.code_system in (LOINC, TRE_A05)
    codes = JDV_J07[doc_type.code_system.url]
    assert doc_type.jdv_code in codes, doc_type.jdv_code
    assert doc_type.jdv_display == codes[doc_type.jdv_code]
    if doc_type.code_system is LOINC:
        assert well_formed_loinc(doc_type.jdv_code), doc_type.jdv_code
    else:
        assert not well_formed_loinc(doc_type.jdv_code)  # a local code is never taken for a LOINC one


def test_each_type_has_its_own_code_and_the_keys_documents_store_are_unchanged():
    pairs = [(t.code_system.oid, t.jdv_code) for t in CATALOGUE]
    assert len(set(pairs)) == len(pairs) == len(CATALOGUE)
    assert len({t.jdv_code for t in CATALOGUE}) == len(CATALOGUE)
    assert set(DOCUMENT_TYPES) == {t.code for t in CATALOGUE} == STORED_KEYS
    assert not FORMER_CODES & {t.jdv_code for t in CATALOGUE}
    assert not any(code in JDV_J07[LOINC.url] for code in FORMER_CODES)  # why they had to go


def test_the_types_the_issue_measured_take_the_lists_codes():
    expected = {
        "hospital_report": ("34112-3", LOINC, "CR hospitalier (séjour)"),
        "operative_report": ("34874-8", LOINC, "CR opératoire"),
        "nursing_note": ("11506-3", LOINC, "CR ou fiche de suivi de soins par auxiliaire médical"),
        "advance_directives": ("EXPPAT_3", TRE_A05, "Directives anticipées"),
        "patient_note": ("EXPPAT_2", TRE_A05, "Autre document du patient"),
    }
    for key, (code, system, display) in expected.items():
        doc_type = DOCUMENT_TYPES[key]
        assert (doc_type.jdv_code, doc_type.code_system, doc_type.jdv_display) == (code, system, display), key


def test_the_code_systems_carry_the_oids_cda_and_xds_use_and_the_urls_fhir_uses():
    assert (LOINC.oid, LOINC.url) == ("2.16.840.1.113883.6.1", "http://loinc.org")
    assert TRE_A05.oid == "1.2.250.1.213.1.1.4.12"
    assert TRE_A05.url == ("https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/"
                           "TRE-A05-TypeDocComplementaire")


def test_the_frozen_copy_of_the_list_is_whole_and_well_formed():
    assert JDV_J07_VERSION == "20260629120000"
    assert len(JDV_J07[TRE_A05.url]) == 35 and len(JDV_J07[LOINC.url]) == 87
    assert all(well_formed_loinc(code) for code in JDV_J07[LOINC.url])  # no code mistyped
    assert {"EXPPAT_1", "EXPPAT_2", "EXPPAT_3"} <= set(JDV_J07[TRE_A05.url])
    assert {f"DOCPAT0{n}" for n in range(1, 10)} <= set(JDV_J07[TRE_A05.url])
    assert all(display.strip() == display and display for codes in JDV_J07.values() for display in codes.values())


def test_a_type_is_found_by_its_code_system_and_code_as_a_cda_header_gives_them():
    for doc_type in CATALOGUE:
        assert TYPES_BY_JDV_CODE[(doc_type.code_system.oid, doc_type.jdv_code)] is doc_type
    assert (LOINC.oid, "EXPPAT_3") not in TYPES_BY_JDV_CODE  # a local code under the LOINC OID
    assert (TRE_A05.oid, "34112-3") not in TYPES_BY_JDV_CODE
    assert (LOINC.oid, "15507-7") not in TYPES_BY_JDV_CODE  # in the list, not one of our types
    assert (LOINC.oid, "34105-7") not in TYPES_BY_JDV_CODE  # a former code


def test_a_type_with_a_code_the_list_does_not_hold_is_refused():
    with pytest.raises(ValueError):
        DocumentType("hospital_report", "Compte rendu d’hôpital", Category.REPORTS, "34105-7", LOINC)
    with pytest.raises(ValueError):
        DocumentType("advance_directives", "Directives anticipées", Category.WISHES, "EXPPAT_3", LOINC)
    unknown = CodeSystem("Autre", "1.2.3", "urn:autre")
    with pytest.raises(ValueError):
        DocumentType("x", "X", Category.MINE, "EXPPAT_2", unknown)


def test_the_catalogue_has_french_labels_and_categories():
    for doc_type in CATALOGUE:
        assert doc_type.label[0].isupper() and isinstance(doc_type.category, Category)
    assert DOCUMENT_TYPES["patient_note"].category.label == "Documents ajoutés par moi"
