"""The CI-SIS value set of document types, JDV_J07-XdsTypeCode-CISIS, as a frozen copy.

Source: the ANS « Terminologies de Santé » implementation guide v1.12.0 (FHIR package
ans.fr.terminologies#1.12.0), ValueSet JDV_J07_XdsTypeCode_CISIS, version 20260629120000
(2026-06-29), OID 1.2.250.1.213.1.1.5.471, canonical URL
https://mos.esante.gouv.fr/NOS/JDV_J07-XdsTypeCode-CISIS/FHIR/JDV-J07-XdsTypeCode-CISIS.
Its `compose.include` draws codes from three code systems, keyed here by the system URL the
list gives; each code is mapped to its display, spelled as the list spells it. The OIDs of the
systems come from their CodeSystem resources in the same guide (TRE_A05: 1.2.250.1.213.1.1.4.12)
and from HL7 (LOINC: 2.16.840.1.113883.6.1).

The DMP itself takes a subset (JDV_J66-TypeCode-DMP); the catalogue's codes are checked against
this list only. A new version of the list is copied here whole, with its version above.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSystem:
    """A terminology a document type's code comes from: its OID (CDA, XDS) and its FHIR URL."""

    name: str
    oid: str
    url: str


LOINC = CodeSystem("LOINC", "2.16.840.1.113883.6.1", "http://loinc.org")
# « Type de document en complément des nomenclatures internationales »: the ANS local codes,
# among them the patient's own documents and directives (EXPPAT_*, DOCPAT*).
TRE_A05 = CodeSystem(
    "TRE_A05-TypeDocComplementaire", "1.2.250.1.213.1.1.4.12",
    "https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire",
)
TRE_A12_URL = "https://mos.esante.gouv.fr/NOS/TRE_A12-NomenclatureASTM/FHIR/TRE-A12-NomenclatureASTM"

JDV_J07_VERSION = "20260629120000"

