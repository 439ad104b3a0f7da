"""The FHIR Bundle of a copy (services/fhir_export.py), from a copy's content made by hand: each
resource checked by its fhir.resources model, the labels of hidden documents, nothing named that
the copy leaves out, the codes read from the domain, never written in the module."""
from __future__ import annotations

import ast
import base64
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from dmp_web.domain.access import REASONS, Decision
from dmp_web.domain.actors import Holder, Profession, Professional
from dmp_web.domain.carers import CarerGrant
from dmp_web.domain.documents import DocumentType, Document
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.journal import ChainKey, Head, make_entry
from dmp_web.domain.register import InsuredPerson, PostalAddress
from dmp_web.domain.reimbursements import Reimbursement
from dmp_web.domain.representatives import Representative
from dmp_web.domain.wishes import Person, Wishes
from dmp_web.services import fhir_export
from dmp_web.services.copies import CopiedDocument, DossierContent
from dmp_web.services.fhir_export import ArchivedFile, build_bundle, bundle_json
from dmp_web.store.documents import StoredFile

MADE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DOSSIER = "d3m0f47140a0c5e55e0001"
DURAND = Professional("10001000016", "Dr Marie Durand", Profession.MEDECIN, "medecine_generale")
CHAIN = ChainKey(b"a test key of thirty-two bytes!!")
PERSON = InsuredPerson("275051305511212", "BENALI", "Fatima Leïla", "F", date(1975, 5, 21), "Marseille",
                       "3234567890123456", "with_photo", PostalAddress("40 boulevard National", "13003", "Marseille"),
                       usage_name="ROCHE", birth_place_code="13055")
MODULE = Path(fhir_export.__file__)


def document(doc_id: str, type_code: str = "lab_results", **more) -> Document:
    return Document(doc_id, DOSSIER, type_code, f"Document {doc_id}", "professional", DURAND.rpps,
                    "Dr Marie Durand (médecin, médecine générale)", MADE - timedelta(days=3), **more)


def copied(doc: Document, file: StoredFile | None = None) -> CopiedDocument:
    return CopiedDocument(doc, "Résultats d’analyses", ["Ligne 1.", "Ligne 2."], file,
                          "fichiers/01-scan.pdf" if file else "")


def decided(actor, action: str, code: str, *, document_id: str = "", allowed: bool = True, seq: int = 0):
    decision = Decision(allowed, code, REASONS[code], action=action, actor=actor.ref, dossier_id=DOSSIER,
                        document_id=document_id, at=MADE)
    fields = decision.journal_fields()
    made = make_entry(Head(), "d0551e4", CHAIN, fields.pop("at"), fields.pop("actor"), fields.pop("action"), **fields)
    return replace(made, seq=seq)


def content(**more) -> DossierContent:
    fields = {
        "dossier": Dossier(DOSSIER, PERSON.nir, "9144887071264763528126", MADE - timedelta(days=300),
                           Consent("holder", "online", MADE - timedelta(days=300), "online"),
                           ins=PERSON.nir, ins_oid="1.2.250.1.213.1.4.8"),
        "person": PERSON, "wishes": Wishes(), "attending_doctor": "", "documents": [], "history": [],
        "made_at": MADE, "full_history": True,
    }
    return DossierContent(**{**fields, **more})


def entries(bundle_model) -> list[dict]:
    return [e.resource.model_dump(mode="json") | {"resourceType": e.resource.get_resource_type()}
            for e in bundle_model.entry]


def of_kind(bundle_model, kind: str) -> list[dict]:
    return [r for r in entries(bundle_model) if r["resourceType"] == kind]


def codes(concepts) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for concept in concepts for c in concept.get("coding", [])}


def test_an_empty_dossier_gives_a_collection_of_its_patient_and_choices_each_valid_by_its_model():
    made = build_bundle(content(), {})
    assert made.type == "collection"
    assert [e.resource.get_resource_type() for e in made.entry] == ["Patient", "Consent"]
    for resource in entries(made):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    [patient] = of_kind(made, "Patient")
    assert patient["name"][0]["given"] == ["Fatima", "Leïla"]
    assert bundle_json(made).decode("utf-8").count("Leïla") == 2  # UTF-8, not \\u escapes


