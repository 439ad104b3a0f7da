"""Reading and feeding a dossier: every use case asks the access policy through one door,
`act`: decide on the records read under the dossier's lock, make the change the decision allows,
journal the decision; the change and its journal entry commit together (store/unit.py)."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from collections.abc import Callable
from datetime import date

from ..domain.paging import PageLinks
from ..domain.access import Decision, EmergencyAccess, EmergencyKind, decide
from ..domain.access import emergency_in_force as access_in_force
from ..domain.actors import Carer, Holder, LegalRepresentative, Professional
from ..domain.details import Change as JournalChange
from ..domain.documents import CATALOGUE, Category, Document
from ..domain.dossier import Dossier
from ..domain.identity import InvalidNir, ins_c_is_valid, normalize_matricule
from ..domain.uploads import CheckedUpload
from ..domain.wishes import WishItem
from . import notices
from .context import Context

if TYPE_CHECKING:  # pragma: no cover
    from .ports import UnitOfWork


def _decide(ctx: Context, actor, action: str, dossier: Dossier, document: Document | None = None,
            emergency: EmergencyAccess | None = None, wish: WishItem | None = None) -> Decision:
    now = ctx.now()
    if emergency is None and isinstance(actor, Professional):
        emergency = ctx.repos.emergencies.active_for(dossier.id, actor.rpps, now)
    return decide(
        actor, action, dossier, document, now=now, emergency=emergency,
        blocked_rpps=frozenset(dossier.blocked_rpps),
        attending_rights=frozenset(dossier.attending_rights_rpps), wish=wish,
    )


class RuleRefused(Exception):
    """Raised by a change when a rule of the domain refuses it on the fresh records (e.g. the
    médecin traitant cannot be blocked): `act` journals the refusal instead of the change."""

    def __init__(self, decision: Decision, change: JournalChange):
        super().__init__(decision.reason_code)
        self.decision, self.change = decision, change


# change(unit, dossier, document, decision) stages what an allowed decision permits, on the
# records read under the lock; it returns what its journal entry says besides the decision
# ({"change": JournalChange(…), "action": …, "note": …, "consent": …}, or None), or raises RuleRefused.
Change = Callable[["UnitOfWork", Dossier, "Document | None", Decision], "dict | None"]


def act(ctx: Context, actor, action: str, dossier: Dossier, document: Document | None = None, *,
        change: Change | None = None, emergency: EmergencyAccess | None = None, note: str = "",
        wish: WishItem | None = None) -> Decision:
    """The one door: decide → change → journal, for every use case on a dossier.

    Under the dossier's lock, the dossier (and the document) are read again, so a decision and a
    change never rest on what another request has changed since (no lost update). The decision's
    entry is journaled whatever it is; the change it allows commits with it, or neither does.
    note: a code of domain/details.py NOTES, added to the detail of an allowed decision (which
    copy it was)."""
    with ctx.repos.unit(dossier.id) as unit:
        fresh = unit.dossier() or dossier
        current = (unit.document(document.id) or document) if document is not None else None
        decision = _decide(ctx, actor, action, fresh, current, emergency, wish)
        fields, said = decision.journal_fields(), {}
        if decision.allowed:
            try:
                said = (change(unit, fresh, current, decision) if change else None) or {}
            except RuleRefused as refused:
                decision, said = refused.decision, {"change": refused.change}
                fields.update(allowed=False, reason=decision.reason)
        detail = replace(decision.detail, change=said.pop("change", None), note=said.pop("note", "") or (
            note if decision.allowed else ""), consent=said.pop("consent", {}),
            # « Je me fais aider »: the patient's side names who sits beside them, allowed or refused
            helper=ctx.helper if isinstance(actor, Holder | LegalRepresentative) else None)
        fields.update(said, detail=detail.stored())
        unit.journal(**fields)
        unit.commit()
    if isinstance(actor, Carer):
        notices.carer_acted(ctx, dossier)  # the patient hears of it, once a day at most
    return decision


def decide_and_journal(ctx: Context, actor, action: str, dossier: Dossier, document: Document | None = None,
                       emergency: EmergencyAccess | None = None, note: str = "", wish: WishItem | None = None
                       ) -> Decision:
    """A decision that changes nothing (a reading, a copy): `act` without a change."""
    return act(ctx, actor, action, dossier, document, emergency=emergency, note=note, wish=wish)


def allowed_unjournaled(ctx: Context, actor, action: str, dossier: Dossier, document: Document | None = None,
                        wish: WishItem | None = None) -> bool:
    """The policy asked without a journal line: by work that carries out a decision journaled
    before (the worker making a copy the patient asked for), or by a page that offers a button
    only to those it would allow (the click itself is decided and journaled)."""
    return _decide(ctx, actor, action, dossier, document, wish=wish).allowed


def emergency_in_force(ctx: Context, actor, dossier: Dossier) -> EmergencyAccess | None:
    """This professional's emergency access on the dossier, while it opens the dossier (it runs
    and the patient's switch for it stayed on); None otherwise."""
    if not isinstance(actor, Professional):
        return None
    now = ctx.now()
    access = ctx.repos.emergencies.active_for(dossier.id, actor.rpps, now)
    return access if access is not None and access_in_force(dossier, access, actor, now) else None


