"""« Ma carte d’urgence »: a card of the size of a bank card, for the wallet, that a doctor or
the SAMU reads when the patient cannot speak.

The patient ticks what it prints among a closed list (CardFact), from the wishes they wrote
(domain/wishes.py), and the card is those facts, in that list's order, as plain lines: the
front of the printed card and, word for word, the text its QR code holds (pdf/card.py). A fact
ticked with nothing to say is refused with a sentence that says what to do: an emergency card
never prints « je ne sais pas ». Pure: the pages, the PDF and the tests read the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..formatting import date_fr, group_code, nir_spaced
from .dossier import Dossier
from .register import InsuredPerson
from .wishes import CardChoices, Wishes


class CardFact(str, Enum):
    """What the card may print, in the order it prints them."""

    BLOOD_GROUP = "blood_group"
    ALLERGIES = "allergies"
    TREATMENTS = "treatments"
    EMERGENCY_CONTACT = "emergency_contact"
    ADVANCE_DIRECTIVES = "advance_directives"
    HEALTH_ID = "health_id"


# The boxes the patient ticks («Ce que ma carte montre»).
FACT_CHOICES = {
    CardFact.BLOOD_GROUP: "Mon groupe sanguin",
    CardFact.ALLERGIES: "Mes allergies",
    CardFact.TREATMENTS: "Mes traitements en cours",
    CardFact.EMERGENCY_CONTACT: "La personne à prévenir et son téléphone",
    CardFact.ADVANCE_DIRECTIVES: "L’endroit où sont mes directives anticipées",
    CardFact.HEALTH_ID: "Mon numéro de santé",  # its label on the card: health_identifier
}

TITLE = "Carte d’urgence"
TREATMENTS_MAX = 200  # characters: a card is small, and a doctor checks the treatments anyway
PLACE_MAX = 80
IN_THE_DMP = "dans mon DMP"
MIN_POINTS = 9  # the smallest type the card may print; pdf/card.py picks the largest that fits

# What a refusal says, by the form field it is about (the pages show it next to that field).
NOTHING_TICKED = "Cochez au moins 1 information à mettre sur votre carte"
TOO_FULL = ("Votre carte est trop pleine. Enlevez une information, ou écrivez moins de mots "
            "pour vos traitements ou vos allergies")
_MISSING = {
    CardFact.BLOOD_GROUP: ("Vous n’avez pas écrit votre groupe sanguin. Écrivez-le dans « Volontés et droits », "
                           "ou ne cochez pas cette case"),
    CardFact.ALLERGIES: ("Vous n’avez pas écrit vos allergies. Écrivez-les dans « Volontés et droits », "
                         "ou ne cochez pas cette case"),
    CardFact.EMERGENCY_CONTACT: ("Vous n’avez pas de personne à prévenir. Choisissez-la dans « Volontés et droits », "
                                 "ou ne cochez pas cette case"),
}
TREATMENTS_MISSING = "Écrivez vos traitements en cours, ou ne cochez pas la case des traitements"
PLACE_MISSING = "Écrivez où sont vos directives anticipées"


def treatments_too_long(length: int) -> str:
    return f"Écrivez vos traitements en {TREATMENTS_MAX} caractères au plus. Vous en avez écrit {length}"


def place_too_long(length: int) -> str:
    return f"Écrivez cet endroit en {PLACE_MAX} caractères au plus. Vous en avez écrit {length}"


@dataclass(frozen=True)
class CardLine:
    label: str
    value: str

    @property
    def text(self) -> str:
        return f"{self.label} : {self.value}"


def health_identifier(dossier: Dossier) -> CardLine:
    """The health identifier the card prints, and its label: the INS the dossier holds (the one
    professionals' software reads), or the INS-C of a dossier the INS has not reached yet."""
    if dossier.ins:
        return CardLine("INS (identifiant national de santé)", nir_spaced(dossier.ins))
    return CardLine("INS-C (numéro de santé calculé)", group_code(dossier.ins_c))


def blood_group_words(group: str) -> str:
    """« A+ (positif) », « O− (négatif) »: the sign and the word, so that neither is misread."""
    sign = group[-1]
    return f"{group[:-1]}{'+' if sign == '+' else '−'} ({'positif' if sign == '+' else 'négatif'})"


def _contact(wishes: Wishes) -> str:
    person = wishes.contact_to_call()
    named = f"{person.name} ({person.link})" if person.link else person.name
    return f"{named}, {group_code(person.phone, 2)}" if person.phone else named


def _has(fact: CardFact, wishes: Wishes) -> bool:
    """Does the patient's record hold something to print for this fact?"""
    return {
        CardFact.BLOOD_GROUP: wishes.blood_group != "unknown",
        CardFact.ALLERGIES: bool(wishes.allergies.strip()),
        CardFact.EMERGENCY_CONTACT: wishes.contact_to_call().is_set,
    }.get(fact, True)


def problems(choices: CardChoices, treatments: str, wishes: Wishes, *, directives_elsewhere: bool
             ) -> dict[str, str]:
    """What stops these choices from making a card, as a French sentence by form field ("facts",
    "treatments", "directives_place"); {} when the card can be made. `treatments` is the text
    written on the card's page, `directives_elsewhere` the answer « à un autre endroit »."""
    found: dict[str, str] = {}
    facts = [CardFact(f) for f in choices.facts]
    treatments, place = treatments.strip(), choices.directives_place.strip()
    if len(treatments) > TREATMENTS_MAX:
        found["treatments"] = treatments_too_long(len(treatments))
    elif CardFact.TREATMENTS in facts and not treatments:
        found["treatments"] = TREATMENTS_MISSING
    if len(place) > PLACE_MAX:
        found["directives_place"] = place_too_long(len(place))
    elif CardFact.ADVANCE_DIRECTIVES in facts and directives_elsewhere and not place:
        found["directives_place"] = PLACE_MISSING
    if not facts:
        found["facts"] = NOTHING_TICKED
    else:
        missing = [f for f in CardFact if f in facts and not _has(f, wishes)]
        if missing:
            found["facts"] = _MISSING[missing[0]]
    return found


@dataclass(frozen=True)
class Card:
    """The card as it prints: its front, then the date it was made (on its back)."""

    name: str
    birth_date: str  # in French words
    lines: tuple[CardLine, ...]
    made_on: str  # in French words

    @property
    def front(self) -> list[str]:
        return [TITLE, self.name, f"Date de naissance : {self.birth_date}", *(line.text for line in self.lines)]

    @property
    def made_line(self) -> str:
        return f"Carte faite le {self.made_on}."

    def text(self) -> str:
        """What the QR code holds: the front's lines and the date, plain, readable with no network."""
        return "\n".join([*self.front, self.made_line])


def line_of(fact: CardFact, wishes: Wishes, dossier: Dossier, choices: CardChoices | None = None) -> CardLine | None:
    """What the card prints for this fact, from these wishes (and the card's choices, the saved
    ones by default); None when they hold nothing to print for it."""
    choices = wishes.card if choices is None else choices
    if fact is CardFact.BLOOD_GROUP:
        return CardLine("Groupe sanguin", blood_group_words(wishes.blood_group)) if _has(fact, wishes) else None
    if fact is CardFact.ALLERGIES:
        return CardLine("Allergies", _one_line(wishes.allergies)) if _has(fact, wishes) else None
    if fact is CardFact.TREATMENTS:
        treatments = _one_line(wishes.current_treatments)
        return CardLine("Traitements", treatments) if treatments else None
    if fact is CardFact.EMERGENCY_CONTACT:
        return CardLine("À prévenir", _contact(wishes)) if _has(fact, wishes) else None
    if fact is CardFact.ADVANCE_DIRECTIVES:
        return CardLine("Directives anticipées", _one_line(choices.directives_place) or IN_THE_DMP)
    return health_identifier(dossier)


def card_of(wishes: Wishes, person: InsuredPerson, dossier: Dossier, made_on: date,
            choices: CardChoices | None = None) -> Card:
    """The card of these choices (the saved ones by default). Call it once `problems` found none:
    a fact with nothing to print is left out here, never printed empty."""
    choices = wishes.card if choices is None else choices
    chosen = {CardFact(f) for f in choices.facts}
    lines = tuple(line for fact in CardFact if fact in chosen
                  and (line := line_of(fact, wishes, dossier, choices)) is not None)
    return Card(person.full_name, date_fr(person.birth_date), lines, date_fr(made_on))


def _one_line(text: str) -> str:
    """A text typed on several lines, said on one: « pénicilline, arachides »."""
    return ", ".join(part.strip(" ,") for part in text.splitlines() if part.strip(" ,"))


def hints(wishes: Wishes, dossier: Dossier) -> dict[str, str]:
    """The sentence under each box of the card's page: what that box would print, as it stands."""
    said = {fact: line_of(fact, wishes, dossier) for fact in (CardFact.BLOOD_GROUP, CardFact.ALLERGIES,
                                                                 CardFact.EMERGENCY_CONTACT, CardFact.HEALTH_ID)}
    return {
        CardFact.BLOOD_GROUP.value: f"Vous avez écrit : {said[CardFact.BLOOD_GROUP].value}."
        if said[CardFact.BLOOD_GROUP] else "Vous ne l’avez pas encore écrit.",
        CardFact.ALLERGIES.value: f"Vous avez écrit : {said[CardFact.ALLERGIES].value}."
        if said[CardFact.ALLERGIES] else "Vous ne les avez pas encore écrites.",
        CardFact.TREATMENTS.value: "Écrivez-les plus bas, dans « Mes traitements en cours ».",
        CardFact.EMERGENCY_CONTACT.value: f"C’est {said[CardFact.EMERGENCY_CONTACT].value}."
        if said[CardFact.EMERGENCY_CONTACT] else "Vous ne l’avez pas encore choisie.",
        CardFact.ADVANCE_DIRECTIVES.value: "Dites plus bas où elles sont.",
        CardFact.HEALTH_ID.value: f"{said[CardFact.HEALTH_ID].text}.",
    }
