"""The register of insured persons: the Assurance Maladie's data identities are checked against."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .identity import MATRICULE_KINDS, Ins, compute_ins_c

VITALE_TYPES = ("with_photo", "without_photo")
AGE_OF_MAJORITY = 18  # before it, a legal representative acts for the person (Code civil, art. 388)


@dataclass(frozen=True)
class PostalAddress:
    street: str
    postal_code: str
    city: str
    complement: str = ""

    def lines(self) -> list[str]:
        return [line for line in (self.street, self.complement, f"{self.postal_code} {self.city}") if line]


@dataclass(frozen=True)
class InsuredPerson:
    nir: str
    birth_name: str
    first_names: str
    sex: str  # "F" or "M", as on the Vitale card
    birth_date: date
    birth_place: str
    vitale_serial: str
    vitale_type: str  # one of VITALE_TYPES
    address: PostalAddress
    usage_name: str = ""
    email: str = ""
    birth_place_code: str = ""  # INSEE code of the birth place (5 characters); "" in a register of before
    matricule_kind: str = "NIR"  # "NIA" for someone who has no NIR yet: `nir` then holds the NIA

    @property
    def ins(self) -> Ins:
        """The person's INS: the matricule (the number the register knows them by) and its 5 traits."""
        return Ins(matricule=self.nir, oid=MATRICULE_KINDS[self.matricule_kind], birth_name=self.birth_name,
                   first_birth_names=self.first_names, birth_date=self.birth_date, sex=self.sex,
                   birth_place_code=self.birth_place_code)

    @property
    def family_name(self) -> str:
        """The name the person goes by: the usage name (a spouse's name, say), else the birth name."""
        return self.usage_name or self.birth_name

    @property
    def full_name(self) -> str:
        """Every given name and the family name, as on letters: « Jeanne Marie MARTIN »."""
        return f"{self.first_names} {self.family_name}"

    @property
    def short_name(self) -> str:
        """The first given name and the family name, as pages greet the person: « Jeanne MARTIN »."""
        return f"{self.first_names.split()[0]} {self.family_name}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def is_minor_on(self, day: date) -> bool:
        return self.age_on(day) < AGE_OF_MAJORITY


def dossier_identity(person: InsuredPerson) -> dict[str, str]:
    """What identifies a new dossier of this person: the NIR it is kept by, the INS-C, the INS."""
    ins = person.ins
    return {"holder_nir": person.nir, "ins_c": compute_ins_c(person.nir, person.first_names, person.birth_date),
            "ins": ins.matricule, "ins_oid": ins.oid}
