"""«Télécharger toutes mes données»: the dossier as a FHIR R4 Bundle (JSON), in the archive.

Pure: built from what the copy already gathered (services/copies.py `gather`, after the allowed
"export" decision), so it holds what the patient may read and nothing more. The documents are the
copy's (visible_documents, "copy_document"): one still to be explained is not there at all, and no
line of the history names it. Every resource is checked by its own fhir.resources model.

The models are fhir.resources' R4B package (FHIR 4.3.0): R4B changed none of the resources used
here from R4 (4.0.1), and the R4-only releases of fhir.resources are years old (pydantic 1).

Bundle type "collection", not "document": a "document" Bundle is one attested clinical document,
a Composition first, whose author signs for the whole; this export is a set of records taken
from the dossier, each standing alone, and no one attests them together.

Code systems, where the DMP or HL7 has one:
- the patient: the INS first, its matricule under the OID of its kind (1.2.250.1.213.1.4.8 for a
  NIR, .4.9 for a NIA), then the INS-C (OID 1.2.250.1.213.1.4.2), each typed by FR Core's code
  system of identifier types (INS-NIR, INS-NIA, INS-C); the birth place as HL7's patient-birthPlace
  extension, its INSEE code in FR Core's address INSEE code extension (`patient_identifiers`, `_patient`);
- authors: their RPPS number as the national identifier of health professionals (IDNPS, OID
  1.2.250.1.71.4.2.1: «8» then the RPPS number);
- document types: the type's own code system (domain/documents.py `DocumentType.coding`);
- security labels: HL7 v3 Confidentiality (N normal, R restricted), and for a document the
  patient hid from professionals, also the DMP's own confidentiality code MASQUE_PS (ASIP Santé,
  OID 1.2.250.1.213.1.1.4.13; INVISIBLE_REPRESENTANTS_LEGAUX likewise for one kept from a minor's
  representatives). A document hidden from the carers only has no code there: it stays N.
- the reimbursements: ExplanationOfBenefit, one per act, with «submitted» (what the care cost)
  and «benefit» (what the Assurance Maladie paid) from HL7's adjudication codes.
What has no shared code (the DMP's categories, the journal's actions, the roles of the people
the patient names) takes ours, under LOCAL.
"""
from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, UTC
from decimal import Decimal
from html import escape
from urllib.parse import quote
from typing import TYPE_CHECKING
from collections.abc import Mapping

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from ..domain.actors import ActorKind
from ..domain.dates import local_day
from ..domain.details import read_detail
from ..domain.documents import DOCUMENT_TYPES, Document
from ..domain.identity import matricule_kind_of
from ..domain.dossier import emergency_switches_in_words
from ..domain.journal import JournalEntry
from ..domain.reimbursements import Reimbursement
from ..domain.wishes import BLOOD_GROUP_CODE, BLOOD_GROUP_VALUES, Person
from ..formatting import author_words

if TYPE_CHECKING:
    from .copies import CopiedDocument, DossierContent

BUNDLE_NAME = "fhir-bundle.json"
CONTENT_TYPE = "application/fhir+json"

INS_C_SYSTEM = "urn:oid:1.2.250.1.213.1.4.2"  # ASIP Santé's INS-C
FR_IDENTIFIER_TYPES = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"  # FR Core's v2-0203
INSEE_CODE = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code"
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"  # national identifiers of health professionals
DMP_CONFIDENTIALITY = "urn:oid:1.2.250.1.213.1.1.4.13"  # the DMP's confidentiality codes
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
OBSERVATION_STATUS_UNCHECKED = "preliminary"  # stated by the patient: a doctor must check it
BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
LOCAL = "urn:dmp-web:codesystem:"  # ours: categories, journal actions, roles

