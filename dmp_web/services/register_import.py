"""Import the register of insured persons from the Assurance Maladie's CSV file: all rows or none.

Every row is checked before anything is written, and every problem is reported with its line
number (the header is line 1), in French, for the operator who has to fix the file.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Protocol

from ..domain.register import VITALE_TYPES, InsuredPerson, PostalAddress
from .csv_rows import FieldRefused as _Refused
from .csv_rows import decode_utf8, header_problems
from .csv_rows import nir as _nir

COLUMNS = (
    "nir",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "sexe",
    "date_naissance",
    "lieu_naissance",
    "carte_vitale_numero",
    "carte_vitale_type",
    "adresse",
    "complement_adresse",
    "code_postal",
    "ville",
    "email",
)
OLDEST_BIRTH_YEAR = 1900

_REQUIRED_TEXT = {
    "nom_naissance": "le nom de naissance est vide",
    "prenoms": "les prénoms sont vides",
    "lieu_naissance": "le lieu de naissance est vide",
    "adresse": "l'adresse est vide",
    "ville": "la ville est vide",
}
_VITALE_TYPES = {
    "avec photo": "with_photo",
    "sans photo": "without_photo",
    "with_photo": "with_photo",
    "without_photo": "without_photo",
}
assert set(_VITALE_TYPES.values()) == set(VITALE_TYPES)

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FRENCH_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_VITALE_SERIAL = re.compile(r"[0-9]{16}")
_POSTAL_CODE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")  # Corsica: 2A (Corse-du-Sud), 2B (Haute-Corse)


class RegisterImportRefused(ValueError):
    """The file was refused and nothing was imported; problems says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the register file")
        self.problems = problems


class Register(Protocol):
    def get(self, nir: str) -> InsuredPerson | None: ...

    def put(self, person: InsuredPerson) -> None: ...