def visible_documents(ctx: Context, actor, dossier: Dossier, action: str = "read_document"
                      ) -> tuple[list[Document], int]:
    """The documents this actor may read (or copy: action "copy_document"), and how many others
    were left out.

    The list is one decision journaled by the caller ("list_documents", "export"); each document
    is filtered by the same policy, so a refused one is not listed and its title never shows."""
    shown, hidden = [], 0
    for document in ctx.repos.documents.list(dossier.id):
        if _decide(ctx, actor, action, dossier, document).allowed:
            shown.append(document)
        else:
            hidden += 1
    return shown, hidden


DOCUMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class DocumentsPage(PageLinks):
    groups: list[tuple[Category, list[Document]]]  # this page's documents, by category, newest first
    number: int
    pages: int
    total: int


def documents_page(documents: list[Document], number: int, per_page: int = DOCUMENTS_PER_PAGE) -> DocumentsPage | None:
    """Page `number` (from 1) of these documents ranged by category (in the catalogue's order),
    newest first in each; None for a page there is not. An empty list has its page 1."""
    category_of = {t.code: t.category for t in CATALOGUE}
    rank = {category: n for n, category in enumerate(Category)}
    ordered = sorted(documents, key=lambda d: (rank.get(category_of.get(d.type_code), len(rank)),
                                               -d.created_at.timestamp()))
    pages = max(1, -(-len(ordered) // per_page))
    if not 1 <= number <= pages:
        return None
    shown = ordered[(number - 1) * per_page:number * per_page]
    groups = [(category, [d for d in shown if category_of.get(d.type_code) is category]) for category in Category]
    return DocumentsPage([g for g in groups if g[1]], number, pages, len(ordered))


def find_dossier(ctx: Context, identifier: str, birth_date: date) -> Dossier | None:
    """A dossier by INS, NIR or INS-C, only when the birth date matches too (no guessing by number).

    The INS's matricule is the NIR, or a NIA (same form) for someone without a NIR yet: the
    register and the dossiers know each person by that number, so one index finds both. Its 13
    first characters are enough (normalize_matricule adds the key)."""
    typed = re.sub(r"\s", "", identifier or "")
    dossier = None
    if ins_c_is_valid(typed):
        dossier = ctx.repos.dossiers.find_by_ins(typed)
    else:
        try:
            dossier = ctx.repos.dossiers.find_by_nir(normalize_matricule(typed))
        except InvalidNir:
            return None
    if dossier is None:
        return None
    person = ctx.register.get(dossier.holder_nir)
    return dossier if person is not None and person.birth_date == birth_date else None


@dataclass(frozen=True)
class Deposit:
    decision: Decision
    document: Document | None


def deposit(ctx: Context, actor, dossier: Dossier, *, type_code: str, title: str, document_date: date | None,
            text: str = "", upload: CheckedUpload | None = None, data: bytes | None = None,
            pending_explanation: bool = False, hidden_from_representatives: bool = False) -> Deposit:
    """Add a document (typed text or a checked file) if the policy lets this actor write it.

    `hidden_from_representatives`: a professional keeps it from a minor's legal representatives
    at the minor's request; it means nothing on a DMP without any (an adult's)."""
    ref = actor.ref
    kept = hidden_from_representatives and ref.kind == "professional" and bool(dossier.active_representatives)
    document = Document(
        id=secrets.token_hex(8), dossier_id=dossier.id, type_code=type_code, title=title.strip(),
        author_kind=ref.kind, author_id=ref.id, author_name=ref.name, created_at=ctx.now(),
        pending_explanation=pending_explanation, document_date=document_date, hidden_from_representatives=kept,
    )

    def store(unit, _dossier, _document, _decision) -> None:
        unit.add_document(document, text=text, file_name=upload.clean_name if upload else "",
                          content_type=upload.content_type if upload else "", data=data if upload else None)

    decision = act(ctx, actor, "write_document", dossier, document, change=store)
    if not decision.allowed:
        return Deposit(decision, None)
    # not for what the patient added themselves, nor to representatives for what is kept from them
    if not pending_explanation and not kept and ref.kind not in ("holder", "legal_representative"):
        _alert_patient(ctx, dossier)
    return Deposit(decision, document)


def set_hidden(ctx: Context, actor, dossier: Dossier, document: Document, hidden: bool,
               from_carers: bool = False) -> Decision:
    """The patient hides a document from professionals («interdire»), or shows it again; with
    `from_carers`, from the carers they named (domain/carers.py) instead: the two are apart."""
    def change(unit, _dossier, current: Document, _decision) -> None:
        if from_carers:
            current.hidden_from_carers = hidden
        else:
            current.hidden = hidden
        unit.save_document(current)

    note = ("hidden_from_carers" if hidden else "shown_to_carers") if from_carers else ("hidden" if hidden else "shown")
    return act(ctx, actor, "hide_document", dossier, document, change=change, note=note)


def release(ctx: Context, actor, dossier: Dossier, document: Document) -> Decision:
    """The author shows the patient a document once it has been explained."""
    now = ctx.now()

    def change(unit, _dossier, current: Document, _decision) -> None:
        current.release(now)
        unit.save_document(current)

    decision = act(ctx, actor, "release_document", dossier, document, change=change)
    # as at its deposit: the representatives are never told of a document kept from them
    if decision.allowed and not (document.hidden_from_representatives and dossier.active_representatives):
        _alert_patient(ctx, dossier)
    return decision


def needs_consent(ctx: Context, actor, dossier: Dossier) -> bool:
    """Would this professional be refused only because the patient's agreement is not noted yet?
    Asked before the dossier page, so a first visit leads to the consent step, not a refusal."""
    if not isinstance(actor, Professional):
        return False
    return _decide(ctx, actor, "read_dossier", dossier).reason_code == "consent_needed"


def record_consent(ctx: Context, actor, dossier: Dossier) -> Decision:
    """The professional notes that the patient agreed, during this consultation, that they read
    the DMP: they join the care team (journaled; the patient may remove them, which blocks)."""
    def change(unit, fresh: Dossier, _document, _decision) -> None:
        if actor.rpps not in fresh.care_team_rpps:
            fresh.care_team_rpps.append(actor.rpps)
            unit.save_dossier(fresh)

    return act(ctx, actor, "record_consent", dossier, change=change)


def open_emergency(ctx: Context, actor: Professional, dossier: Dossier, reason: str) -> Decision:
    """Bris de glace (or the Centre 15 regulator during a call): 24 hours, if the patient's switch
    for it is on and the profession may; it opens the dossier within the profession's rights."""
    kind = EmergencyKind.REGULATOR if actor.emergency_regulator else EmergencyKind.BREAK_GLASS
    access = EmergencyAccess(kind, actor.rpps, reason.strip(), ctx.now())
    running = emergency_in_force(ctx, actor, dossier)  # opened again: journaled, told once only

    def change(unit, _dossier, _document, _decision: Decision) -> dict:
        unit.add_emergency(access)
        return {"action": "regulator_access" if kind is EmergencyKind.REGULATOR else "break_glass"}

    decision = act(ctx, actor, "open_emergency", dossier, emergency=access, change=change)
    if decision.allowed and decision.emergency and running is None:
        notices.emergency_opened(ctx, actor, dossier, access)  # the patient and their close ones are told
    return decision


def _alert_patient(ctx: Context, dossier: Dossier) -> None:
    """The patient asked to be told of each new document: say so, never what it is (by their
    channels, or by post: services/notices.py)."""
    notices.new_document(ctx, dossier)
