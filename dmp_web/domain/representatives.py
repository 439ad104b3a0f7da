"""A minor's legal representatives: the parents or guardians who act for them until 18.

Each has their own account (identifier, password, codes), in a slot of the minor's dossier:
the first representative's is the dossier's first account (slot ""), as it always was; a
second one gets slot "r2". At 18 the representatives' access ends (services/coming_of_age.py)
and the young adult gets the first slot with a credential letter of their own.

Code de la santé publique, art. L1111-19 and R1111-51: the representatives hold the minor's
rights, and a document may be kept from them at the minor's request (the DMP's
INVISIBLE_REPRESENTANTS_LEGAUX: `Document.hidden_from_representatives`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_REPRESENTATIVES = 2  # two parents, or one guardian

FIRST_SLOT = ""  # the dossier's first account: the first representative's while the holder is a minor
SECOND_SLOT = "r2"
SLOTS = (FIRST_SLOT, SECOND_SLOT)

# The link with the minor: code -> the word the pages and the history print. «parent» and
# «guardian» were the only two before the history named the representatives: still read.
LINKS = {
    "mother": "mère",
    "father": "père",
    "tutrice": "tutrice",
    "tuteur": "tuteur",
    "parent": "parent",
    "guardian": "tuteur ou tutrice",
}
# «Vous êtes sa mère»: the banner of every page of the representative's space.
THEIR_LINK = {
    "mother": "sa mère",
    "father": "son père",
    "tutrice": "sa tutrice",
    "tuteur": "son tuteur",
    "parent": "son parent",
    "guardian": "son tuteur ou sa tutrice",
}
# What a desk agent chooses from (the two old codes are only read).
CHOSEN_LINKS = ("mother", "father", "tutrice", "tuteur")
FEMININE_LINKS = frozenset({"mother", "tutrice"})


@dataclass
class Representative:
    id: str  # "r1", "r2": the journal's actor id
    full_name: str
    link: str  # a key of LINKS
    slot: str = FIRST_SLOT  # their account's slot in the dossier
    added_at: datetime | None = None
    ended_at: datetime | None = None  # at 18: the access is over for good

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @property
    def link_word(self) -> str:
        return LINKS.get(self.link, "représentant légal")

    @property
    def their_link(self) -> str:
        return THEIR_LINK.get(self.link, "son représentant légal")

    @property
    def title(self) -> str:
        """«représentante légale» for a mother or a tutrice: what the pages call them."""
        return "représentante légale" if self.link in FEMININE_LINKS else "représentant légal"


def representative_id_of(slot: str) -> str:
    return "r1" if slot == FIRST_SLOT else slot


def named_by(representative: Representative, reader_is_holder: bool) -> str:
    """The representative at the start of a history sentence, for someone else than themselves:
    «Votre mère, Sophie Moreau» for the young person, «Sophie Moreau (mère)» for the other parent."""
    if reader_is_holder:
        return f"Votre {representative.link_word}, {representative.full_name},"
    return f"{representative.full_name} ({representative.link_word})"
