"""Import the public extract of the national directory of health professionals (RPPS): every
line, or none if one is wrong.

The extract (« PS_LibreAcces_Personne_activite ») is a text file in UTF-8 with one line per
activity, columns separated by « | » and named on the first line; it has dozens of columns,
of which we read a few by name. The file is read twice, line by line, so a file of any size
needs the memory of one batch: first every line is checked (any problem refuses the whole file,
each problem with its line number), then the professionals are written by batches, one write per
shard, besides the set of RPPS numbers read (about 100 bytes each). A professional with several
activities keeps the first one. Importing the same file again changes nothing.

No activation link is sent from the extract: its only e-mail is the place of practice's, which
many people read. The operator sends each new professional their own link, at an address they
checked (`send-activation`).
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator

from ..domain.actors import FEMALE, MALE, UNKNOWN_SEX, Profession, Professional, rpps_is_valid
from ..domain.rpps import OCCUPATIONAL_SPECIALTY, PROFESSION_CODES, person_name, place_name, plain_label, specialty_of

RPPS = "Identifiant PP"
ID_TYPE = "Type d'identifiant PP"  # 8: RPPS; 0: ADELI (older numbers, not ours)
LAST_NAME = "Nom d'exercice"
FIRST_NAME = "Prénom d'exercice"
PROFESSION_CODE = "Code profession"
PROFESSION_LABEL = "Libellé profession"
SPECIALTY_LABEL = "Libellé savoir-faire"
SITE = "Raison sociale site"
SIGN = "Enseigne commerciale site"
TOWN = "Libellé commune (coord. structure)"
CIVILITY = "Code civilité"  # M or MME (MLLE in old lines): the words of the pages agree with it
REQUIRED_COLUMNS = (RPPS, LAST_NAME, FIRST_NAME, PROFESSION_CODE, PROFESSION_LABEL, SPECIALTY_LABEL, SITE, TOWN)
OPTIONAL_COLUMNS = (ID_TYPE, SIGN, CIVILITY)
MAX_FIELD = 200  # longer than any name or place in the extract: a longer one is a broken line
ID_TYPES = {"8": "rpps", "0": "adeli"}
CIVILITIES = {"M": MALE, "MME": FEMALE, "MLLE": FEMALE, "": UNKNOWN_SEX}
BATCH = 20_000
MAX_PROBLEMS_LISTED = 200


class DirectoryImportRefused(ValueError):
    """The file was refused and nothing was imported; problems says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the directory file")
        self.problems = problems


@dataclass
class DirectoryLine:
    number: int
    rpps: str
    id_type: str
    name: str
    profession_code: str
    profession_label: str
    specialty_label: str
    workplace: str
    sex: str = UNKNOWN_SEX


@dataclass
class DirectoryImport:
    """What an import did; `lines()` says it in French for the operator."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    other_activities: int = 0  # more lines for a professional already read
    adeli_lines: int = 0
    unknown_professions: Counter = field(default_factory=Counter)  # (code, label) -> lines
    unknown_specialties: Counter = field(default_factory=Counter)  # label -> lines
    occupational: int = 0
    absent: list[str] = field(default_factory=list)  # in the directory, not (or no longer) in the file

    def lines(self) -> list[str]:
        out = [f"{self.added} professionnel(s) ajouté(s), {self.updated} mis à jour, "
               f"{self.unchanged} sans changement."]
        if self.other_activities:
            out.append(f"{self.other_activities} ligne(s) d’une autre activité d’un professionnel déjà lu : "
                       "la première activité est gardée.")
        if self.adeli_lines:
            out.append(f"{self.adeli_lines} ligne(s) avec un numéro ADELI et non RPPS : non importées.")
        for (code, label), count in sorted(self.unknown_professions.items()):
            out.append(f"Profession non reprise dans le DMP : {code} « {label} » ({count} ligne(s)), non importée.")
        for label, count in sorted(self.unknown_specialties.items()):
            out.append(f"Spécialité de médecin inconnue : « {label or 'aucune'} » ({count} ligne(s)), "
                       "non importée.")
        if self.occupational:
            out.append(f"{self.occupational} médecin(s) du travail : jamais d’accès au DMP, non importé(s).")
        if self.added:
            out.append("Envoyez à chaque nouveau professionnel son lien d’activation, à une adresse vérifiée "
                       "avec lui : flask --app app send-activation RPPS --email ADRESSE")
        if self.absent:
            shown = ", ".join(self.absent[:20]) + (" …" if len(self.absent) > 20 else "")
            out.append(f"{len(self.absent)} professionnel(s) de l’annuaire absent(s) de ce fichier ou plus "
                       f"importable(s) : {shown}. S’ils n’exercent plus, retirez leur accès avec "
                       "flask --app app deactivate-actor RPPS")
        return out


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for every line, the header being line 1."""
    with path.open("rb") as raw:
        def decoded():
            for number, data in enumerate(raw, start=1):
                try:
                    yield data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise DirectoryImportRefused(
                        [f"ligne {number} : le fichier doit être enregistré en UTF-8"]) from None

        reader = csv.reader(decoded(), delimiter="|", quoting=csv.QUOTE_NONE, strict=True)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as error:
            raise DirectoryImportRefused([f"ligne {reader.line_num} : ligne illisible ({error})"]) from None


