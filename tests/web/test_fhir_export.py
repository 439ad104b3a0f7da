"""«Télécharger toutes mes données» (issue 19, item 1): the archive holds the dossier as a FHIR R4
Bundle, listed in its manifest with its hash, and the PDF copy its reimbursements.

The demo dossier is furnished through the use cases the pages call (wishes, blocks, rights, a carer,
a professional's readings, a result still to be explained), the archive asked for through the copy
page, made by the worker's step, downloaded and opened; every resource of the Bundle is then
validated by its own fhir.resources model."""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import urllib.parse
from datetime import timedelta

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from dmp_web.demo import DEMO_REIMBURSEMENTS
from dmp_web.domain.actors import Carer, Holder
from dmp_web.domain.dates import local_day
from dmp_web.domain.details import read_detail
from dmp_web.domain.documents import DOCUMENT_TYPES
from dmp_web.domain.reimbursements import euros
from dmp_web.domain.representatives import Representative
from dmp_web.services import carers, dossier_access, history, management, wishes
from dmp_web.services.fhir_export import BUNDLE_NAME
from dmp_web.web.deps import ctx

from .copy_dossier import DOSSIER, PENDING
from .test_copies import (PDF_URL, ZIP_URL, add_pending_file, patient_log_in, pdf_text, read_zip, run_jobs)

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

HIDDEN = "d0c0000000000002"  # the blood test, which the patient hides from professionals
DURAND, LEFEVRE, PETIT = "10001000016", "10001000024", "10001000032"
INS_C = "urn:oid:1.2.250.1.213.1.4.2"
IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
DMP_CONFIDENTIALITY = "urn:oid:1.2.250.1.213.1.1.4.13"
MEASURES = b"Lundi 13/8\nMardi 12/8\n"


def furnish(app, client, notifier) -> None:
    """The demo dossier with something in each part of the Bundle, each change through its use case."""
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/documents", {"hidden": "1"}, action=f"/mon-dmp/documents/{HIDDEN}/acces")
    add = "/mon-dmp/documents/ajouter"  # the patient's own document, a file whose name has a space
    added = client.post(add, data={"csrf_token": client.csrf_token(add), "title": "Mes mesures", "text": "",
                                   "file": (io.BytesIO(MEASURES), "mes mesures.txt")},
                        content_type="multipart/form-data")
    assert added.status_code == 302
    with app.test_request_context():
        context = ctx()
    repos, holder = context.repos, Holder(DOSSIER)

    def dossier():
        return repos.dossiers.get(DOSSIER)

    assert wishes.set_trusted_person(context, holder, dossier(), "Nadia Roche", "ma sœur", "0612345678").allowed
    assert wishes.set_emergency_contact(context, holder, dossier(), same_as_trusted=False, name="Karim Benali",
                                        link="mon frère", phone="0698765432").allowed
    assert wishes.set_health_facts(context, holder, dossier(), "O+", "Pénicilline\nArachide").allowed
    assert management.block(context, holder, dossier(), PETIT).allowed
    assert management.grant_rights(context, holder, dossier(), LEFEVRE).allowed
    today = local_day(context.now())
    made = carers.invite(context, holder, dossier(), name="Paul Martin", purpose="read", starts_on=today,
                         ends_on=today + timedelta(days=90))
    carers.invite(context, holder, dossier(), name="Léa Roche", purpose="read", starts_on=today, ends_on=None)
    accepted = dossier()  # Paul accepted; Léa's invitation waits for its answer
    grant = accepted.carer_grant(made.grant.id)
    grant.accepted_at, grant.carer_id = context.now(), "carer-account-1"
    repos.dossiers.save(accepted)
    consultation = repos.documents.get(DOSSIER, "d0c0000000000001")
    carer = Carer("carer-account-1", "Paul Martin", DOSSIER, grant.id)
    assert dossier_access.act(context, carer, "read_document", dossier(), consultation).allowed
    doctor = repos.directory.professional(DURAND)
    assert dossier_access.act(context, doctor, "read_document", dossier(), repos.documents.get(DOSSIER, HIDDEN)).allowed
    pharmacist = repos.directory.professional(PETIT)
    assert not dossier_access.act(context, pharmacist, "read_dossier", dossier()).allowed  # blocked
    add_pending_file(app)  # the cardiologist deposits a result to explain: journaled, never shown


