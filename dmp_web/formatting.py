"""Dates, times, codes and «de» before a name written the French way, for pages, letters and messages alike."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def date_fr(value: date | datetime) -> str:
    """5 mars 2026; 1er mars 2026 (a datetime is shown on Paris time)."""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date() if value.tzinfo else value.date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def time_fr(value: datetime) -> str:
    """14 h 05, Paris time."""
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{local.hour} h {local.minute:02d}"


def group_code(code: str, size: int = 4) -> str:
    """RMGA DQEP 2KRG: a long code cut into groups, easier to read and copy."""
    code = "".join(code.split())
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


def nir_spaced(number: str) -> str:
    """A NIR (or an INS matricule) as the Vitale card prints it: 1 85 05 49 588 157 80."""
    n = "".join(number.split())
    return " ".join(part for part in (n[0:1], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:]) if part)


# «y» before a vowel sounds like a consonant («de Yann»), before a consonant like a vowel («d’Yves»).
_VOWELS = "aeiou"


def de(name: str) -> str:
    """«de Marie», «d’Antoine», «d’Hugo»: «de» before a name, with the elision French needs
    before a vowel or a mute h. Names with a sounded h (rare among first names) are not told
    apart: «d’» is the usual written form for them too."""
    return f"{de_before(name)}{name.strip()}"


def de_before(name: str) -> str:
    """Only the «de » or «d’» of `de`, for a name the page marks up on its own."""
    plain = unicodedata.normalize("NFKD", name.strip()).encode("ascii", "ignore").decode().casefold()
    first, second = plain[:1], plain[1:2]
    elided = bool(plain) and (first in _VOWELS or first == "h" or (first == "y" and second not in _VOWELS))
    return "d’" if elided else "de "


def author_words(kind: str, name: str, *, professional: bool = False, short: bool = False) -> str:
    """Who added a document, as the reader says it: the patient's own document is «vous» to the
    patient and «le patient» to a professional, never the journal's «le titulaire». `short`:
    the name without the job kept beside it («Dr Marie Durand», not «… (médecin, …)»)."""
    if kind == "holder":
        return "le patient" if professional else "vous"
    if kind == "carer" and not short:  # added by a carer the patient named (domain/carers.py)
        return f"{name}, {'aidant du patient' if professional else 'votre aidant'}"
    return name.split(" (", 1)[0] if short else name
