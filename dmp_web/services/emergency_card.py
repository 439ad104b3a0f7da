"""« Ma carte d’urgence »: the patient chooses what their wallet card prints, then downloads it.

Every read of the wishes for the card is one "export" decision of the access policy, journaled
(the card is the patient's own copy of their wishes, on paper: the patient's side only, never a
carer's nor a professional's): opening the card's page notes "emergency_card_read", the PDF
"emergency_card_pdf". Saving the choices is a "manage" decision, as every change of the wishes
(services/wishes.py): the choices and the treatments are part of the one sealed record.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..domain.access import Decision
from ..domain.dates import local_day
from ..domain.details import Change
from ..domain.dossier import Dossier
from ..domain.emergency_card import NOTHING_TICKED, TOO_FULL, Card, card_of, problems
from ..domain.register import InsuredPerson
from ..domain.wishes import CardChoices, Wishes
from ..pdf import card as card_pdf
from . import dossier_access
from .context import Context

PAGE_READ, PDF_MADE = "emergency_card_read", "emergency_card_pdf"  # notes of the "export" decision


@dataclass(frozen=True)
class CardPage:
    """What the card's page shows: the wishes it prints from, and the saved card (None until the
    patient chose) with what stops it from printing now ({} when nothing does)."""

    wishes: Wishes
    person: InsuredPerson
    card: Card | None
    problems: dict[str, str]


def _check(ctx: Context, wishes: Wishes, person: InsuredPerson, dossier: Dossier) -> tuple[Card, dict[str, str]]:
    """The card these wishes make with their choices, and what stops it, the fit on its face included."""
    card = card_of(wishes, person, dossier, local_day(ctx.now()))
    found = problems(wishes.card, wishes.current_treatments, wishes,
                     directives_elsewhere=bool(wishes.card.directives_place.strip()))
    if not found and card_pdf.front_size(card) is None:
        found = {"facts": TOO_FULL}
    return card, found


def read_page(ctx: Context, actor, dossier: Dossier) -> CardPage | None:
    """The card's page, read once the policy allowed it (journaled); None when it refused."""
    if not dossier_access.decide_and_journal(ctx, actor, "export", dossier, note=PAGE_READ).allowed:
        return None
    wishes = ctx.repos.wishes.get(dossier.id)
    person = ctx.register.get(dossier.holder_nir)
    if not wishes.card.facts:
        return CardPage(wishes, person, None, {})
    card, found = _check(ctx, wishes, person, dossier)
    return CardPage(wishes, person, card, found)


def check_choices(ctx: Context, page: CardPage, dossier: Dossier, choices: CardChoices, treatments: str, *,
                  directives_elsewhere: bool) -> dict[str, str]:
    """What stops these new choices (read on the page just read): {} when they make a card that fits."""
    found = problems(choices, treatments, page.wishes, directives_elsewhere=directives_elsewhere)
    if found:
        return found
    wanted = replace(page.wishes, card=choices, current_treatments=treatments.strip())
    return _check(ctx, wanted, page.person, dossier)[1]


def save_choices(ctx: Context, actor, dossier: Dossier, choices: CardChoices, treatments: str) -> Decision:
    """Keep the card's choices and the treatments written for it (a "manage" decision, journaled
    with what changed, never the data). Check them first (check_choices)."""
    def change(unit, _dossier, _document, _decision) -> dict:
        wishes = unit.wishes()  # under the dossier's lock: a change made meanwhile in another tab stays
        wishes.card = CardChoices([*choices.facts], choices.directives_place.strip())
        wishes.current_treatments = treatments.strip()
        unit.save_wishes(wishes)
        return {"change": Change("emergency_card_set")}

    return dossier_access.act(ctx, actor, "manage", dossier, change=change)


@dataclass(frozen=True)
class CardPdf:
    decision: Decision
    data: bytes | None  # the A4 sheet; None when refused, or when the saved card cannot print now
    problems: dict[str, str]


def make_pdf(ctx: Context, actor, dossier: Dossier) -> CardPdf:
    """The card's PDF from the saved choices, once the policy allowed it (journaled)."""
    decision = dossier_access.decide_and_journal(ctx, actor, "export", dossier, note=PDF_MADE)
    if not decision.allowed:
        return CardPdf(decision, None, {})
    wishes = ctx.repos.wishes.get(dossier.id)
    if not wishes.card.facts:
        return CardPdf(decision, None, {"facts": NOTHING_TICKED})
    card, found = _check(ctx, wishes, ctx.register.get(dossier.holder_nir), dossier)
    return CardPdf(decision, None if found else card_pdf.emergency_card(card), found)