def exported(app, client, notifier) -> dict:
    """Furnish, ask for the archive as the copy page does, let the worker make it, download it."""
    furnish(app, client, notifier)
    asked = client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/archive")
    assert asked.status_code == 302
    told = app.extensions["dmp.repos"].journal.count(DOSSIER)  # what the archive's history holds
    assert run_jobs(app) == 1
    response = client.get(ZIP_URL)
    assert response.status_code == 200
    members = read_zip(response.data)
    data = members[BUNDLE_NAME]
    return {"members": members, "data": data, "bundle": json.loads(data), "told": told}


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(concepts: list[dict]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for concept in concepts for c in concept.get("coding", [])}


def narrative(resource: dict) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", resource["text"]["div"])).replace("\xa0", " ").split())


def test_every_resource_of_the_bundle_validates_by_its_own_model_and_the_manifest_lists_its_hash(
        client, notifier, app):
    done = exported(app, client, notifier)
    data, bundle = done["data"], done["bundle"]
    manifest = json.loads(done["members"]["manifeste.json"])
    [item] = [i for i in manifest["items"] if i["name"] == BUNDLE_NAME]
    assert item["type"] == "application/fhir+json"
    assert item["size"] == len(data) and item["sha256"] == hashlib.sha256(data).hexdigest()
    assert "FHIR" in item["description"]

    parsed = Bundle.model_validate_json(data)  # the whole, then each resource by its own model
    assert parsed.type == "collection" and len(parsed.entry) == len(bundle["entry"])
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert model.get_resource_type() == resource["resourceType"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "Patient": 1, "DocumentReference": 5, "Consent": 1, "RelatedPerson": 3, "AllergyIntolerance": 2,
        "Observation": 1, "ExplanationOfBenefit": len(DEMO_REIMBURSEMENTS), "AuditEvent": done["told"]}
    # every reference inside the Bundle points at one of its entries
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert set(re.findall(r'"reference": "([^"]+)"', data.decode())) <= urls


def test_the_bundle_holds_nothing_the_patient_may_not_read_and_labels_what_they_hid(client, notifier, app):
    done = exported(app, client, notifier)
    bundle, text = done["bundle"], done["data"].decode()
    repos = app.extensions["dmp.repos"]
    held = [d for d in repos.documents.list(DOSSIER) if d.awaiting_explanation]
    assert len(held) == 2 and PENDING in {d.id for d in held}
    attached = [base64.b64decode(c["attachment"]["data"]).decode() for r in resources(bundle, "DocumentReference")
                for c in r["content"] if "data" in c["attachment"]]
    for secret in (*(d.id for d in held), *(d.title for d in held), "Petite anomalie", "Texte à expliquer",
                   "resultat-a-expliquer.pdf"):
        assert secret not in text, secret
        assert not any(secret in words for words in attached), secret
    readable = {d.id for d in repos.documents.list(DOSSIER) if not d.awaiting_explanation}
    documents = {r["masterIdentifier"]["value"]: r for r in resources(bundle, "DocumentReference")}
    assert set(documents) == readable

    assert codes(documents[HIDDEN]["securityLabel"]) == {(CONFIDENTIALITY, "R"), (DMP_CONFIDENTIALITY, "MASQUE_PS")}
    for document_id, resource in documents.items():
        if document_id != HIDDEN:
            assert codes(resource["securityLabel"]) == {(CONFIDENTIALITY, "N")}, document_id
    lab = documents[HIDDEN]
    system, code = DOCUMENT_TYPES["lab_results"].coding
    assert codes([lab["type"]]) == {(system, code)} and lab["type"]["text"] == "Résultats d’analyses"
    assert lab["description"] == "Prise de sang du 20 octobre 2026"
    assert lab["author"] == [{"identifier": {"system": IDNPS, "value": f"8{DURAND}"}, "display": "Dr Marie Durand"}]
    assert lab["context"]["period"] == {"start": "2026-10-20", "end": "2026-10-20"}
    [content] = lab["content"]
    assert base64.b64decode(content["attachment"]["data"]).decode().startswith("Hémoglobine : 11,2 g/dL")

    [mine] = [r for r in documents.values() if r["description"] == "Mes mesures"]
    patient = f"urn:uuid:{resources(bundle, 'Patient')[0]['id']}"
    assert mine["author"] == [{"reference": patient}]
    assert mine["category"][0]["coding"][0]["code"] == "documents_patient"
    [file] = [c["attachment"] for c in mine["content"]]
    assert file["url"] == "fichiers/01-mes%20mesures.txt" and file["title"] == "mes mesures.txt"
    member = done["members"][urllib.parse.unquote(file["url"])]  # the file in the archive, as deposited
    assert member == MEASURES and file["size"] == len(MEASURES)
    assert base64.b64decode(file["hash"]) == hashlib.sha1(MEASURES).digest()