JDV_J07: dict[str, dict[str, str]] = {
    TRE_A05.url: {
        "ATTEST-ASS-COMPL": "Attestation assurance complémentaire",
        "ATTEST-RESID": "Attestation de résidence",
        "ATTEST-HEBGT": "Attestation d'hébergement",
        "ATTEST-DROITS-AM": "Attestation de droits à l'assurance maladie",
        "AUTORIS-SOINS": "Autorisation de soins et actes non usuels sanitaires",
        "BIL_AUTO": "CR de bilan d'évaluation de la perte d'autonomie",
        "CERT_DECL": "Certificat, déclaration",
        "DISP_AUT": "Dispensation (autre)",
        "EXPPAT_1": "Volontés et droits du patient",
        "EXPPAT_2": "Autre document du patient",
        "EXPPAT_3": "Directives anticipées",
        "IMG-KOS": "Reference d'objets d'un examen d'imagerie",
        "PROT_ALD": "Protocole de soins ALD",
        "REMB": "Données de remboursement",
        "SYNTH": "Synthèse",
        "DOCPAT01": "Synthèse déposée par le patient",
        "DOCPAT02": "Traitement ou document de soins déposé par le patient",
        "DOCPAT03": "CR déposé par le patient",
        "DOCPAT04": "Imagerie déposée par le patient",
        "DOCPAT05": "CR de biologie déposé par le patient",
        "DOCPAT06": "CR de prévention déposé par le patient",
        "DOCPAT07": "Certificat déposé par le patient",
        "DOCPAT08": "Profil médical Mon espace santé",
        "DOCPAT09": "Document administratif déposé par le patient",
        "PIECE-IDENTITE": "Copie pièce d'identité",
        "PRESC-AAT": "Prescription arrêt de travail",
        "PRESC-BIO": "Prescription d'actes de biologie médicale",
        "PRESC-KINE": "Prescription d'actes de kinésithérapie",
        "PRESC-INF": "Prescription d'actes infirmiers",
        "PRESC-PEDI": "Prescription d'actes de pédicurie",
        "PRESC-ORTHOPHO": "Prescription d'actes d'orthophonie",
        "PRESC-ORTHOPTIE": "Prescription d'actes d'orthoptie",
        "FEUILLE-DE-STYLE": "Feuille de style",
        "FICHE-CONTACTS": "Fiche contacts",
        "EXPORT_DUI": "Export du Dossier Usager Informatisé",
    },
    LOINC.url: {
        "11369-6": "Historique des vaccinations",
        "11488-4": "CR ou fiche de consultation ou de visite",
        "11490-0": "Lettre de liaison à la sortie d'un établissement de soins",
        "11502-2": "CR d'examens biologiques",
        "11505-5": "CR d'acte thérapeutique (autre)",
        "11506-3": "CR ou fiche de suivi de soins par auxiliaire médical",
        "15507-7": "CR de passage aux urgences",
        "15508-5": "CR d'accouchement",
        "18776-5": "Plan personnalisé de soins",
        "18748-4": "CR d'imagerie médicale",
        "18761-7": "Note de transfert (dont lettre de liaison à l'entrée en établissement de soins)",
        "28617-9": "Bilan bucco-dentaire",
        "28653-4": "Document du secteur social / médico-social",
        "29274-8": "Mesures de signes vitaux",
        "34112-3": "CR hospitalier (séjour)",
        "34120-6": "Bilan par professionnel de santé",
        "34133-9": "Synthèse d'épisode de soins",
        "34749-2": "CR de consultation pré-anesthésique",
        "34794-8": "CR de réunion de concertation pluridisciplinaire",
        "34842-5": "Grille d'évaluation médico-social",
        "34874-8": "CR opératoire",
        "34875-5": "Évaluation postopératoire et note de suivi",
        "34876-3": "Évaluation préopératoire et note de suivi",
        "34895-3": "Fiche d'information au patient",
        "47420-5": "CR de bilan fonctionnel",
        "51851-4": "Document administratif",
        "51969-4": "CR de génétique moléculaire",
        "52040-3": "Document encapsulant une image d'illustration non DICOM",
        "55115-0": "Demande d'actes d'imagerie",
        "55751-2": "Déclaration de problème de santé publique",
        "56445-0": "Bilan médicamenteux (Officine)",
        "56446-8": "Notification de rendez-vous",
        "57055-6": "Synthèse antepartum",
        "57057-2": "Synthèse Salle de Naissance Mère",
        "57075-4": "Synthèse Salle de Naissance Enfant",
        "57828-6": "Prescription (autre)",
        "57832-8": "Prescription de soins",
        "57833-6": "Prescription de produits de santé",
        "59283-2": "CR d'examen de l'enfant",
        "59284-0": "Attestation de consentement",
        "60280-5": "Fiche de retour du service des urgences",
        "60568-3": "CR d'anatomie et de cytologie pathologiques",
        "60591-5": "Synthèse médicale",
        "60593-1": "Dispensation médicamenteuse",
        "61357-0": "Intervention pharmaceutique",
        "67851-6": "CR d'admission",
        "68599-0": "Synthèse psychiatrique",
        "68814-3": "Note d'évaluation pédiatrique",
        "68817-6": "Bilan de santé et de prévention de l'enfant",
        "70004-7": "CR d'acte diagnostique (autre)",
        "78341-5": "Fiche de transfert vers le service des urgences",
        "74207-2": "Document de liaison d'urgence",
        "74465-6": "Questionnaire patient",
        "75468-9": "Renouvellement ordonnance par pharmacien correspondant",
        "75482-0": "CR d'acte thérapeutique à visée préventive",
        "75492-9": "CR d'acte diagnostique à visée préventive ou de dépistage",
        "75496-0": "Demande d'acte de télémédecine",
        "77436-4": "CR d'anesthésie",
        "77604-7": "Planification thérapeutique",
        "78489-2": "Synthèse Enfant en Maternité",
        "78513-9": "CR de consultation en ophtalmologie",
        "78601-2": "CR d'entretien pharmaceutique",
        "80565-5": "CR d'administration de médicaments",
        "80771-9": "Projet d'accueil individualisé",
        "80788-3": "Projet personnalisé d'accompagnement",
        "80820-4": "Formulaire de conciliation médicamenteuse (Hôpital)",
        "83836-7": "Schéma dentaire",
        "83869-8": "Plan personnalisé de prévention",
        "83901-9": "Bilan psychologique",
        "83963-9": "Synthèse environnementale",
        "83981-1": "Lettre de liaison à la sortie d'une structure sociale ou médico-sociale",
        "84067-8": "Synthèse transfusionnelle",
        "85208-7": "CR de télémédecine",
        "86531-1": "Attestation de sortie",
        "87273-9": "Note de vaccination",
        "88348-8": "Lettre de liaison d'entrée en structure sociale ou médico-sociale",
        "89233-1": "CR de grossesse",
        "89235-6": "Synthèse Suites de Couches Mère",
        "89601-9": "Certificat médical",
        "93024-8": "CR de consultation pharmaceutique",
        "96163-1": "Bilan de soins infirmiers",
        "96173-0": "Test rapide d'orientation diagnostique",
        "96349-6": "Lettre d'adressage",
        "96874-3": "COVID-19 Attestation de vaccination",
        "97694-4": "Note d'évaluation en médecine maternelle et fœtale",
        "100967-9": "Rythme cardiaque fœtal",
        "101881-1": "Carte d'implant",
    },
    TRE_A12_URL: {
        "E1762": "Full Document",
    },
}


def jdv_j07_display(system: CodeSystem, code: str) -> str | None:
    """The list's display for this code of this system; None when the list does not hold it."""
    return JDV_J07.get(system.url, {}).get(code)