def _header(row: list[str]) -> dict[str, int]:
    names = [name.strip() for name in row]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        quoted = ", ".join(f"« {name} »" for name in missing)
        raise DirectoryImportRefused([f"ligne 1 : il manque {'la colonne' if len(missing) == 1 else 'les colonnes'} "
                                      f"{quoted} (est-ce bien l’extraction RPPS, séparée par « | » ?)"])
    return {name: names.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in names}


def _line(number: int, row: list[str], columns: dict[str, int], width: int) -> DirectoryLine:
    """One checked line; ValueError with the French problem otherwise."""
    if len(row) != width:
        raise ValueError(f"ligne {number} : {len(row)} colonnes au lieu de {width}")
    get = {name: row[index].strip() for name, index in columns.items()}
    id_type = ID_TYPES.get(get.get(ID_TYPE, "8") or "8")
    if id_type is None:
        raise ValueError(f"ligne {number} : le type d’identifiant « {get[ID_TYPE]} » est inconnu (8 ou 0)")
    if id_type == "rpps" and not rpps_is_valid(get[RPPS]):
        raise ValueError(f"ligne {number} : le numéro RPPS « {get[RPPS]} » n’est pas valide "
                         "(11 chiffres, dont une clé de contrôle)")
    for name, value in get.items():
        if len(value) > MAX_FIELD or not value.isprintable():
            raise ValueError(f"ligne {number} : la colonne « {name} » est trop longue ou a des caractères de contrôle")
    for name, what in ((LAST_NAME, "le nom"), (FIRST_NAME, "le prénom")):
        if not get[name]:
            raise ValueError(f"ligne {number} : {what} est vide")
    sex = CIVILITIES.get(get.get(CIVILITY, "").upper().rstrip("."))
    if sex is None:
        raise ValueError(f"ligne {number} : la civilité « {get[CIVILITY]} » est inconnue (M, MME ou vide)")
    if not get[PROFESSION_CODE].isdigit():
        raise ValueError(f"ligne {number} : le code de profession « {get[PROFESSION_CODE]} » n’est pas un nombre")
    profession = PROFESSION_CODES.get(get[PROFESSION_CODE])
    return DirectoryLine(
        number=number, rpps=get[RPPS], id_type=id_type,
        name=person_name(get[FIRST_NAME], get[LAST_NAME], is_doctor=profession is Profession.MEDECIN),
        profession_code=get[PROFESSION_CODE], profession_label=get[PROFESSION_LABEL],
        specialty_label=get[SPECIALTY_LABEL], workplace=place_name(get[SITE] or get.get(SIGN, ""), get[TOWN]), sex=sex,
    )


def _lines(path: Path) -> Iterator[DirectoryLine | str]:
    """Every line after the header: a DirectoryLine, or its problem as a French sentence."""
    rows = _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise DirectoryImportRefused(["ligne 1 : le fichier est vide"]) from None
    columns = _header(header)
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # a blank line, at the end of the file most often
        try:
            yield _line(number, row, columns, len(header))
        except ValueError as problem:
            yield str(problem)


def count_lines(path: Path) -> int:
    """How many lines of professionals the file has (for the progress bar)."""
    with path.open("rb") as raw:
        return max(0, sum(1 for _ in raw) - 1)


def check_directory_file(path: Path, progress: Callable[[int], None] = lambda n: None) -> int:
    """First pass: check every line. Raises DirectoryImportRefused with every problem."""
    problems, count = [], 0
    for item in _lines(path):
        count += 1
        progress(1)
        if isinstance(item, str):
            problems.append(item)
    if problems:
        listed = problems[:MAX_PROBLEMS_LISTED]
        if len(problems) > len(listed):
            listed.append(f"… et {len(problems) - len(listed)} autre(s) problème(s).")
        raise DirectoryImportRefused(listed)
    return count


def _professional(line: DirectoryLine, summary: DirectoryImport) -> Professional | None:
    profession = PROFESSION_CODES.get(line.profession_code)
    if profession is None:
        summary.unknown_professions[(line.profession_code, line.profession_label)] += 1
        return None
    specialty = ""
    if profession is Profession.MEDECIN:
        if plain_label(line.specialty_label) == OCCUPATIONAL_SPECIALTY:
            summary.occupational += 1
            return None
        specialty = specialty_of(line.specialty_label)
        if specialty is None:
            summary.unknown_specialties[line.specialty_label] += 1
            return None
    return Professional(line.rpps, line.name, profession, specialty, workplace=line.workplace, sex=line.sex)


def import_directory(path: Path, directory, progress: Callable[[int], None] = lambda n: None) -> DirectoryImport:
    """Second pass (after check_directory_file): write the professionals, batch by batch; then
    list the directory's professionals that the file no longer holds."""
    summary = DirectoryImport()
    seen: set[str] = set()  # the RPPS numbers imported from this file
    batch: list[Professional] = []

    def flush():
        outcomes = Counter(directory.put_professionals(batch).values())
        summary.added += outcomes["added"]
        summary.updated += outcomes["updated"]
        summary.unchanged += outcomes["unchanged"]
        batch.clear()

    for line in _lines(path):
        progress(1)
        if isinstance(line, str):  # the file changed since it was checked
            raise DirectoryImportRefused([line])
        if line.id_type == "adeli":
            summary.adeli_lines += 1
            continue
        if line.rpps in seen:
            summary.other_activities += 1
            continue
        professional = _professional(line, summary)
        if professional is None:
            continue
        seen.add(line.rpps)
        batch.append(professional)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    summary.absent = sorted(rpps for rpps in directory.professional_ids() if rpps not in seen)
    return summary