# The journal's actions as AuditEvent's action codes: Create, Read, Update, Execute.
_AUDIT_ACTIONS = {
    "read_dossier": "R", "list_documents": "R", "read_document": "R", "read_wish": "R",
    "write_document": "C", "create_dossier": "C", "dossier_created": "C",
    "manage": "U", "hide_document": "U", "release_document": "U", "dossier_closed": "U",
    "dossier_reopened": "U", "record_consent": "U",
}
PATIENT_STATED = "Écrit par le patient. Un médecin doit le vérifier."


@dataclass(frozen=True)
class ArchivedFile:
    """A document's file as the archive holds it: where, how big, its SHA-1 (FHIR R4's hash)."""

    name: str
    size: int
    sha1: bytes


def patient_identifiers(dossier, person) -> list[dict]:
    """The Patient's identifiers: the INS first, then the INS-C.

    The INS is the matricule (the NIR, or a NIA) with the OID of its kind: 1.2.250.1.213.1.4.8 for a
    NIR, 1.2.250.1.213.1.4.9 for a NIA. A dossier that holds none yet (written before, not migrated)
    gives its INS-C alone."""
    identifiers = []
    if dossier.ins:
        code = f"INS-{matricule_kind_of(dossier.ins_oid)}"
        identifiers.append({"use": "official", "type": _identifier_type(code, "INS"),
                            "system": f"urn:oid:{dossier.ins_oid}", "value": dossier.ins})
    identifiers.append({"use": "official", "type": _identifier_type("INS-C", "INS-C"),
                        "system": INS_C_SYSTEM, "value": dossier.ins_c})
    return identifiers


def _identifier_type(code: str, text: str) -> dict:
    return {"coding": [{"system": FR_IDENTIFIER_TYPES, "code": code}], "text": text}


# -- the bundle --------------------------------------------------------------------------------

def build_bundle(content: DossierContent, files: Mapping[str, ArchivedFile]) -> Bundle:
    """The Bundle of this copy; `files`: the archive's file of each document, by document id."""
    builder = _Builder(content)
    patient = builder.add("Patient", "patient", _patient(content))
    shown = {item.document.id for item in content.documents}
    for item in content.documents:
        builder.add("DocumentReference", f"document/{item.document.id}",
                    _document(item, files.get(item.document.id), patient))
    builder.add("Consent", "consent", _consent(content, patient))
    if content.wishes.advance_directives.strip() or content.wishes.organ_donation != "unsaid":
        builder.add("Consent", "advance-directives", _advance_directives(content, patient))
    for key, resource in _related_people(content, patient):
        builder.add("RelatedPerson", key, resource)
    for n, line in enumerate(_allergy_lines(content.wishes.allergies)):
        builder.add("AllergyIntolerance", f"allergy/{n}", _allergy(line, patient))
    if content.wishes.blood_group in BLOOD_GROUP_VALUES[1]:
        builder.add("Observation", "blood-group", _blood_group(content.wishes.blood_group, patient))
    for row in content.reimbursements:
        builder.add("ExplanationOfBenefit", f"reimbursement/{row.key}", _reimbursement(row, patient))
    for entry, sentence in zip(content.history_entries, content.history, strict=True):
        builder.add("AuditEvent", f"journal/{entry.seq}", _audit_event(builder, entry, sentence, patient, shown))
    return Bundle.model_validate({
        "resourceType": "Bundle",
        "id": builder.id("bundle"),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": builder.url("bundle")},
        "type": "collection",
        "timestamp": _instant(content.made_at),
        "entry": builder.entries,
    })


def bundle_json(bundle: Bundle) -> bytes:
    """The Bundle as the archive's file: FHIR JSON (the model's own), indented, in UTF-8."""
    return bundle.model_dump_json(indent=2).encode("utf-8")