def test_the_patient_their_wishes_their_people_and_their_choices_are_in_the_bundle(client, notifier, app):
    bundle = exported(app, client, notifier)["bundle"]
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    [patient] = resources(bundle, "Patient")
    types = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
    assert patient["identifier"] == [  # the INS (here the NIR, OID …4.8) first, the INS-C second
        {"use": "official", "type": {"coding": [{"system": types, "code": "INS-NIR"}], "text": "INS"},
         "system": "urn:oid:1.2.250.1.213.1.4.8", "value": "275051305511212"},
        {"use": "official", "type": {"coding": [{"system": types, "code": "INS-C"}], "text": "INS-C"},
         "system": INS_C, "value": dossier.ins_c}]
    assert patient["name"] == [{"use": "official", "family": "BENALI", "given": ["Fatima"]},
                               {"use": "usual", "family": "ROCHE", "given": ["Fatima"]}]
    assert (patient["gender"], patient["birthDate"]) == ("female", "1975-05-21")
    assert patient["extension"][0]["valueAddress"] == {"city": "Marseille", "extension": [
        {"url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code",
         "valueCoding": {"code": "13055"}}]}  # the INSEE code of her birth place, one of the INS's traits

    [blood] = resources(bundle, "Observation")
    assert codes([blood["code"]]) == {("http://loinc.org", "882-1")}
    assert codes([blood["valueCodeableConcept"]]) == {("http://snomed.info/sct", "278147001")}  # O Rh(D) positive
    assert blood["valueCodeableConcept"]["text"] == "O+"
    allergies = resources(bundle, "AllergyIntolerance")
    assert [a["code"]["text"] for a in allergies] == ["Pénicilline", "Arachide"]
    assert all(a["verificationStatus"]["coding"][0]["code"] == "unconfirmed" for a in allergies)

    people = {r["name"][0]["text"]: r for r in resources(bundle, "RelatedPerson")}
    assert set(people) == {"Nadia Roche", "Karim Benali", "Paul Martin"}  # Léa has not answered
    role = "urn:dmp-web:codesystem:related-person-role"
    assert (role, "trusted_person") in codes(people["Nadia Roche"]["relationship"])
    assert {"text": "ma sœur"} in people["Nadia Roche"]["relationship"]
    assert people["Nadia Roche"]["telecom"] == [{"system": "phone", "value": "0612345678"}]
    assert {(role, "emergency_contact"), ("http://terminology.hl7.org/CodeSystem/v2-0131", "C")} <= codes(
        people["Karim Benali"]["relationship"])
    carer = people["Paul Martin"]
    assert (role, "carer") in codes(carer["relationship"]) and carer["active"] is True
    assert carer["period"] == {"start": "2026-11-23", "end": "2027-02-21"}

    [consent] = resources(bundle, "Consent")
    rules = consent["provision"]["provision"]
    readers = {(r["type"], r["actor"][0]["reference"]["identifier"]["value"]) for r in rules if "actor" in r}
    assert readers == {("deny", f"8{PETIT}"), ("permit", f"8{DURAND}"), ("permit", f"8{LEFEVRE}")}
    reason = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
    emergencies = {(r["type"], tuple(p["code"] for p in r["purpose"]), "securityLabel" in r)
                   for r in rules if "purpose" in r}
    assert emergencies == {("permit", ("ETREAT",), False), ("permit", ("BTG",), False),  # the demo said yes
                           ("deny", ("ETREAT", "BTG"), True)}  # hidden documents stay hidden
    assert all(p["system"] == reason for r in rules for p in r.get("purpose", []))
    assert "Claire Petit (RPPS 10001000032)" in narrative(consent)


