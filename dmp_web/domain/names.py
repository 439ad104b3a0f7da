"""A name a person typed (a carer's, named by the patient), written the way our words write names:
the first name, then the family name in capitals («Paul MARTIN»). Pure."""
from __future__ import annotations

from .rpps import _LOWER_PARTICLES as PARTICLES  # «de», «du», «le»…: part of the family name here


def _in_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _first_name(word: str) -> str:
    """«paul» or «PAUL» → «Paul», «jean-marc» → «Jean-Marc»; a mixed spelling is the person's own."""
    if not (word.islower() or word.isupper()):
        return word
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def written_name(typed: str) -> str:
    """«Paul MARTIN» from «Paul Martin», «paul martin», «PAUL MARTIN» or «MARTIN Paul».

    The family name is the last word with the particles before it («Marie DE LA FONTAINE»); a
    name typed family name first, in capitals, as forms ask it, is turned round. One word is a
    first name (or a name we cannot split): no capitals, as the rule says only after a first name."""
    words = typed.split()
    if len(words) < 2:
        return _first_name(words[0]) if words else ""
    if _in_capitals(words[0]) and not all(_in_capitals(w) for w in words):
        lead = 0
        while _in_capitals(words[lead]):
            lead += 1
        words = words[lead:] + words[:lead]
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join([_first_name(w) for w in words[:start]] + [w.upper() for w in words[start:]])