class _Builder:
    """Each resource checked by its model as it is added, named by a stable urn:uuid."""

    def __init__(self, content: DossierContent):
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:dmp-web:dossier:{content.dossier.id}:"
                                                        f"{content.made_at.isoformat()}")
        self.entries: list[dict] = []

    def id(self, key: str) -> str:
        return str(uuid.uuid5(self.namespace, key))

    def url(self, key: str) -> str:
        return f"urn:uuid:{self.id(key)}"

    def ref(self, key: str) -> dict:
        return {"reference": self.url(key)}

    def add(self, kind: str, key: str, resource: dict) -> dict:
        model = get_fhir_model_class(kind).model_validate({"resourceType": kind, "id": self.id(key), **resource})
        self.entries.append({"fullUrl": self.url(key), "resource": model})
        return self.ref(key)


def _instant(moment: datetime) -> str:
    """FHIR's instant has its offset: a moment kept without one (older records) was UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _narrative(*sentences: str) -> dict:
    paragraphs = "".join(f"<p>{escape(s)}</p>" for s in sentences)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{paragraphs}</div>'}


def _coding(system: str, code: str, display: str = "") -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _concept(system: str, code: str, text: str = "", display: str = "") -> dict:
    return {"coding": [_coding(system, code, display)], **({"text": text} if text else {})}


def _professional(rpps: str, name: str) -> dict:
    """A health professional, by their national identifier: «8» and the RPPS number."""
    return {"identifier": {"system": IDNPS_SYSTEM, "value": f"8{rpps}"}, **({"display": name} if name else {})}


# -- the patient -------------------------------------------------------------------------------

_GENDERS = {"F": "female", "M": "male"}


def _patient(content: DossierContent) -> dict:
    person, dossier = content.person, content.dossier
    given = person.first_names.split()
    names = [{"use": "official", "family": person.birth_name, "given": given}]
    if person.usage_name:
        names.append({"use": "usual", "family": person.usage_name, "given": given})
    address = person.address
    return {
        "identifier": patient_identifiers(dossier, person),
        "active": dossier.status == "open",
        "name": names,
        "gender": _GENDERS.get(person.sex, "unknown"),
        "birthDate": person.birth_date.isoformat(),
        "address": [{"use": "home", "line": [line for line in (address.street, address.complement) if line],
                     "postalCode": address.postal_code, "city": address.city, "country": "FR"}],
        "extension": [{"url": BIRTH_PLACE, "valueAddress": _birth_place(person)}],
    }


def _birth_place(person) -> dict:
    """The birth place's name, and its INSEE code when the register has it (one of the INS's traits)."""
    place: dict = {"city": person.birth_place}
    if person.birth_place_code:
        place["extension"] = [{"url": INSEE_CODE, "valueCoding": {"code": person.birth_place_code}}]
    return place


# -- the documents -----------------------------------------------------------------------------

def security_labels(document: Document) -> list[dict]:
    """HL7 v3 Confidentiality, and the DMP's own codes for what the patient (or a minor) chose."""
    labels = []
    if document.hidden:
        labels.append(_concept(CONFIDENTIALITY, "R", "Caché aux professionnels de santé par le patient",
                               "restricted"))
        labels.append(_concept(DMP_CONFIDENTIALITY, "MASQUE_PS", display="Masqué aux professionnels de santé"))
    if document.hidden_from_representatives:
        labels.append(_concept(DMP_CONFIDENTIALITY, "INVISIBLE_REPRESENTANTS_LEGAUX",
                               display="Non visible par les représentants légaux du patient"))
    if not document.hidden:
        labels.insert(0, _concept(CONFIDENTIALITY, "N", display="normal"))
    return labels


def _author(document: Document, patient: dict) -> dict:
    if document.author_kind == ActorKind.HOLDER.value:
        return patient
    name = author_words(document.author_kind, document.author_name, short=True)  # without their job
    if document.author_kind == ActorKind.PROFESSIONAL.value:
        return _professional(document.author_id, name)
    return {"display": name}  # a representative, a carer: by their name alone