def test_the_patient_is_identified_by_the_ins_first_then_the_ins_c_and_carries_the_traits():
    [patient] = of_kind(build_bundle(content(), {}), "Patient")
    types = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
    assert patient["identifier"] == [
        {"use": "official", "type": {"coding": [{"system": types, "code": "INS-NIR"}], "text": "INS"},
         "system": "urn:oid:1.2.250.1.213.1.4.8", "value": "275051305511212"},
        {"use": "official", "type": {"coding": [{"system": types, "code": "INS-C"}], "text": "INS-C"},
         "system": "urn:oid:1.2.250.1.213.1.4.2", "value": "9144887071264763528126"},
    ]
    # the 5 traits: birth name, birth first names, birth date, sex, the birth place's INSEE code
    assert patient["name"][0] == {"use": "official", "family": "BENALI", "given": ["Fatima", "Leïla"]}
    assert (patient["birthDate"], patient["gender"]) == ("1975-05-21", "female")
    [birth_place] = patient["extension"]
    assert birth_place == {"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "valueAddress": {
        "city": "Marseille", "extension": [{"url": "https://hl7.fr/ig/fhir/core/StructureDefinition/"
                                                   "fr-core-address-insee-code", "valueCoding": {"code": "13055"}}]}}
    get_fhir_model_class("Patient").model_validate(patient | {"resourceType": "Patient"})


def test_a_nia_is_the_ins_under_its_own_oid_and_a_dossier_without_ins_gives_its_ins_c_alone():
    nia = replace(content().dossier, ins="755051305511263", ins_oid="1.2.250.1.213.1.4.9")
    [patient] = of_kind(build_bundle(content(dossier=nia), {}), "Patient")
    assert [(i["system"], i["value"], i["type"]["coding"][0]["code"]) for i in patient["identifier"]] == [
        ("urn:oid:1.2.250.1.213.1.4.9", "755051305511263", "INS-NIA"),
        ("urn:oid:1.2.250.1.213.1.4.2", "9144887071264763528126", "INS-C")]
    before = replace(content().dossier, ins="", ins_oid="")
    [patient] = of_kind(build_bundle(content(dossier=before), {}), "Patient")
    assert [i["value"] for i in patient["identifier"]] == ["9144887071264763528126"]


def test_a_hidden_document_is_restricted_and_masque_ps_and_one_kept_from_representatives_says_so():
    shown = [copied(document("a")), copied(document("b", hidden=True)),
             copied(document("c", hidden_from_representatives=True))]
    labels = {r["masterIdentifier"]["value"]: codes(r["securityLabel"])
              for r in of_kind(build_bundle(content(documents=shown), {}), "DocumentReference")}
    v3, dmp = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "urn:oid:1.2.250.1.213.1.1.4.13"
    assert labels == {"a": {(v3, "N")}, "b": {(v3, "R"), (dmp, "MASQUE_PS")},
                      "c": {(v3, "N"), (dmp, "INVISIBLE_REPRESENTANTS_LEGAUX")}}


def test_the_type_s_code_and_system_are_read_from_the_document_type(monkeypatch):
    monkeypatch.setattr(DocumentType, "coding", property(lambda self: ("urn:oid:1.2.250.1.213.1.1.4.12",
                                                                       f"X-{self.code}")))
    [reference] = of_kind(build_bundle(content(documents=[copied(document("a"))]), {}), "DocumentReference")
    assert codes([reference["type"]]) == {("urn:oid:1.2.250.1.213.1.1.4.12", "X-lab_results")}


def test_the_module_writes_no_loinc_code_and_imports_no_flask_nor_the_store():
    source = MODULE.read_text(encoding="utf-8")
    assert not re.findall(r"\b\d{3,5}-\d\b", source)  # a LOINC code's shape: the domain gives them
    tree = ast.parse(source)
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [name for name in imported if name.startswith(("flask", "werkzeug", "..store", "..web"))]


def test_a_file_is_an_attachment_pointing_into_the_archive_with_its_sha1_and_the_text_is_data():
    stored = StoredFile("scan.pdf", "application/pdf", 2048, "blob")
    item = copied(document("a"), stored)
    archived = {"a": ArchivedFile("fichiers/01-scan.pdf", 2048, b"\x01" * 20)}
    [reference] = of_kind(build_bundle(content(documents=[item]), archived), "DocumentReference")
    file, text = (c["attachment"] for c in reference["content"])
    assert (file["url"], file["size"], file["contentType"], file["title"]) == (
        "fichiers/01-scan.pdf", 2048, "application/pdf", "scan.pdf")
    assert base64.b64decode(file["hash"]) == b"\x01" * 20
    assert base64.b64decode(text["data"]).decode() == "Ligne 1.\nLigne 2."
    assert reference["author"][0]["display"] == "Dr Marie Durand"