def decode_register_file(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark."""
    return decode_utf8(data, RegisterImportRefused)


def parse_register_csv(text: str, today: date | None = None) -> tuple[list[InsuredPerson], list[str]]:
    """The people of the file and, if any row is wrong, the problems (then people must not be used)."""
    today = today or date.today()
    text = text.removeprefix("\ufeff")
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        return [], ["ligne 1 : il manque la ligne d'en-tête avec le nom des colonnes"]
    # The column names hold neither separator, so the header line tells which one the file uses.
    separator = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = [name.strip().lower() for name in next(reader)]
    problems = _header_problems(header)
    if problems:
        return [], problems

    people: list[InsuredPerson] = []
    line_of_nir: dict[str, int] = {}
    end_of_previous_row = reader.line_num
    while True:
        line = end_of_previous_row + 1  # a quoted field may span lines: a row starts after the last
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"ligne {line} : la ligne est mal écrite ({error})")
            break
        end_of_previous_row = reader.line_num
        if not any(field.strip() for field in fields):
            continue  # blank lines, such as one at the end of the file
        if len(fields) != len(header):
            problems.append(
                f"ligne {line} : la ligne a {len(fields)} colonnes au lieu de {len(header)}"
                f" (séparateur « {separator} »)"
            )
            continue
        values = {name: field.strip() for name, field in zip(header, fields)}
        person, row_problems = _read_row(values, today)
        problems.extend(f"ligne {line} : {problem}" for problem in row_problems)
        if person is None:
            continue
        if person.nir in line_of_nir:
            problems.append(f"ligne {line} : le NIR est déjà à la ligne {line_of_nir[person.nir]}")
            continue
        line_of_nir[person.nir] = line
        people.append(person)

    if not people and not problems:
        problems.append("ligne 2 : le fichier ne contient aucune personne")
    return people, problems


def import_register(text: str, register: Register, today: date | None = None) -> int:
    """Put every person of the file in the register, or raise RegisterImportRefused and put none."""
    people, problems = parse_register_csv(text, today)
    if problems:
        raise RegisterImportRefused(problems)
    for person in people:
        # Skipping unchanged people makes a second import of the same file write nothing at all.
        if register.get(person.nir) != person:
            register.put(person)
    return len(people)


def _header_problems(header: list[str]) -> list[str]:
    return header_problems(header, COLUMNS)


def _read_row(values: dict[str, str], today: date) -> tuple[InsuredPerson | None, list[str]]:
    """The person the row describes, or None and every problem of the row."""
    problems: list[str] = []

    def check(parse, *args):
        try:
            return parse(*args)
        except _Refused as refused:
            problems.append(str(refused))
            return None

    nir = check(_nir, values["nir"])
    birth_name = check(_required, values, "nom_naissance")
    first_names = check(_required, values, "prenoms")
    sex = check(_sex, values["sexe"])
    birth_date = check(_birth_date, values["date_naissance"], today)
    birth_place = check(_required, values, "lieu_naissance")
    vitale_serial = check(_vitale_serial, values["carte_vitale_numero"])
    vitale_type = check(_vitale_type, values["carte_vitale_type"])
    street = check(_required, values, "adresse")
    postal_code = check(_postal_code, values["code_postal"])
    city = check(_required, values, "ville")
    email = check(_email, values["email"])
    if problems:
        return None, problems
    return (
        InsuredPerson(
            nir=nir,
            birth_name=birth_name.upper(),  # as printed on the Vitale card
            first_names=first_names,
            sex=sex,
            birth_date=birth_date,
            birth_place=birth_place,
            vitale_serial=vitale_serial,
            vitale_type=vitale_type,
            address=PostalAddress(street, postal_code, city, values["complement_adresse"]),
            usage_name=values["nom_usage"],
            email=email,
        ),
        [],
    )


def _required(values: dict[str, str], column: str) -> str:
    if not values[column]:
        raise _Refused(_REQUIRED_TEXT[column])
    return values[column]


def _sex(raw: str) -> str:
    if raw.upper() not in ("F", "M"):
        raise _Refused("le sexe doit être F ou M")
    return raw.upper()


def _birth_date(raw: str, today: date) -> date:
    if match := _ISO_DATE.fullmatch(raw):
        year, month, day = match.groups()
    elif match := _FRENCH_DATE.fullmatch(raw):
        day, month, year = match.groups()
    else:
        raise _Refused("la date de naissance doit être écrite AAAA-MM-JJ ou JJ/MM/AAAA")
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        raise _Refused("la date de naissance n'existe pas dans le calendrier") from None
    if born > today:
        raise _Refused("la date de naissance est dans le futur")
    if born.year < OLDEST_BIRTH_YEAR:
        raise _Refused(f"la date de naissance est avant {OLDEST_BIRTH_YEAR}")
    return born


def _vitale_serial(raw: str) -> str:
    serial = "".join(raw.split())
    if not _VITALE_SERIAL.fullmatch(serial):
        raise _Refused("le numéro de carte Vitale doit avoir 16 chiffres")
    return serial


def _vitale_type(raw: str) -> str:
    vitale_type = _VITALE_TYPES.get(" ".join(raw.lower().split()))
    if vitale_type is None:
        raise _Refused("le type de carte Vitale doit être « avec photo » ou « sans photo »")
    return vitale_type


def _postal_code(raw: str) -> str:
    if not _POSTAL_CODE.fullmatch(raw.upper()):
        raise _Refused("le code postal doit avoir 5 chiffres (ou 2A ou 2B et 3 chiffres en Corse)")
    return raw.upper()


def _email(raw: str) -> str:
    if not raw:
        return ""
    local, _, domain = raw.partition("@")
    plausible = (
        raw.count("@") == 1
        and local
        and "." in domain
        and not domain.startswith(".")
        and not domain.endswith(".")
        and ".." not in domain
        and not any(char.isspace() for char in raw)
    )
    if not plausible:
        raise _Refused("l'adresse e-mail doit ressembler à nom@exemple.fr")
    return raw
