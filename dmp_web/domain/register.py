"""The register of insured persons: the Assurance Maladie's data identities are checked against."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

VITALE_TYPES = ("with_photo", "without_photo")


@dataclass(frozen=True)
class PostalAddress:
    street: str
    postal_code: str
    city: str
    complement: str = ""

    def lines(self) -> list[str]:
        return [l for l in (self.street, self.complement, f"{self.postal_code} {self.city}") if l]


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

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday
