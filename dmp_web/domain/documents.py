"""Documents of a dossier and the catalogue of their types, each with its code in the CI-SIS
list of document types (JDV_J07: LOINC, or an ANS local code)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from .value_sets import LOINC, TRE_A05, CodeSystem, jdv_j07_display


class Category(str, Enum):
    """How the patient's space groups documents, in this order."""

    SUMMARIES = "syntheses"
    REPORTS = "comptes_rendus"
    RESULTS = "resultats_examens"
    IMAGING = "imagerie"
    TREATMENTS = "ordonnances_traitements"
    VACCINATIONS = "vaccinations"
    WISHES = "volontes"
    MINE = "documents_patient"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.SUMMARIES: "Synthèses",
    Category.REPORTS: "Comptes rendus",
    Category.RESULTS: "Résultats d’examens",
    Category.IMAGING: "Imagerie",
    Category.TREATMENTS: "Ordonnances et traitements",
    Category.VACCINATIONS: "Vaccinations",
    Category.WISHES: "Volontés et droits",
    Category.MINE: "Documents ajoutés par moi",
}


@dataclass(frozen=True)
class DocumentType:
    """A kind of document. `code` is our key, the one documents store (Document.type_code): it
    never changes. Its type in the CI-SIS list JDV_J07 (`jdv_code` in `code_system`) is an
    attribute of the type only: no stored record holds it, so aligning a code on the list moves
    every document, old ones included, at once."""

    code: str
    label: str  # the words the app shows (FALC)
    category: Category
    jdv_code: str
    code_system: CodeSystem

    def __post_init__(self):
        if jdv_j07_display(self.code_system, self.jdv_code) is None:
            raise ValueError(f"{self.code}: {self.jdv_code} is not in JDV_J07 ({self.code_system.name})")

    @property
    def jdv_display(self) -> str:
        """The type's name as JDV_J07 spells it (for CDA, XDS and FHIR, never for the patient)."""
        return jdv_j07_display(self.code_system, self.jdv_code)


# Each type's code in JDV_J07-XdsTypeCode-CISIS version 20260629120000 (domain/value_sets.py
# says where the list comes from); the list's display is given after each code.
CATALOGUE: tuple[DocumentType, ...] = (
    # 60591-5 « Synthèse médicale », the code of the French VSM and of the International Patient
    # Summary; 34133-9 « Synthèse d'épisode de soins » sums up one stay, which a synthèse kept by
    # the médecin traitant is not.
    DocumentType("medical_summary", "Résumé de santé", Category.SUMMARIES, "60591-5", LOINC),
    # 34112-3 « CR hospitalier (séjour) »; it replaces 34105-7 (Discharge summary), not in the list.
    DocumentType("hospital_report", "Compte rendu d’hôpital", Category.REPORTS, "34112-3", LOINC),
    # 11488-4 « CR ou fiche de consultation ou de visite ».
    DocumentType("consultation_report", "Compte rendu de consultation", Category.REPORTS, "11488-4", LOINC),
    # 34874-8 « CR opératoire »; it replaces 11504-8 (Surgical operation note), not in the list.
    DocumentType("operative_report", "Compte rendu d’opération", Category.REPORTS, "34874-8", LOINC),
    # No « note de soins infirmiers » in the list (34746-8, Nurse note, is not in it). The nearest:
    # 11506-3 « CR ou fiche de suivi de soins par auxiliaire médical » (a nurse is an auxiliaire
    # médical, and our notes follow the care). 96163-1 « Bilan de soins infirmiers » is the
    # nursing assessment of a dependent patient, a form of its own: not our notes.
    DocumentType("nursing_note", "Note de soins", Category.REPORTS, "11506-3", LOINC),
    # 11502-2 « CR d'examens biologiques ».
    DocumentType("lab_results", "Résultats d’analyses", Category.RESULTS, "11502-2", LOINC),
    # 18748-4 « CR d'imagerie médicale ».
    DocumentType("imaging_report", "Compte rendu de radio", Category.IMAGING, "18748-4", LOINC),
    # 57833-6 « Prescription de produits de santé ».
    DocumentType("medication_prescription", "Ordonnance", Category.TREATMENTS, "57833-6", LOINC),
    # 60593-1 « Dispensation médicamenteuse ».
    DocumentType("medication_dispensation", "Médicaments pris à la pharmacie", Category.TREATMENTS,
                 "60593-1", LOINC),
    # 11369-6 « Historique des vaccinations »: the list of a person's vaccines (87273-9 « Note de
    # vaccination » is the note of one act).
    DocumentType("vaccinations", "Vaccins", Category.VACCINATIONS, "11369-6", LOINC),
    # EXPPAT_3 « Directives anticipées », an ANS local code (TRE_A05); it replaces LOINC 42348-3
    # (Advance directives), not in the list.
    DocumentType("advance_directives", "Directives anticipées", Category.WISHES, "EXPPAT_3", TRE_A05),
    # EXPPAT_2 « Autre document du patient » (TRE_A05), defined as the patient's own information;
    # it replaces LOINC 51855-5 (Patient note), not in the list. The DOCPAT01…09 codes each name a
    # kind of document the patient adds (a synthèse, a CR, an imaging, a certificate…): the
    # patient does not tell us the kind of their document, so none of them fits.
    DocumentType("patient_note", "Document ajouté par le patient", Category.MINE, "EXPPAT_2", TRE_A05),
)

DOCUMENT_TYPES: dict[str, DocumentType] = {doc_type.code: doc_type for doc_type in CATALOGUE}
# By their JDV_J07 code: (the code system's OID, the code), as a CDA header gives them.
TYPES_BY_JDV_CODE: dict[tuple[str, str], DocumentType] = {
    (doc_type.code_system.oid, doc_type.jdv_code): doc_type for doc_type in CATALOGUE
}

# The only types the patient (or their legal representative) may add themselves: their own
# notes, and their directives anticipées given as a file («Volontés et droits»).
PATIENT_WRITABLE_TYPES = frozenset({"patient_note", "advance_directives"})


@dataclass
class Document:
    id: str
    dossier_id: str
    type_code: str
    title: str
    author_kind: str  # an ActorKind value: "professional", "holder", "legal_representative"
    author_id: str  # the RPPS number for a professional
    author_name: str
    created_at: datetime
    hidden: bool = False  # masked by the patient from professionals («interdire»)
    pending_explanation: bool = False  # deposited «à expliquer au patient avant de le montrer»
    released_at: datetime | None = None  # when its author released it to the patient
    document_date: date | None = None  # the date of the care it reports (an exam, a stay...)
    # «caché aux représentants légaux» (the DMP's INVISIBLE_REPRESENTANTS_LEGAUX): set by its
    # professional at a minor's request; the minor's parents or guardian never see it, the minor
    # does once 18 (domain/representatives.py)
    hidden_from_representatives: bool = False
    hidden_from_carers: bool = False  # the patient keeps it from their carers (domain/carers.py)

    @property
    def awaiting_explanation(self) -> bool:
        """Still invisible to the patient: deposited to be explained, and not released yet."""
        return self.pending_explanation and self.released_at is None

    @property
    def doc_type(self) -> DocumentType | None:
        return DOCUMENT_TYPES.get(self.type_code)

    def release(self, at: datetime) -> None:
        self.released_at = at
