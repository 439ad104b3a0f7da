"""Import the register of insured persons from the Assurance Maladie's CSV file: all rows or none.

Every row is checked before anything is written, and every problem is reported with its line
number (the header is line 1), in French, for the operator who has to fix the file (the first
100, and how many in all). The file is read as it comes, twice (check, then write), never whole.
"""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Protocol
from collections.abc import Callable, Iterable, Iterator

from ..domain.identity import MATRICULE_KINDS, birth_place_code_is_valid
from ..domain.register import VITALE_TYPES, InsuredPerson, PostalAddress
from .csv_rows import FieldRefused as _Refused
from .csv_rows import Problems, RowCheck, SpillBuckets, csv_rows, decode_utf8, past_day
from .csv_rows import nir as _nir

COLUMNS = (
    "nir",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "sexe",
    "date_naissance",
    "lieu_naissance",
    "code_lieu_naissance",
    "type_matricule",
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

_VITALE_SERIAL = re.compile(r"[0-9]{16}")
_POSTAL_CODE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")  # Corsica: 2A (Corse-du-Sud), 2B (Haute-Corse)


class RegisterImportRefused(ValueError):
    """The file was refused and nothing was imported; problems says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the register file")
        self.problems = problems


class Register(Protocol):
    def get(self, nir: str) -> InsuredPerson | None: ...

    def put_many(self, people: list[InsuredPerson]) -> None: ...


def decode_register_file(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark."""
    return decode_utf8(data, RegisterImportRefused)


def read_people(lines: Iterable[str], today: date, problems: Problems) -> Iterator[tuple[int, InsuredPerson]]:
    """The people of a file as they come, with their line numbers; each wrong row goes to
    `problems` (then no row may be used). A NIR given twice is found by `check_register`."""
    for number, values in csv_rows(lines, COLUMNS, problems):
        person, row_problems = _read_row(values, today)
        for problem in row_problems:
            problems.add(f"ligne {number} : {problem}")
        if person is not None:
            yield number, person


def _doubled_nirs(numbered: Iterable[tuple[int, str]], spill_folder: Path,
                  file_bytes: int = 0) -> list[tuple[int, int]]:
    """(line, first line) of each NIR met again, in line order: one bucket of NIRs at a time."""
    with SpillBuckets(spill_folder, file_bytes // 5) as spill:  # a NIR and a line: a fifth of a row
        for number, nir in numbered:
            spill.add(nir, [number, nir])
        doubled = []
        for bucket in spill.groups():
            first_line: dict[str, int] = {}
            for number, nir in sorted(bucket):
                if nir in first_line:
                    doubled.append((number, first_line[nir]))
                else:
                    first_line[nir] = number
    return sorted(doubled)


def _doubled(number: int, first: int) -> str:
    return f"ligne {number} : le NIR est déjà à la ligne {first}"


def check_register(lines: Iterable[str], today: date, spill_folder: Path,
                   file_bytes: int = 0) -> tuple[int, Problems]:
    """The first pass: how many people the file holds, and its problems (none: it may be written)."""
    problems, count = Problems(), [0]

    def numbered():
        for number, person in read_people(lines, today, problems):
            count[0] += 1
            yield number, person.nir

    for number, first in _doubled_nirs(numbered(), spill_folder, file_bytes):
        problems.add(_doubled(number, first))
    if not count[0] and not problems:
        problems.add("ligne 2 : le fichier ne contient aucune personne")
    return count[0], problems


def parse_register_csv(text: str, today: date, spill_folder: Path | None = None
                       ) -> tuple[list[InsuredPerson], list[str]]:
    """A small file's people and its problems, in file order (for tests and short files)."""
    import tempfile

    problems = Problems()
    people = list(read_people(io.StringIO(text, newline=""), today, problems))
    with tempfile.TemporaryDirectory() as folder:
        doubled = dict(_doubled_nirs(((n, p.nir) for n, p in people), spill_folder or Path(folder)))
    for number, first in doubled.items():
        problems.add(_doubled(number, first))
    if not people and not problems:
        problems.add("ligne 2 : le fichier ne contient aucune personne")
    ordered = sorted(problems.first, key=_line_number)
    return [p for n, p in people if n not in doubled], ordered


def _line_number(problem: str) -> int:
    return int(problem.split(" ")[1]) if problem.startswith("ligne ") else 0


BATCH = 5_000  # people written together: each shard of the register is written once a batch


def import_register(open_lines: Callable[[], Iterable[str]], register: Register, today: date,
                    spill_folder: Path, file_bytes: int = 0) -> int:
    """Put every person of the file in the register, or raise RegisterImportRefused and put none.

    open_lines() gives the file's lines, once for the check, once for the writing: nothing of
    the file is held whole. Unchanged people are not written again, so a second import of the
    same file writes nothing at all. The writing pass checks each batch again before writing it:
    a file changed between the passes (still being copied) stops the import there, and says so."""
    count, problems = check_register(open_lines(), today, spill_folder, file_bytes)
    if problems:
        raise RegisterImportRefused(problems.report())
    again, batch, written = Problems(), [], 0
    for _, person in read_people(open_lines(), today, again):
        if again:
            break
        batch.append(person)
        if len(batch) >= BATCH:
            register.put_many(batch)
            written, batch = written + len(batch), []
    if again or written + len(batch) != count:
        raise RegisterImportRefused([f"Le fichier a changé pendant l’import : {written} personnes écrites sur "
                                     f"{count}. Attendez que le fichier soit complet, puis recommencez l’import.",
                                     *again.report()])
    if batch:
        register.put_many(batch)
    return count


def _read_row(values: dict[str, str], today: date) -> tuple[InsuredPerson | None, list[str]]:
    """The person the row describes, or None and every problem of the row."""
    check = RowCheck()
    problems = check.problems
    nir = check(_nir, values["nir"])
    birth_name = check(_required, values, "nom_naissance")
    first_names = check(_required, values, "prenoms")
    sex = check(_sex, values["sexe"])
    birth_date = check(_birth_date, values["date_naissance"], today)
    birth_place = check(_required, values, "lieu_naissance")
    birth_place_code = check(_birth_place_code, values["code_lieu_naissance"])
    matricule_kind = check(_matricule_kind, values["type_matricule"])
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
            birth_place_code=birth_place_code,
            matricule_kind=matricule_kind,
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
    born = past_day(raw, today, "la date de naissance")
    if born.year < OLDEST_BIRTH_YEAR:
        raise _Refused(f"la date de naissance est avant {OLDEST_BIRTH_YEAR}")
    return born


def _birth_place_code(raw: str) -> str:
    code = raw.upper()
    if not code:
        raise _Refused("le code INSEE du lieu de naissance est vide")
    if not birth_place_code_is_valid(code):
        raise _Refused("le code INSEE du lieu de naissance doit avoir 5 chiffres "
                       "(ou 2A ou 2B et 3 chiffres en Corse, 99 et 3 chiffres à l'étranger)")
    return code


def _matricule_kind(raw: str) -> str:
    """NIR, or NIA for someone who has no NIR yet (then the « nir » column holds the NIA); empty: NIR."""
    kind = raw.upper() or "NIR"
    if kind not in MATRICULE_KINDS:
        raise _Refused("le type de matricule doit être NIR ou NIA (ou vide pour NIR)")
    return kind


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
