"""Who may knock at a dossier: the patient, their representative, professionals, desk agents,
and the actors the law keeps out whatever they try."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from .journal import Actor

# The journal's own record of an actor (kind, id, name) is the reference every decision carries,
# so a decision can be journaled without translating one record into another.
ActorRef = Actor

RPPS_LENGTH = 11


class ActorKind(str, Enum):
    HOLDER = "holder"
    LEGAL_REPRESENTATIVE = "legal_representative"
    CARER = "carer"
    PROFESSIONAL = "professional"
    DESK_AGENT = "desk_agent"
    OCCUPATIONAL_DOCTOR = "occupational_doctor"
    MUTUAL_INSURER = "mutual_insurer"
    INSURER = "insurer"
    BANK = "bank"
    EMPLOYER = "employer"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ActorKind.HOLDER: "titulaire",
    ActorKind.LEGAL_REPRESENTATIVE: "représentant légal",
    ActorKind.CARER: "aidant",
    ActorKind.PROFESSIONAL: "professionnel de santé",
    ActorKind.DESK_AGENT: "agent d'accueil de la caisse",
    ActorKind.OCCUPATIONAL_DOCTOR: "médecine du travail",
    ActorKind.MUTUAL_INSURER: "mutuelle",
    ActorKind.INSURER: "assurance",
    ActorKind.BANK: "banque",
    ActorKind.EMPLOYER: "employeur",
}

# Code de la santé publique, art. L1111-18: these never get access, whatever they try.
FORBIDDEN_KINDS = frozenset(
    {
        ActorKind.OCCUPATIONAL_DOCTOR,
        ActorKind.MUTUAL_INSURER,
        ActorKind.INSURER,
        ActorKind.BANK,
        ActorKind.EMPLOYER,
    }
)
PATIENT_SIDE_KINDS = frozenset({ActorKind.HOLDER, ActorKind.LEGAL_REPRESENTATIVE})


class Profession(str, Enum):
    MEDECIN = "medecin"
    PHARMACIEN = "pharmacien"
    INFIRMIER = "infirmier"
    MASSEUR_KINESITHERAPEUTE = "masseur_kinesitherapeute"
    SAGE_FEMME = "sage_femme"
    CHIRURGIEN_DENTISTE = "chirurgien_dentiste"
    BIOLOGISTE = "biologiste"

    @property
    def label(self) -> str:
        return PROFESSION_LABELS[self]

    def label_for(self, sex: str) -> str:
        """The label that agrees with the person: «pharmacienne» for a woman, «pharmacien» for a
        man or when the directory does not say."""
        return FEMININE_LABELS[self] if sex == FEMALE else PROFESSION_LABELS[self]


# Everyday words, as patients say them (easy-to-read French): «kiné» rather than the official
# «masseur-kinésithérapeute», «dentiste» rather than «chirurgien-dentiste».
PROFESSION_LABELS = {
    Profession.MEDECIN: "médecin",
    Profession.PHARMACIEN: "pharmacien",
    Profession.INFIRMIER: "infirmier",
    Profession.MASSEUR_KINESITHERAPEUTE: "kiné",
    Profession.SAGE_FEMME: "sage-femme",
    Profession.CHIRURGIEN_DENTISTE: "dentiste",
    Profession.BIOLOGISTE: "biologiste",
}
# The same words for a woman. «médecin» and «sage-femme» are the same for both (the Académie
# keeps «médecin»; a man who is a midwife is a «sage-femme» too).
FEMININE_LABELS = {
    Profession.MEDECIN: "médecin",
    Profession.PHARMACIEN: "pharmacienne",
    Profession.INFIRMIER: "infirmière",
    Profession.MASSEUR_KINESITHERAPEUTE: "kiné",
    Profession.SAGE_FEMME: "sage-femme",
    Profession.CHIRURGIEN_DENTISTE: "dentiste",
    Profession.BIOLOGISTE: "biologiste",
}

# A professional's sex, as the directory gives it (its « civilité »): "F", "M", or "" when unknown.
FEMALE, MALE, UNKNOWN_SEX = "F", "M", ""
SEXES = (FEMALE, MALE, UNKNOWN_SEX)

# Specialties of médecins (a short list; the code names follow the French titles).
SPECIALTIES = {
    "medecine_generale": "médecine générale",
    "cardiologie": "cardiologie",
    "medecine_urgence": "médecine d’urgence",
    "pediatrie": "pédiatrie",
    "gynecologie_obstetrique": "gynécologie-obstétrique",
    "geriatrie": "gériatrie",
    "psychiatrie": "psychiatrie",
    "radiologie": "radiologie",
    "anesthesie_reanimation": "anesthésie-réanimation",
    "chirurgie_orthopedique": "chirurgie orthopédique",
    "dermatologie": "dermatologie",
    "pneumologie": "pneumologie",
}


def _luhn_sum(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total


def rpps_is_valid(rpps: object) -> bool:
    """11 ASCII digits whose Luhn sum is a multiple of 10, the last digit being the key."""
    return (
        isinstance(rpps, str)
        and len(rpps) == RPPS_LENGTH
        and rpps.isascii()
        and rpps.isdigit()
        and _luhn_sum(rpps) % 10 == 0
    )



@dataclass(frozen=True)
class Holder:
    """The patient, acting on their own dossier (the journal knows them by the dossier id)."""

    dossier_id: str
    name: str = "le titulaire"
    kind: ClassVar[ActorKind] = ActorKind.HOLDER

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.dossier_id, self.name)


@dataclass(frozen=True)
class LegalRepresentative:
    """The parent or guardian who acts for a minor, on that minor's dossier only."""

    id: str
    name: str
    dossier_id: str
    kind: ClassVar[ActorKind] = ActorKind.LEGAL_REPRESENTATIVE

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.id, self.name)


@dataclass(frozen=True)
class Carer:
    """Someone the patient named to help them (domain/carers.py), acting under one grant."""

    id: str  # the carer's own account
    name: str
    dossier_id: str
    grant_id: str
    kind: ClassVar[ActorKind] = ActorKind.CARER

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.id, self.name)


@dataclass(frozen=True)
class CarerPerson:
    """A carer's own account in the directory: one person, the carer of one patient or several
    (`dossiers`, the DMP whose invitation they accepted). The policy never judges this record:
    on a DMP, the carer acts as a `Carer`, under that DMP's grant."""

    id: str  # their login identifier («ai» and 8 digits)
    name: str
    dossiers: tuple[str, ...] = ()
    kind: ClassVar[ActorKind] = ActorKind.CARER

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.id, self.name)


@dataclass(frozen=True)
class Professional:
    """A health professional, known by RPPS number; médecins carry a specialty."""

    rpps: str
    name: str
    profession: Profession
    specialty: str = ""
    emergency_regulator: bool = False  # the SAMU–Centre 15 regulator doctor
    workplace: str = ""
    sex: str = UNKNOWN_SEX  # "F", "M" or "" (the directory may not say): the words agree with it
    kind: ClassVar[ActorKind] = ActorKind.PROFESSIONAL

    def __post_init__(self):
        if not rpps_is_valid(self.rpps):
            raise ValueError(f"invalid RPPS number {self.rpps!r}")
        if self.sex not in SEXES:
            raise ValueError(f"a professional's sex is F, M or empty, not {self.sex!r}")
        object.__setattr__(self, "profession", Profession(self.profession))
        if self.profession is Profession.MEDECIN:
            if self.specialty not in SPECIALTIES:
                raise ValueError(f"a médecin needs a known specialty, not {self.specialty!r}")
        else:
            if self.specialty:
                raise ValueError("only médecins carry a specialty")
            if self.emergency_regulator:
                raise ValueError("the Centre 15 regulator is a médecin")

    @property
    def profession_label(self) -> str:
        """«pharmacienne», «infirmier»: the profession in words that agree with the person."""
        return self.profession.label_for(self.sex)

    @property
    def description(self) -> str:
        """«médecin, cardiologie», «pharmacienne»: what the patient reads in the history."""
        if self.specialty:
            return f"{self.profession_label}, {SPECIALTIES[self.specialty]}"
        return self.profession_label

    @property
    def pronoun(self) -> str:
        """«Elle» or «Il»; "" when the sex is not known: then write a sentence that needs none
        («Ce médecin peut…»)."""
        return {FEMALE: "Elle", MALE: "Il"}.get(self.sex, "")

    @property
    def doctor_title(self) -> str:
        """«la docteure» or «le docteur», before a médecin's name without its «Dr»."""
        return "la docteure" if self.sex == FEMALE else "le docteur"

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.rpps, f"{self.name} ({self.description})")


@dataclass(frozen=True)
class DeskAgent:
    """An agent at the desk of a caisse d'Assurance Maladie: creates dossiers, reads none."""

    id: str
    name: str
    caisse: str = ""
    kind: ClassVar[ActorKind] = ActorKind.DESK_AGENT

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.id, self.name)


@dataclass(frozen=True)
class ForbiddenActor:
    """Occupational doctor, mutual insurer, insurer, bank or employer: kept out by law."""

    kind: ActorKind
    id: str
    name: str

    def __post_init__(self):
        object.__setattr__(self, "kind", ActorKind(self.kind))
        if self.kind not in FORBIDDEN_KINDS:
            raise ValueError(f"{self.kind.value} is not a forbidden kind of actor")

    @property
    def ref(self) -> ActorRef:
        return ActorRef(self.kind.value, self.id, f"{self.name} ({self.kind.label})")

