"""The glossary as the pages show it: the terms of content/glossary.yaml in alphabetical order."""
from __future__ import annotations

import unicodedata

from collections.abc import Iterable

from ..domain.falc import Glossary, Term, load_glossary, uses


def _sort_key(term: Term) -> str:
    # «écran» sorts with «e», and «carte Vitale» before «DMP», as in a dictionary
    return unicodedata.normalize("NFKD", term.term).encode("ascii", "ignore").decode().casefold()


def sorted_terms(glossary: Glossary | None = None) -> list[Term]:
    return sorted(load_glossary() if glossary is None else glossary, key=_sort_key)


def find_term(name: str, glossary: Glossary | None = None) -> Term | None:
    """The entry of a term, by any of its written forms («médecins traitants» finds «médecin traitant»)."""
    wanted = name.strip().casefold()
    for term in load_glossary() if glossary is None else glossary:
        if wanted in (form.casefold() for form in term.written_forms):
            return term
    return None


def terms_in(texts: Iterable[str], known: Iterable[str] = ()) -> list[Term]:
    """The glossary's terms these texts use (generated sentences, such as the history's lines),
    in the glossary's order, but those of `known` (explained on the page already)."""
    text = " ".join(texts)
    skip = {name.casefold() for name in known}
    return [term for term in load_glossary() if term.term.casefold() not in skip and uses(term, text)]
