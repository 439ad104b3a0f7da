"""What the patient states in «Mes informations / Volontés et droits»: people to call, wishes
on care and organ donation, blood group and allergies as the patient states them."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

ORGAN_DONATION = ("yes", "no", "unsaid")


class WishItem(str, Enum):
    """What a professional may be shown of the wishes, one item at a time (domain/habilitations.py
    WISH_READERS says to whom). A directives file is a document: the matrix decides it."""

    TRUSTED_PERSON = "trusted_person"
    EMERGENCY_CONTACT = "emergency_contact"
    ADVANCE_DIRECTIVES = "advance_directives"  # as typed on the wishes page
    ORGAN_DONATION = "organ_donation"
    HEALTH_FACTS = "health_facts"  # blood group and allergies, as the patient states them

    @property
    def label(self) -> str:
        return WISH_LABELS[self]


WISH_LABELS = {
    WishItem.TRUSTED_PERSON: "votre personne de confiance",
    WishItem.EMERGENCY_CONTACT: "la personne à prévenir en cas d’urgence",
    WishItem.ADVANCE_DIRECTIVES: "vos directives anticipées",
    WishItem.ORGAN_DONATION: "votre choix sur le don d’organes",
    WishItem.HEALTH_FACTS: "votre groupe sanguin et vos allergies",
}
BLOOD_GROUPS = ("A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "unknown")
# The blood group as exchanges code it (the FHIR export's Observation): what is observed (LOINC
# 882-1, «ABO and Rh group [Type] in Blood») and each group as its SNOMED CT concept.
BLOOD_GROUP_CODE = ("http://loinc.org", "882-1")
BLOOD_GROUP_VALUES = ("http://snomed.info/sct", {
    "A+": "278149003", "A-": "278152006", "B+": "278150003", "B-": "278153001",
    "AB+": "278151004", "AB-": "278154007", "O+": "278147001", "O-": "278148006",
})


@dataclass
class Person:
    name: str = ""
    link: str = ""  # «ma fille», «mon voisin»…
    phone: str = ""
    email: str = ""  # the trusted person's, optional: their notice of an emergency access goes there

    @property
    def is_set(self) -> bool:
        return bool(self.name)


@dataclass
class CardChoices:
    """« Ma carte d’urgence »: what the patient chose to print on it (domain/emergency_card.py)."""

    facts: list[str] = field(default_factory=list)  # CardFact values; [] until the patient chose
    # where the directives anticipées are, as the patient wrote it; "" says « dans mon DMP »
    directives_place: str = ""


@dataclass
class Wishes:
    trusted_person: Person = field(default_factory=Person)  # personne de confiance
    emergency_contact: Person = field(default_factory=Person)  # personne à prévenir en cas d'urgence
    emergency_contact_is_trusted_person: bool = False
    # «Prévenir ma personne de confiance quand on ouvre mon DMP en urgence» (services/notices.py)
    tell_trusted_person_of_emergencies: bool = False
    advance_directives: str = ""  # directives anticipées, typed (a file is a document of that type)
    organ_donation: str = "unsaid"
    blood_group: str = "unknown"
    allergies: str = ""
    current_treatments: str = ""  # written for the emergency card, short, as the patient says it
    card: CardChoices = field(default_factory=CardChoices)

    def contact_to_call(self) -> Person:
        return self.trusted_person if self.emergency_contact_is_trusted_person else self.emergency_contact

    def stated(self, item: WishItem) -> bool:
        """Has the patient said something for this item? (Nothing to show, nothing to journal.)"""
        return {
            WishItem.TRUSTED_PERSON: self.trusted_person.is_set,
            WishItem.EMERGENCY_CONTACT: self.contact_to_call().is_set,
            WishItem.ADVANCE_DIRECTIVES: bool(self.advance_directives),
            WishItem.ORGAN_DONATION: self.organ_donation != "unsaid",
            WishItem.HEALTH_FACTS: self.blood_group != "unknown" or bool(self.allergies),
        }[WishItem(item)]
