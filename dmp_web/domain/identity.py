"""Identity numbers: the NIR (social security number) and its control key, the INS, the INS-C."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

NIR_LENGTH = 15
NIR_BODY_LENGTH = 13  # without the 2-digit key
# The INS (Identité Nationale de Santé): its matricule is the person's NIR, or for someone who has
# none yet a NIA (numéro d'identification d'attente, same form); each kind has its OID.
INS_NIR_OID = "1.2.250.1.213.1.4.8"
INS_NIA_OID = "1.2.250.1.213.1.4.9"
MATRICULE_KINDS = {"NIR": INS_NIR_OID, "NIA": INS_NIA_OID}
# The INSEE code of the birth place: 5 characters, digits, or 2A/2B then 3 digits for Corsica
# (99 then 3 digits for a country abroad).
_BIRTH_PLACE_CODE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
_CORSICA = {"2A": "19", "2B": "18"}  # the control key counts Corsica's letters as these digits
_TYPED_SEPARATORS = re.compile(r"[\s\u00a0\u202f]+")


class InvalidNir(ValueError):
    """Why a typed NIR is refused: 'empty', 'length', 'characters', 'first_digit' or 'key'."""

    def __init__(self, code: str, length: int = 0):
        super().__init__(code)
        self.code = code
        self.length = length


def nir_key(first_13: str) -> int:
    """The 2-digit control key: 97 minus the 13-character number modulo 97."""
    digits = first_13[:5] + _CORSICA.get(first_13[5:7], first_13[5:7]) + first_13[7:]
    return 97 - int(digits) % 97


def normalize_nir(typed: str) -> str:
    """Check a typed NIR (spaces allowed) and return its 15 characters, or raise InvalidNir."""
    nir = _TYPED_SEPARATORS.sub("", typed or "").upper()
    if not nir:
        raise InvalidNir("empty")
    body = nir[:5] + nir[7:] if nir[5:7] in _CORSICA else nir
    if not body.isdigit() or not nir[:5].isdigit() or not nir.isascii():
        raise InvalidNir("characters", len(nir))
    if len(nir) != NIR_LENGTH:
        raise InvalidNir("length", len(nir))
    if nir[0] not in "12378":  # 1 or 2 for the sex; 3, 7, 8 for temporary numbers
        raise InvalidNir("first_digit", len(nir))
    if int(nir[13:]) != nir_key(nir[:13]):
        raise InvalidNir("key", len(nir))
    return nir


def normalize_matricule(typed: str) -> str:
    """A typed INS matricule (a NIR or a NIA): its 15 characters, or raise InvalidNir.

    The 13 characters without the key are taken too: the key is added (the birth date, asked
    always beside, keeps a mistyped number from finding anyone)."""
    matricule = _TYPED_SEPARATORS.sub("", typed or "").upper()
    if len(matricule) == NIR_BODY_LENGTH:
        body = matricule[:5] + matricule[7:] if matricule[5:7] in _CORSICA else matricule
        if body.isdigit() and matricule.isascii():
            matricule += f"{nir_key(matricule):02d}"
    return normalize_nir(matricule)


def matricule_kind_of(oid: str) -> str:
    """« NIR » or « NIA »: the kind of matricule this OID names."""
    return "NIA" if oid == INS_NIA_OID else "NIR"


def birth_place_code_is_valid(code: str) -> bool:
    return bool(_BIRTH_PLACE_CODE.fullmatch(code or ""))


@dataclass(frozen=True)
class Ins:
    """A person's INS: the matricule and its OID, and the 5 traits that go with it (Référentiel INS)."""

    matricule: str
    oid: str
    birth_name: str
    first_birth_names: str  # the given names at birth, in order
    birth_date: date
    sex: str  # "F" or "M"
    birth_place_code: str  # INSEE code, 5 characters

    @property
    def kind(self) -> str:
        """« NIR » or « NIA »."""
        return matricule_kind_of(self.oid)


def compute_ins_c(nir: str, first_name: str, birth_date) -> str:
    """The INS-C: a number computed from identity data, used only for health data.

    Ours is 20 digits derived by SHA-256 from the first given name, the birth date and the NIR,
    plus a 2-digit key (97 - number mod 97) that catches a mistyped digit.
    """
    name = unicodedata.normalize("NFKD", first_name.split()[0]).encode("ascii", "ignore").decode().upper()
    seed = f"{name}|{birth_date.isoformat()}|{nir}".encode()
    number = int.from_bytes(hashlib.sha256(seed).digest()[:9], "big") % 10**20
    body = f"{number:020d}"
    return body + f"{97 - int(body) % 97:02d}"


def ins_c_is_valid(ins_c: str) -> bool:
    digits = re.sub(r"\s", "", ins_c or "")
    return len(digits) == 22 and digits.isdigit() and int(digits[20:]) == 97 - int(digits[:20]) % 97