def test_a_history_line_about_a_document_outside_the_copy_names_no_document():
    holder = Holder(DOSSIER)
    lines = [decided(DURAND, "read_document", "attending_doctor", document_id="a", seq=2),
             decided(DURAND, "write_document", "attending_doctor", document_id="held", seq=1),
             decided(holder, "read_dossier", "holder", seq=0)]
    made = build_bundle(content(documents=[copied(document("a"))], history_entries=lines,
                                history=["Lu « Document a ».", "Ajouté un document.", "Vous avez ouvert."]), {})
    events = of_kind(made, "AuditEvent")
    assert [len(e["entity"]) for e in events] == [2, 1, 1]
    assert "held" not in bundle_json(made).decode()
    assert [e["text"]["div"] for e in events][1] == (
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>Ajouté un document.</p></div>')


def test_the_history_and_its_entries_must_go_together():
    with pytest.raises(ValueError):
        build_bundle(content(history_entries=[decided(Holder(DOSSIER), "read_dossier", "holder")], history=[]), {})


def test_a_person_to_warn_who_is_the_trusted_person_is_one_related_person_with_both_roles():
    wishes = Wishes(trusted_person=Person("Nadia Roche", "ma sœur", "0612345678", "nadia@example.org"),
                    emergency_contact=Person("Ancien Contact"), emergency_contact_is_trusted_person=True)
    [person] = of_kind(build_bundle(content(wishes=wishes), {}), "RelatedPerson")
    assert person["name"] == [{"text": "Nadia Roche"}]
    roles = {code for _, code in codes(person["relationship"])}
    assert roles == {"trusted_person", "emergency_contact", "C"}
    assert person["telecom"] == [{"system": "phone", "value": "0612345678"},
                                 {"system": "email", "value": "nadia@example.org"}]


def test_nothing_stated_gives_no_observation_no_allergy_and_typed_directives_are_a_consent():
    empty = build_bundle(content(wishes=Wishes(blood_group="unknown", allergies="  \n")), {})
    assert not of_kind(empty, "Observation") and not of_kind(empty, "AllergyIntolerance")
    assert len(of_kind(empty, "Consent")) == 1
    said = build_bundle(content(wishes=Wishes(advance_directives="Pas d’acharnement.", organ_donation="yes",
                                              blood_group="AB-")), {})
    directives = next(c for c in of_kind(said, "Consent") if c["scope"]["coding"][0]["code"] == "adr")
    assert base64.b64decode(directives["sourceAttachment"]["data"]).decode() == "Pas d’acharnement."
    assert "Don d’organes : oui." in directives["text"]["div"]
    [blood] = of_kind(said, "Observation")
    assert codes([blood["valueCodeableConcept"]]) == {("http://snomed.info/sct", "278154007")}


def test_a_carer_without_an_answer_is_no_one_yet_and_an_ended_one_is_inactive():
    def grant(gid, accepted, ended=None):
        return CarerGrant(gid, f"Aidant {gid}", "read", date(2026, 1, 1), None, MADE - timedelta(days=40), "x",
                          accepted_at=accepted, carer_id=gid if accepted else "", ended_at=ended)

    dossier = content().dossier
    dossier.carers = [grant("g1", MADE - timedelta(days=30)), grant("g2", None),
                      grant("g3", MADE - timedelta(days=30), ended=MADE - timedelta(days=1))]
    dossier.representatives = [Representative("r1", "Sophie Moreau", "mother", added_at=MADE - timedelta(days=300),
                                              ended_at=MADE - timedelta(days=2))]
    people = {p["name"][0]["text"]: p for p in of_kind(build_bundle(content(dossier=dossier), {}), "RelatedPerson")}
    assert {name: p["active"] for name, p in people.items()} == {
        "Aidant g1": True, "Aidant g3": False, "Sophie Moreau": False}
    assert {"text": "mère"} in people["Sophie Moreau"]["relationship"]


def test_each_reimbursement_is_an_explanation_of_benefit_with_what_was_paid_and_paid_back():
    row = Reimbursement(PERSON.nir, date(2026, 9, 18), "Séjour à l’hôpital", "Hôpital Tenon", 158000, 126400)
    [claim] = of_kind(build_bundle(content(reimbursements=[row]), {}), "ExplanationOfBenefit")
    assert [(t["category"]["coding"][0]["code"], t["amount"]) for t in claim["total"]] == [
        ("submitted", {"value": 1580.0, "currency": "EUR"}), ("benefit", {"value": 1264.0, "currency": "EUR"})]
    assert claim["identifier"][0]["value"] == row.key and claim["item"][0]["servicedDate"] == "2026-09-18"


def test_a_file_name_with_spaces_is_a_relative_url_and_a_moment_kept_without_offset_an_instant():
    stored = StoredFile("mon scan.pdf", "application/pdf", 10, "blob")
    old = replace(document("a"), created_at=datetime(2025, 1, 2, 3, 4))  # an older record, without offset
    archived = {"a": ArchivedFile("fichiers/01-mon scan.pdf", 10, b"\x02" * 20)}
    [reference] = of_kind(build_bundle(content(documents=[copied(old, stored)]), archived), "DocumentReference")
    assert reference["content"][0]["attachment"]["url"] == "fichiers/01-mon%20scan.pdf"
    assert reference["date"] == "2025-01-02T03:04:00Z"
