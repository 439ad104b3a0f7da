"""Jinja filters and globals: French dates and times, codes in groups, glossary explanations, who
sees each of the wishes, and words that agree with a person («de»/«d’», «Elle»/«Il», «bloquée»)."""
from __future__ import annotations

from ..domain.dossier import emergency_switches_in_words
from ..domain.falc import Term
from ..domain.habilitations import wish_readers_in_words
from ..formatting import author_words, date_fr, de, de_before, group_code, nir_spaced, time_fr
from ..texts.glossary import find_term, terms_in
from ..texts.guides import PICTOGRAMS


def glossary_term(name: str) -> Term:
    """The glossary entry a template explains; a name missing from content/glossary.yaml is a
    template bug, so it fails loudly instead of showing nothing."""
    term = find_term(name)
    if term is None:
        raise LookupError(f"«{name}» is not in content/glossary.yaml")
    return term


def pictogram_alt(name: str) -> str:
    """What a pictogram of static/pictos/ shows: its text alternative. An unknown name fails."""
    return PICTOGRAMS[name]


def wish_readers(item: str) -> str:
    """«Qui peut le voir» of one item of the wishes, from the table the policy reads."""
    words = wish_readers_in_words(item)
    return f"{words[0].upper()}{words[1:]} peuvent le voir."


def subject(person, neutral: str) -> str:
    """«Elle» or «Il» for a person whose sex is known, else a subject that needs none («Ce
    médecin»). The verb after it must not agree (a participle goes through `agreed`)."""
    return getattr(person, "pronoun", "") or neutral


def agreed(word: str, person) -> str:
    """A participle or adjective that agrees with the person: «bloquée» for a woman; the
    masculine when the sex is not known (French's unmarked form)."""
    return f"{word}e" if getattr(person, "sex", "") == "F" else word


def author_of(document, pro: bool = False, short: bool = False) -> str:
    """The author of a document in the reader's words («vous», «le patient», or the name kept)."""
    return author_words(document.author_kind, document.author_name, professional=pro, short=short)


def init_app(app) -> None:
    app.add_template_filter(date_fr)
    app.add_template_filter(time_fr)
    app.add_template_filter(group_code, "spaced")
    app.add_template_filter(nir_spaced)
    app.add_template_filter(de)
    app.add_template_filter(de_before)
    app.add_template_global(subject)
    app.add_template_global(agreed)
    app.add_template_global(author_of)
    app.add_template_global(glossary_term)
    app.add_template_global(pictogram_alt)
    app.add_template_global(wish_readers)
    app.add_template_global(emergency_switches_in_words)
    app.add_template_global(terms_in)