def test_each_history_line_is_an_audit_event_told_in_the_history_s_own_sentence(client, notifier, app):
    done = exported(app, client, notifier)
    bundle = done["bundle"]
    repos = app.extensions["dmp.repos"]
    entries = repos.journal.entries(DOSSIER)[:done["told"]]
    titles = {d.id: d.title for d in repos.documents.list(DOSSIER) if not d.awaiting_explanation}
    professionals = {p: repos.directory.professional(p) for p in (DURAND, LEFEVRE, PETIT)}
    expected = [" ".join(history.describe(e, titles=titles, professionals=professionals, feminine=True)
                         .sentence.replace("\xa0", " ").split()) for e in reversed(entries)]
    events = resources(bundle, "AuditEvent")
    assert [narrative(event) for event in events] == expected  # newest first, as the history
    assert [event["recorded"] for event in events] == [e.at.isoformat().replace("+00:00", "Z")
                                                       for e in reversed(entries)]

    by_text = {narrative(event): event for event in events}
    refused = next(e for t, e in by_text.items() if t.startswith("Claire Petit (pharmacien") and "refusé" in t)
    assert refused["outcome"] == "4"
    assert refused["agent"][0]["who"] == {"identifier": {"system": IDNPS, "value": f"8{PETIT}"},
                                          "display": "Claire Petit"}
    read = next(e for t, e in by_text.items() if t.startswith("Paul Martin, votre aidant, a lu"))
    assert read["outcome"] == "0" and read["agent"][0]["who"] == {"display": "Paul Martin"}
    documents = {r["masterIdentifier"]["value"]: e["fullUrl"] for e in bundle["entry"]
                 if (r := e["resource"])["resourceType"] == "DocumentReference"}
    assert read["entity"][1]["what"] == {"reference": documents["d0c0000000000001"]}
    # the cardiologist's deposit of the result to explain: «un document», and no document named
    patient = f"urn:uuid:{resources(bundle, 'Patient')[0]['id']}"
    deposit = next(e for t, e in by_text.items() if "a ajouté un document" in t)
    assert [entity["what"]["reference"] for entity in deposit["entity"]] == [patient]
    mine = next(e for t, e in by_text.items() if t.startswith("Vous avez demandé une copie complète"))
    assert mine["agent"][0]["who"] == {"reference": patient}


def test_the_reimbursements_are_in_the_bundle_and_in_the_pdf_copy(client, notifier, app):
    done = exported(app, client, notifier)
    claims = resources(done["bundle"], "ExplanationOfBenefit")
    rows = [(c["item"][0]["servicedDate"], c["item"][0]["productOrService"]["text"], c["provider"]["display"],
             round(c["total"][0]["amount"]["value"] * 100), round(c["total"][1]["amount"]["value"] * 100))
            for c in claims]
    assert rows == [(day.isoformat(), act, who, paid, back) for day, act, who, paid, back in DEMO_REIMBURSEMENTS]
    assert all([t["category"]["coding"][0]["code"] for t in c["total"]] == ["submitted", "benefit"] for c in claims)

    client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/a-imprimer")
    run_jobs(app)
    for copy in (pdf_text(client.get(PDF_URL).data), pdf_text(done["members"]["copie-dmp.pdf"])):
        part = copy[copy.rindex("Mes remboursements"):copy.rindex("L’historique des accès")]
        assert "Ils couvrent les 24 derniers mois : du 23 novembre 2024 au 23 novembre 2026." in part
        for _day, act, who, paid, back in DEMO_REIMBURSEMENTS:
            told = (f"{act}. Par : {who}. Montant payé : {euros(paid)}. Montant remboursé : {euros(back)}.")
            assert told.replace("\xa0", " ") in part, told
        assert part.index("Échographie du cœur") < part.index("Vaccin contre la grippe")  # newest first
        assert "Mes remboursements, page" in copy  # in the contents


def test_a_minor_s_representative_gets_no_trace_of_a_document_kept_from_them(client, notifier, app):
    """The demo account as a minor's mother's (the first slot): the cardiology report is kept from
    the representatives, and a doctor read it; their Bundle neither holds it nor tells that reading."""
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.representatives = [Representative("r1", "Sophie Moreau", "mother")]
    repos.dossiers.save(dossier)
    kept = repos.documents.get(DOSSIER, "d0c0000000000004")
    kept.hidden_from_representatives = True
    repos.documents.save(kept)
    with app.test_request_context():
        context = ctx()
    doctor = repos.directory.professional(LEFEVRE)
    assert dossier_access.act(context, doctor, "read_document", repos.dossiers.get(DOSSIER), kept).allowed
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/archive")
    told = repos.journal.count(DOSSIER)
    run_jobs(app)
    data = read_zip(client.get(ZIP_URL).data)[BUNDLE_NAME]
    bundle = json.loads(data)
    assert kept.id.encode() not in data and kept.title.encode() not in data
    assert {r["masterIdentifier"]["value"] for r in resources(bundle, "DocumentReference")} == {
        "d0c0000000000001", "d0c0000000000002", "d0c0000000000003"}
    about_it = [e for e in repos.journal.entries(DOSSIER)[:told] if read_detail(e.detail).document_id == kept.id]
    assert len(about_it) == 1  # the doctor's reading, which their history does not show
    assert len(resources(bundle, "AuditEvent")) == told - 1
    assert not any("Lefèvre a lu" in narrative(e) for e in resources(bundle, "AuditEvent"))
    [mother] = [p for p in resources(bundle, "RelatedPerson") if p["name"] == [{"text": "Sophie Moreau"}]]
    assert mother["active"] is True and {"text": "mère"} in mother["relationship"]