def _document(item: CopiedDocument, archived: ArchivedFile | None, patient: dict) -> dict:
    document = item.document
    doc_type = DOCUMENT_TYPES.get(document.type_code)
    contents = []
    if archived is not None:
        contents.append({"attachment": {
            "contentType": item.file.content_type, "url": quote(archived.name), "size": archived.size,
            "hash": base64.b64encode(archived.sha1).decode("ascii"), "title": item.file.name,
            "creation": _instant(document.created_at)}})
    if item.text_lines:
        text = "\n".join(item.text_lines).encode("utf-8")
        contents.append({"attachment": {"contentType": "text/plain; charset=utf-8", "language": "fr",
                                        "data": base64.b64encode(text).decode("ascii"), "title": document.title}})
    resource = {
        "masterIdentifier": {"system": LOCAL + "document", "value": document.id},
        "status": "current",
        "subject": patient,
        "date": _instant(document.created_at),
        "author": [_author(document, patient)],
        "description": document.title,
        "securityLabel": security_labels(document),
        "content": contents or [{"attachment": {"title": document.title}}],
    }
    if doc_type is not None:
        system, code = doc_type.coding
        resource["type"] = _concept(system, code, doc_type.label)
        resource["category"] = [_concept(LOCAL + "document-category", doc_type.category.value,
                                         doc_type.category.label)]
    else:
        resource["type"] = {"text": item.type_label}
    if document.document_date:
        day = document.document_date.isoformat()
        resource["context"] = {"period": {"start": day, "end": day}}
    return resource


# -- the choices: who may read, and in an emergency -----------------------------------------------

def _reader(content: DossierContent, rpps: str) -> dict:
    return {"role": _concept(PARTICIPATION, "IRCP", display="information recipient"),
            "reference": _professional(rpps, content.professional_names.get(rpps, ""))}


def _consent(content: DossierContent, patient: dict) -> dict:
    """The patient's choices on who reads the dossier: the blocked professionals (deny), the doctors
    given the médecin traitant's rights (permit), the three emergency switches (off is deny)."""
    dossier = content.dossier
    rules = [{"type": "deny", "actor": [_reader(content, rpps)]} for rpps in dossier.blocked_rpps]
    doctors = [rpps for rpps in (dossier.attending_doctor_rpps, *dossier.attending_rights_rpps) if rpps]
    rules += [{"type": "permit", "actor": [_reader(content, rpps)]} for rpps in doctors]
    rules.append({"type": "permit" if dossier.regulator_access else "deny",
                  "purpose": [_coding(ACT_REASON, "ETREAT", "Emergency Treatment")]})
    rules.append({"type": "permit" if dossier.break_glass_access else "deny",
                  "purpose": [_coding(ACT_REASON, "BTG", "break the glass")]})
    rules.append({"type": "permit" if dossier.hidden_in_emergency else "deny",
                  "purpose": [_coding(ACT_REASON, "ETREAT", "Emergency Treatment"),
                              _coding(ACT_REASON, "BTG", "break the glass")],
                  "securityLabel": [_coding(DMP_CONFIDENTIALITY, "MASQUE_PS")]})
    said = [*emergency_switches_in_words(dossier),
            *(f"Bloqué : {name}." for name in content.blocked),
            *(f"Droits du médecin traitant : {name}." for name in content.attending_rights)]
    consent = dossier.consent
    given_by = (patient if consent.given_by == "holder"
                else {"display": consent.representative_name or "représentant légal"})
    return {
        "text": _narrative(*said),
        "status": "active" if dossier.status == "open" else "inactive",
        "scope": _concept(CONSENT_SCOPE, "patient-privacy", "Qui peut lire mon DMP"),
        "category": [_concept(ACT_CODE, "INFA", display="information access")],
        "patient": patient,
        "dateTime": _instant(consent.at),
        "performer": [given_by],
        "policyRule": _concept(ACT_CODE, "OPTIN", display="opt-in"),
        "provision": {"type": "permit", "provision": rules},
    }


ORGAN_DONATION_WORDS = {"yes": "Don d’organes : oui.", "no": "Don d’organes : non."}


