"""What the CSV imports share: UTF-8 decoding, the header check, the NIR check, French plurals.
Each problem is a French line for the operator, «ligne N : …»."""
from __future__ import annotations

from ..domain.identity import InvalidNir, normalize_nir

NIR_MESSAGES = {
    "empty": "le NIR est vide",
    "length": "le NIR doit avoir 15 caractères, il en a {length}",
    "characters": "le NIR ne doit avoir que des chiffres (et 2A ou 2B pour la Corse)",
    "first_digit": "le NIR doit commencer par 1, 2, 3, 7 ou 8",
    "key": "le NIR a une clé de contrôle fausse",
}


class FieldRefused(ValueError):
    """One field's value is wrong; the message is the French text for the operator."""


def decode_utf8(data: bytes, refused: type[Exception]) -> str:
    """The file's text: UTF-8, with or without a byte order mark; else `refused([problem])`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise refused([f"ligne {line} : le fichier doit être enregistré en UTF-8"]) from None


def plural(names: list[str], one: str, several: str) -> str:
    quoted = ", ".join(f"« {name} »" for name in names)
    return f"{one if len(names) == 1 else several} {quoted}"


def header_problems(header: list[str], columns: tuple[str, ...]) -> list[str]:
    problems = []
    missing = [name for name in columns if name not in header]
    unknown = [name for name in header if name not in columns]
    doubled = sorted({name for name in header if name in columns and header.count(name) > 1})
    if missing:
        problems.append(f"ligne 1 : il manque {plural(missing, 'la colonne', 'les colonnes')}")
    if unknown:
        problems.append(f"ligne 1 : {plural(unknown, 'colonne inconnue', 'colonnes inconnues')}")
    if doubled:
        problems.append(f"ligne 1 : {plural(doubled, 'cette colonne est', 'ces colonnes sont')} en double")
    return problems


def nir(raw: str) -> str:
    try:
        return normalize_nir(raw)
    except InvalidNir as error:
        raise FieldRefused(NIR_MESSAGES[error.code].format(length=error.length)) from None
