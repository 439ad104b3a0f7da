"""What the patient states in «Mes informations / Volontés et droits»: people to call, wishes
on care and organ donation, blood group and allergies as the patient states them."""
from __future__ import annotations

from dataclasses import dataclass, field

ORGAN_DONATION = ("yes", "no", "unsaid")
BLOOD_GROUPS = ("A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "unknown")


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

    def contact_to_call(self) -> Person:
        return self.trusted_person if self.emergency_contact_is_trusted_person else self.emergency_contact