def _advance_directives(content: DossierContent, patient: dict) -> dict:
    """The directives anticipées the patient typed on the site (a file of them is a document), and
    their choice on organ donation, in words."""
    wishes = content.wishes
    written = wishes.advance_directives.strip()
    said = [*([f"Directives anticipées : {written}"] if written else []),
            *([ORGAN_DONATION_WORDS[wishes.organ_donation]] if wishes.organ_donation in ORGAN_DONATION_WORDS else [])]
    resource = {
        "text": _narrative(*said),
        "status": "active",
        "scope": _concept(CONSENT_SCOPE, "adr", "Directives anticipées", "Advanced Care Directive"),
        "category": [{"text": "Directives anticipées et don d’organes"}],
        "patient": patient,
        "performer": [patient],
        "policyRule": {"text": "Code de la santé publique, article L1111-11"},
    }
    if written:
        resource["sourceAttachment"] = {"contentType": "text/plain; charset=utf-8", "language": "fr",
                                        "title": "Mes directives anticipées",
                                        "data": base64.b64encode(written.encode("utf-8")).decode("ascii")}
    return resource


# -- the people the patient named -------------------------------------------------------------------

def _role(code: str, text: str, *more: dict) -> dict:
    return {"coding": [*more, _coding(LOCAL + "related-person-role", code)], "text": text}


_EMERGENCY_CONTACT = _coding(CONTACT_ROLE, "C", "Emergency Contact")


def _person(person: Person, roles: list[dict], patient: dict) -> dict:
    telecom = [{"system": "phone", "value": person.phone}] if person.phone else []
    if person.email:
        telecom.append({"system": "email", "value": person.email})
    relationship = [*roles, *([{"text": person.link}] if person.link else [])]
    return {"active": True, "patient": patient, "relationship": relationship, "name": [{"text": person.name}],
            **({"telecom": telecom} if telecom else {})}


def _related_people(content: DossierContent, patient: dict):
    """The trusted person, the person to warn (the same one when the patient said so), the carers
    who accepted (an invitation with no answer names no one yet), a minor's legal representatives."""
    wishes = content.wishes
    trusted = wishes.trusted_person
    both = wishes.emergency_contact_is_trusted_person
    if trusted.is_set:
        roles = [_role("trusted_person", "Personne de confiance")]
        if both:
            roles.append(_role("emergency_contact", "Personne à prévenir en cas d’urgence", _EMERGENCY_CONTACT))
        yield "trusted-person", _person(trusted, roles, patient)
    contact = wishes.emergency_contact
    if not both and contact.is_set:
        roles = [_role("emergency_contact", "Personne à prévenir en cas d’urgence", _EMERGENCY_CONTACT)]
        yield "emergency-contact", _person(contact, roles, patient)
    today = local_day(content.made_at)
    for grant in content.dossier.carers:
        if grant.accepted_at is None:
            continue
        period = {"start": grant.starts_on.isoformat(), **({"end": grant.ends_on.isoformat()} if grant.ends_on else {})}
        yield f"carer/{grant.id}", {
            "active": grant.in_force(today), "patient": patient, "name": [{"text": grant.name}],
            "relationship": [_role("carer", f"Aidant : {grant.rule.words}")], "period": period}
    for representative in content.dossier.representatives:
        period = {**({"start": _instant(representative.added_at)} if representative.added_at else {}),
                  **({"end": _instant(representative.ended_at)} if representative.ended_at else {})}
        yield f"representative/{representative.id}", {
            "active": representative.active, "patient": patient, "name": [{"text": representative.full_name}],
            "relationship": [_role("legal_representative", representative.title.capitalize()),
                             {"text": representative.link_word}],
            **({"period": period} if period else {})}


# -- what the patient wrote of their health ------------------------------------------------------

def _allergy_lines(allergies: str) -> list[str]:
    return [line.strip() for line in allergies.splitlines() if line.strip()]


