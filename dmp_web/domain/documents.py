"""Documents of a dossier and the catalogue of their types, each with its LOINC code."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum


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


LOINC_SYSTEM = "http://loinc.org"  # the code system of `DocumentType.loinc`, as FHIR names it


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: str
    loinc: str
    category: Category

    @property
    def coding(self) -> tuple[str, str]:
        """The type as exchanges code it (the FHIR export): its code system and its code."""
        return LOINC_SYSTEM, self.loinc


# The synthèse médicale takes LOINC 60591-5 "Patient summary Document" (the code of the
# International Patient Summary and of the French VSM); 34133-9 is "Summary of episode note",
# the summary of one stay, which a synthèse kept by the médecin traitant is not.
CATALOGUE: tuple[DocumentType, ...] = (
    DocumentType("medical_summary", "Résumé de santé", "60591-5", Category.SUMMARIES),
    DocumentType("hospital_report", "Compte rendu d’hôpital", "34105-7", Category.REPORTS),
    DocumentType("consultation_report", "Compte rendu de consultation", "11488-4", Category.REPORTS),
    DocumentType("operative_report", "Compte rendu d’opération", "11504-8", Category.REPORTS),
    DocumentType("nursing_note", "Note de soins", "34746-8", Category.REPORTS),
    DocumentType("lab_results", "Résultats d’analyses", "11502-2", Category.RESULTS),
    DocumentType("imaging_report", "Compte rendu de radio", "18748-4", Category.IMAGING),
    DocumentType("medication_prescription", "Ordonnance", "57833-6", Category.TREATMENTS),
    DocumentType(
        "medication_dispensation", "Médicaments pris à la pharmacie", "60593-1", Category.TREATMENTS
    ),
    DocumentType("vaccinations", "Vaccins", "11369-6", Category.VACCINATIONS),
    DocumentType("advance_directives", "Directives anticipées", "42348-3", Category.WISHES),
    DocumentType("patient_note", "Document ajouté par le patient", "51855-5", Category.MINE),
)

DOCUMENT_TYPES: dict[str, DocumentType] = {doc_type.code: doc_type for doc_type in CATALOGUE}

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