def _allergy(line: str, patient: dict) -> dict:
    """One line the patient wrote under «Mes allergies», as they wrote it: unconfirmed."""
    return {
        "clinicalStatus": _concept(ALLERGY_CLINICAL, "active"),
        "verificationStatus": _concept(ALLERGY_VERIFICATION, "unconfirmed"),
        "code": {"text": line},
        "patient": patient,
        "asserter": patient,
        "note": [{"text": PATIENT_STATED}],
    }


def _blood_group(group: str, patient: dict) -> dict:
    system, code = BLOOD_GROUP_CODE
    values, codes = BLOOD_GROUP_VALUES
    return {
        "status": OBSERVATION_STATUS_UNCHECKED,
        "code": _concept(system, code, "Groupe sanguin"),
        "subject": patient,
        "performer": [patient],
        "valueCodeableConcept": _concept(values, codes[group], group),
        "note": [{"text": PATIENT_STATED}],
    }


# -- the reimbursements -------------------------------------------------------------------------

def _euros(cents: int) -> dict:
    return {"value": Decimal(cents) / 100, "currency": "EUR"}


def _reimbursement(row: Reimbursement, patient: dict) -> dict:
    """One act the Assurance Maladie reimbursed, as «Mes remboursements» shows it. The file says
    neither the kind of claim nor the care's codes: they are said in words."""
    day = row.care_date.isoformat()
    amounts = [{"category": _concept(ADJUDICATION, "submitted", "Montant payé"), "amount": _euros(row.paid_cents)},
               {"category": _concept(ADJUDICATION, "benefit", "Montant remboursé"),
                "amount": _euros(row.reimbursed_cents)}]
    return {
        "identifier": [{"system": LOCAL + "reimbursement", "value": row.key}],
        "status": "active",
        "type": {"text": "Soin remboursé par l’Assurance Maladie"},
        "use": "claim",
        "patient": patient,
        "created": day,
        "insurer": {"display": "Assurance Maladie"},
        "provider": {"display": row.professional},
        "outcome": "complete",
        "insurance": [{"focal": True, "coverage": {"display": "Assurance Maladie"}}],
        "item": [{"sequence": 1, "productOrService": {"text": row.act}, "servicedDate": day,
                  "net": _euros(row.paid_cents), "adjudication": amounts}],
        "total": amounts,
    }


# -- the history ---------------------------------------------------------------------------------

def _agent(entry: JournalEntry, patient: dict) -> dict:
    kind = entry.actor_kind
    if kind == ActorKind.HOLDER.value:
        who = patient
    elif kind == ActorKind.PROFESSIONAL.value:
        who = _professional(entry.actor_id, author_words(kind, entry.actor_name, short=True))
    else:  # only a professional's number is public: the others by their name alone
        who = {"display": entry.actor_name or "DMP"}
    try:
        label = ActorKind(kind).label
    except ValueError:
        label = "le système du DMP"
    return {"type": {"text": label}, "who": who, "requestor": True}


def _audit_event(builder: _Builder, entry: JournalEntry, sentence: str, patient: dict, shown: set[str]) -> dict:
    """One line of the history: the history's own sentence, who, when, allowed or refused. It names
    a document only when the document is in the bundle."""
    entities = [{"what": patient, "type": _coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1",
                                                   "Person")}]
    document_id = read_detail(entry.detail).document_id
    if document_id and document_id in shown:
        entities.append({"what": builder.ref(f"document/{document_id}"),
                         "type": _coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2",
                                         "System Object")})
    event = {
        "text": _narrative(sentence),
        "type": _coding(DICOM, "110110", "Patient Record"),
        "subtype": [_coding(LOCAL + "journal-action", entry.action)],
        "action": _AUDIT_ACTIONS.get(entry.action, "E"),
        "recorded": _instant(entry.at),
        "outcome": "0" if entry.allowed else "4",
        "agent": [_agent(entry, patient)],
        "source": {"observer": {"display": "DMP"}},
        "entity": entities,
    }
    if entry.emergency:
        event["purposeOfEvent"] = [_concept(ACT_REASON, "ETREAT", "Accès en urgence")]
    return event
