"""The access policy: `decide` is the one function every read, write and export goes through.

Pure: it reads no clock and writes nothing. The caller passes `now`, and journals every decision,
allowed or refused; a `Decision` carries all the journal needs.

The rules, in order (the first that applies decides):
1. forbidden actors (médecine du travail, mutuelles, assurances, banques, employeurs) are refused;
2. a closed dossier is refused, except that its holder may still export it, read its documents
   into that copy, and manage it (reopen);
3. a blocked professional is refused — but a block on the médecin traitant has no effect;
4. opening an emergency access: the Centre 15 regulator during a call, or bris de glace by the
   professions that act in emergencies, each only if the patient's switch for it is on;
5. the médecin traitant, and the doctors the patient gave the same rights, see everything,
   hidden documents and wishes included;
5b. any other professional reads or writes only once in the patient's care team, where they
   noted the patient's agreement during a consultation (arrêté of 26 October 2023), or while an
   emergency access of theirs is in force, or for the 24 hours after they used one of the
   patient's sharing codes (domain/sharing.py: a share counts as the care team, no more); the
   author of a document still reads it (those deposited before the care team existed too);
6. a wish (trusted person, directives…) is shown to the professions of WISH_READERS;
7. a document's author always sees it;
8. a hidden document is refused to other professionals — except during an emergency access in
   force, when the patient's third switch allows it and the matrix gives its type;
9. otherwise the matrice d'habilitation (profession × document type) decides: an emergency
   access opens the dossier, it never widens what the profession may read.
An emergency access is in force while it runs and its switch stays on (`emergency_in_force`); one
that is not is ignored, so the professional keeps their ordinary rights and no more.
The patient's side (holder, legal representative) and desk agents have their own short rules: a
desk agent creates DMPs, and helps a holder who came to the desk with their Vitale card
("desk_help": a new letter, the contacts, the identifier, closing or reopening at their request);
they read nothing. The card itself is checked by the use case (services/desk_help.py), as the
code is for a sharing code: the policy only says who may give that help, closed DMP included.
A minor's legal representative acts as the holder would, while they are one of the dossier's
active representatives (domain/representatives.py), and never sees a document its professional
marked «caché aux représentants légaux».

Longer than 300 lines: the rules, their reasons in French and the tables they read stay together, in
the order they apply.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from .actors import (
    FORBIDDEN_KINDS,
    PATIENT_SIDE_KINDS,
    ActorKind,
    ActorRef,
    Carer,
    DeskAgent,
    Holder,
    LegalRepresentative,
    Profession,
    Professional,
    rpps_is_valid,
)
from .documents import DOCUMENT_TYPES, PATIENT_WRITABLE_TYPES, Document
from .carers import CarerGrant
from .dates import local_day
from .details import JournaledDetail
from .dossier import Dossier
from .habilitations import READ, WRITE, allows, may_break_glass, may_see_wish
from .sharing import may_make_code, shared_with
from .wishes import WishItem

EMERGENCY_DURATION = timedelta(hours=24)


class Action(str, Enum):
    READ_DOSSIER = "read_dossier"
    LIST_DOCUMENTS = "list_documents"
    READ_DOCUMENT = "read_document"
    WRITE_DOCUMENT = "write_document"
    RELEASE_DOCUMENT = "release_document"
    HIDE_DOCUMENT = "hide_document"  # hide or show again: the same right
    EXPORT = "export"
    # One document read into the patient's own copy (PDF, archive, letter): the export decision is
    # journaled once for the whole copy; this one filters each document, closed dossier included.
    COPY_DOCUMENT = "copy_document"
    MANAGE = "manage"  # the patient's settings: blocks, rights, emergency choice, close, reopen
    CREATE_DOSSIER = "create_dossier"
    OPEN_EMERGENCY = "open_emergency"  # bris de glace, or the regulator during a call
    RECORD_CONSENT = "record_consent"  # a professional notes the patient agreed: they join the care team
    READ_WISH = "read_wish"  # one item of the wishes (domain/wishes.py WishItem)
    USE_SHARING_CODE = "use_sharing_code"  # a professional types the patient's code (domain/sharing.py)
    # A desk agent acts on the account at the holder's request, the Vitale card seen: a new
    # credential letter, the contacts, the identifier sent again, closing or reopening.
    DESK_HELP = "desk_help"


DOCUMENT_ACTIONS = frozenset(
    {Action.READ_DOCUMENT, Action.WRITE_DOCUMENT, Action.RELEASE_DOCUMENT, Action.HIDE_DOCUMENT,
     Action.COPY_DOCUMENT}
)
PATIENT_ONLY_ACTIONS = frozenset({Action.HIDE_DOCUMENT, Action.EXPORT, Action.COPY_DOCUMENT, Action.MANAGE})
# a copy and the documents in it, and reopening
ON_A_CLOSED_DOSSIER = frozenset({Action.EXPORT, Action.COPY_DOCUMENT, Action.MANAGE})


class EmergencyKind(str, Enum):
    BREAK_GLASS = "break_glass"  # bris de glace, with a written reason
    REGULATOR = "regulator"  # the SAMU–Centre 15 regulator, during a call


@dataclass(frozen=True)
class EmergencyAccess:
    kind: EmergencyKind
    rpps: str  # the professional who opened it
    reason: str
    started_at: datetime

    def __post_init__(self):
        object.__setattr__(self, "kind", EmergencyKind(self.kind))

    @property
    def expires_at(self) -> datetime:
        return self.started_at + EMERGENCY_DURATION

    def active(self, now: datetime) -> bool:
        return self.started_at <= now < self.expires_at


# Every reason a decision gives, as a short code and a neutral French sentence that reads well
# both to the professional refused and to the patient reading the history of accesses.
REASONS = {
    # Easy-to-read French (FALC): the history and the refusal pages show them as they are, so
    # each sentence has 15 words at most, and «soignant» stands for «professionnel de santé».
    "unknown_actor": "Cette personne n’est pas reconnue par le DMP.",
    "forbidden_actor": (
        "La loi interdit le DMP à la médecine du travail et aux mutuelles. "
        "Elle l’interdit aussi aux assurances, aux banques et aux employeurs."
    ),
    "dossier_closed": "Ce DMP est fermé.",
    "document_elsewhere": "Ce document n’est pas dans ce DMP.",
    "creation_by_desk_agent": "L’agent de la caisse crée le DMP avec l’accord du patient.",
    "creation_by_professional": "Le soignant crée le DMP avec l’accord du patient.",
    "creation_not_for_patient": "Le patient crée son DMP en ligne, à sa caisse ou chez un soignant.",
    "dossier_exists": "Cette personne a déjà un DMP.",
    "desk_agent_creates_only": "L’agent de la caisse ne lit pas les DMP. Il les crée et aide les patients.",
    "holder": "Le patient agit sur son propre DMP.",
    "legal_representative": "Le représentant légal agit pour le patient.",
    "not_a_representative": "Cette personne n’agit plus pour le patient.",
    # carers (domain/carers.py): what the patient allowed them, and what a carer never does
    "carer": "L’aidant agit dans ce que le patient lui permet.",
    "not_a_carer": "Cette personne n’est pas un aidant du patient.",
    "carer_not_in_force": "L’accès de cet aidant est fini, ou pas encore commencé.",
    "carer_purpose": "Le patient n’a pas permis cela à cet aidant.",
    "carer_may_not": "Un aidant ne peut pas faire cela. Seul le patient le peut.",
    "hidden_from_carers": "Le patient a caché ce document à ses aidants.",
    "hidden_from_representatives": "Ce document est caché aux représentants légaux. Le patient l’a demandé.",
    "not_your_dossier": "Ce DMP est celui d’une autre personne.",
    "pending_explanation": "Ce document sera visible quand un soignant l’aura expliqué au patient.",
    "patient_writes_own_notes_only": "Le patient peut ajouter ses documents, pas ceux des soignants.",
    "author_only": "Seul l’auteur de ce document peut le montrer au patient.",
    "not_pending": "Le patient voit déjà ce document.",
    "blocked": "Le patient a bloqué ce soignant.",
    "patient_only": "Seul le patient ou son représentant légal peut faire cela.",
    "attending_doctor": "Le médecin traitant peut tout voir, même les documents cachés.",
    "attending_rights": "Le patient a donné à ce médecin les droits du médecin traitant.",
    "author": "L’auteur d’un document peut toujours le voir.",
    "hidden": "Le patient a caché ce document aux soignants.",
    "emergency_break_glass": "Accès en urgence, permis par le patient, pour 24 heures.",
    "emergency_regulator": "Accès du médecin du centre 15 pendant un appel, pour 24 heures.",
    "emergency_refused_by_patient": "Le patient ne permet pas d’ouvrir son DMP en urgence.",
    "regulator_refused_by_patient": "Le patient ne permet pas au médecin du centre 15 d’ouvrir son DMP.",
    "emergency_profession": "Le métier de ce soignant ne permet pas d’ouvrir un DMP en urgence.",
    "emergency_hidden": "Pendant un accès en urgence, le patient permet de lire ses documents cachés.",
    "professionals_only": "Seul un soignant peut faire cela.",
    "consent_needed": "Ce soignant doit d’abord noter que le patient est d’accord.",
    "consent_recorded": "Le patient a dit au soignant qu’il est d’accord, pendant la consultation.",
    "profession_may_see_wish": "Le métier de ce soignant lui permet de voir cette information.",
    "profession_may_not_see_wish": "Le métier de ce soignant ne lui permet pas de voir cette information.",
    "emergency_not_yours": "Un autre soignant a ouvert cet accès en urgence.",
    "not_a_regulator": "Seul le médecin du centre 15 peut ouvrir le DMP pendant un appel.",
    "emergency_reason_missing": "Pour un accès en urgence, il faut écrire la raison.",
    "professional": "Ce soignant peut ouvrir le DMP. Il voit les documents permis à son métier.",
    "profession_may_read": "Le métier de ce soignant lui permet de lire ce type de document.",
    "profession_may_not_read": "Le métier de ce soignant ne lui permet pas de lire ce type de document.",
    "profession_may_write": "Le métier de ce soignant lui permet d’ajouter ce type de document.",
    "profession_may_not_write": "Le métier de ce soignant ne lui permet pas d’ajouter ce type de document.",
    "unknown_document_type": "Ce type de document n’est pas connu.",
    # can_block
    "may_block": "Le patient peut bloquer ce soignant.",
    "attending_doctor_cannot_be_blocked": "Le médecin traitant ne peut pas être bloqué.",
    "rpps_invalid": "Ce numéro RPPS n’est pas valide.",
    # sharing codes (domain/sharing.py)
    "sharing_code": "Le patient a donné un code de partage à ce soignant, pour 24 heures.",
    "may_make_sharing_code": "Le patient peut donner un code de partage.",
    "too_many_sharing_codes": "Le patient a déjà 3 codes de partage en cours.",
    # a desk agent helps with an existing DMP (services/desk_help.py)
    "desk_agent_helps": "L’agent de la caisse aide le patient, à sa demande. Il a vu sa carte Vitale.",
    "desk_agents_only": "Seul un agent de la caisse peut faire cela, à la demande du patient.",
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_code: str
    reason: str
    emergency: bool = False  # the emergency rule made this decision (allowed or refused)
    action: str = ""
    actor: ActorRef | None = None
    dossier_id: str = ""
    document_id: str = ""
    at: datetime | None = None
    emergency_access: EmergencyAccess | None = None
    wish: str = ""  # a WishItem value, for "read_wish"

    @property
    def detail(self) -> JournaledDetail:
        """What the journal keeps besides the sentence: the code, the document or the wish, the emergency."""
        access = self.emergency_access
        return JournaledDetail(self.reason_code, self.document_id, access.kind.value if access else "",
                               access.reason if access else "", wish=self.wish)

    def journal_fields(self) -> dict:
        """Keyword arguments for `journal.make_entry`, all but the previous hash."""
        return {
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "allowed": self.allowed,
            "reason": self.reason,
            "detail": self.detail.stored(),
            "emergency": self.emergency,
        }


class _Verdicts:
    """Builds decisions that all carry the same journal context."""

    def __init__(self, **context):
        self.context = context

    def allow(self, code: str, **extra) -> Decision:
        return Decision(True, code, REASONS[code], **self.context, **extra)

    def refuse(self, code: str, **extra) -> Decision:
        return Decision(False, code, REASONS[code], **self.context, **extra)


_CLASS_OF_KIND = {
    ActorKind.HOLDER: Holder,
    ActorKind.LEGAL_REPRESENTATIVE: LegalRepresentative,
    ActorKind.CARER: Carer,
    ActorKind.PROFESSIONAL: Professional,
    ActorKind.DESK_AGENT: DeskAgent,
}


def _kind_of(actor) -> ActorKind | None:
    """The actor's kind; None when it is not one we know how to judge (refused)."""
    try:
        kind = ActorKind(getattr(actor, "kind", None))
    except ValueError:
        return None
    if kind in FORBIDDEN_KINDS:
        return kind  # whatever it is dressed as
    return kind if isinstance(actor, _CLASS_OF_KIND[kind]) else None


def _ref_of(actor) -> ActorRef:
    ref = getattr(actor, "ref", None)
    if isinstance(ref, ActorRef):
        return ref
    if isinstance(actor, ActorRef):
        return actor
    kind = getattr(actor, "kind", "unknown")
    kind = str(getattr(kind, "value", kind))
    return ActorRef(kind, str(getattr(actor, "id", "")), str(getattr(actor, "name", "")))


def _is_author(professional: Professional, document: Document) -> bool:
    return document.author_kind == ActorKind.PROFESSIONAL.value and document.author_id == professional.rpps


def decide(  # noqa: C901 - the policy's checks in the order they apply, one early return each
    actor,
    action: Action | str,
    dossier: Dossier | None,
    document: Document | None = None,
    *,
    now: datetime,
    emergency: EmergencyAccess | None = None,
    blocked_rpps: frozenset[str] | set[str] = frozenset(),
    attending_rights: frozenset[str] | set[str] = frozenset(),
    wish: WishItem | str | None = None,
) -> Decision:
    """May `actor` do `action` on `dossier` (and `document`, or `wish`)? The decision says why.

    `dossier` is None only for "create_dossier" when the person has no DMP yet, and for
    "desk_help" before the person is found (may this actor help at all?); `document` is
    required for the document actions (for "write_document", the document about to be added),
    `wish` for "read_wish", `emergency` (the access about to be opened) for "open_emergency";
    otherwise `emergency` is the actor's latest access, which counts only while in force.
    `blocked_rpps` and `attending_rights` are the patient's settings, as RPPS numbers.
    An unknown action or a missing argument is the caller's bug and raises ValueError.
    """
    action = Action(action)
    _check_arguments(action, dossier, document, wish, emergency)
    if action not in DOCUMENT_ACTIONS:
        document = None
    verdict = _Verdicts(
        action=action.value,
        actor=_ref_of(actor),
        dossier_id=dossier.id if dossier is not None else "",
        document_id=document.id if document is not None else "",
        at=now,
        wish=WishItem(wish).value if action is Action.READ_WISH else "",
    )

    kind = _kind_of(actor)
    if kind is None:
        return verdict.refuse("unknown_actor")
    if kind in FORBIDDEN_KINDS:
        return verdict.refuse("forbidden_actor")
    if action is Action.CREATE_DOSSIER:
        return _creation(kind, dossier, verdict)
    if action is Action.DESK_HELP:  # closed DMP too: the person may ask to reopen it
        return verdict.allow("desk_agent_helps") if kind is ActorKind.DESK_AGENT else verdict.refuse("desk_agents_only")
    if document is not None and document.dossier_id != dossier.id:
        return verdict.refuse("document_elsewhere")
    if dossier.status != "open" and not (kind in PATIENT_SIDE_KINDS and action in ON_A_CLOSED_DOSSIER):
        return verdict.refuse("dossier_closed")
    if kind is ActorKind.DESK_AGENT:
        return verdict.refuse("desk_agent_creates_only")
    if kind in PATIENT_SIDE_KINDS:
        return _patient_side(actor, kind, action, dossier, document, verdict)
    if kind is ActorKind.CARER:
        return _carer(actor, action, dossier, document, verdict, now)
    return _professional(
        actor, action, dossier, document, verdict,
        now=now, emergency=emergency, blocked_rpps=blocked_rpps, attending_rights=attending_rights,
    )


def _check_arguments(action: Action, dossier, document, wish, emergency) -> None:
    if action in DOCUMENT_ACTIONS and document is None:
        raise ValueError(f"{action.value} needs a document")
    if action not in (Action.CREATE_DOSSIER, Action.DESK_HELP) and dossier is None:
        raise ValueError(f"{action.value} needs a dossier")
    if action is Action.READ_WISH and wish is None:
        raise ValueError("read_wish needs a wish")
    if action is Action.OPEN_EMERGENCY and emergency is None:
        raise ValueError("open_emergency needs the access to open")


def _creation(kind: ActorKind, dossier: Dossier | None, verdict: _Verdicts) -> Decision:
    # The consent itself is asked and recorded by the creation use case, not here.
    if kind is ActorKind.CARER:
        return verdict.refuse("carer_may_not")
    if kind in PATIENT_SIDE_KINDS:
        return verdict.refuse("creation_not_for_patient")
    if dossier is not None:
        return verdict.refuse("dossier_exists")
    if kind is ActorKind.DESK_AGENT:
        return verdict.allow("creation_by_desk_agent")
    return verdict.allow("creation_by_professional")


def _patient_side(actor, kind, action, dossier, document, verdict) -> Decision:
    if actor.dossier_id != dossier.id:
        return verdict.refuse("not_your_dossier")
    if kind is ActorKind.LEGAL_REPRESENTATIVE:
        # only while they act for a minor: at 18 (or once replaced) their access is over
        representative = dossier.representative(actor.id)
        if representative is None or not representative.active:
            return verdict.refuse("not_a_representative")
        if document is not None and document.hidden_from_representatives and action is not Action.WRITE_DOCUMENT:
            return verdict.refuse("hidden_from_representatives")
    if action is Action.RELEASE_DOCUMENT:
        return verdict.refuse("author_only")
    if action in (Action.OPEN_EMERGENCY, Action.RECORD_CONSENT, Action.USE_SHARING_CODE):
        return verdict.refuse("professionals_only")
    if action in (Action.READ_DOCUMENT, Action.HIDE_DOCUMENT, Action.COPY_DOCUMENT) and document.awaiting_explanation:
        return verdict.refuse("pending_explanation")
    if action is Action.WRITE_DOCUMENT and document.type_code not in PATIENT_WRITABLE_TYPES:
        return verdict.refuse("patient_writes_own_notes_only")
    return verdict.allow(kind.value)


# What a carer may ask at all; the grant's purpose then decides (domain/carers.py).
CARER_ACTIONS = frozenset({Action.READ_DOSSIER, Action.LIST_DOCUMENTS, Action.READ_DOCUMENT, Action.WRITE_DOCUMENT})


def _carer(actor: Carer, action, dossier, document, verdict, now: datetime) -> Decision:
    grant: CarerGrant | None = dossier.carer_grant(actor.grant_id)
    if grant is None or grant.carer_id != actor.id or actor.dossier_id != dossier.id:
        return verdict.refuse("not_a_carer")
    if not grant.in_force(local_day(now)):
        return verdict.refuse("carer_not_in_force")
    if action not in CARER_ACTIONS:
        return verdict.refuse("carer_may_not")
    if document is None:
        return verdict.allow("carer")
    if action is Action.WRITE_DOCUMENT:
        return _carer_adds(grant, document, verdict)
    if document.awaiting_explanation:
        return verdict.refuse("pending_explanation")
    if document.hidden_from_carers:
        return verdict.refuse("hidden_from_carers")
    if document.hidden_from_representatives:
        # a minor's representative may invite a carer, even themselves with a second account:
        # what a professional kept from the representatives is kept from every carer too
        return verdict.refuse("hidden_from_representatives")
    doc_type = DOCUMENT_TYPES.get(document.type_code)
    if doc_type is None or doc_type.category not in grant.rule.categories:
        return verdict.refuse("carer_purpose")
    return verdict.allow("carer")


def _carer_adds(grant: CarerGrant, document: Document, verdict: _Verdicts) -> Decision:
    if not grant.rule.may_add:
        return verdict.refuse("carer_purpose")
    if document.type_code not in PATIENT_WRITABLE_TYPES:
        return verdict.refuse("patient_writes_own_notes_only")
    return verdict.allow("carer")


def _professional(actor: Professional, action, dossier, document, verdict, *,
                  now, emergency, blocked_rpps, attending_rights) -> Decision:
    is_doctor = actor.profession is Profession.MEDECIN
    is_attending_doctor = bool(dossier.attending_doctor_rpps) and actor.rpps == dossier.attending_doctor_rpps
    if actor.rpps in blocked_rpps and not is_attending_doctor:
        return verdict.refuse("blocked")
    if action in PATIENT_ONLY_ACTIONS:
        return verdict.refuse("patient_only")
    if action in (Action.OPEN_EMERGENCY, Action.RECORD_CONSENT, Action.USE_SHARING_CODE, Action.RELEASE_DOCUMENT):
        return _opening_or_release(actor, action, dossier, document, emergency, verdict)
    in_force = emergency is not None and emergency_in_force(dossier, emergency, actor, now)
    # While an emergency access is in force, every decision is journaled as made under it.
    under = _Verdicts(**verdict.context, emergency=True, emergency_access=emergency) if in_force else verdict
    with_rights = is_doctor and (is_attending_doctor or actor.rpps in attending_rights)
    in_team = with_rights or actor.rpps in dossier.care_team_rpps or shared_with(dossier, actor.rpps, now)
    if action is Action.WRITE_DOCUMENT:
        # A new document is neither hidden nor anyone's yet: the care team, then the matrix.
        return _matrix(actor, WRITE, document, under) if in_team or in_force else verdict.refuse("consent_needed")
    if with_rights:
        return verdict.allow("attending_doctor" if is_attending_doctor else "attending_rights")
    if document is not None and _is_author(actor, document):
        return under.allow("author")  # their own document: those deposited before the care team too
    if not in_team and not in_force:
        return verdict.refuse("consent_needed")
    if action is Action.READ_WISH:
        may = may_see_wish(actor.profession, verdict.context["wish"])
        return under.allow("profession_may_see_wish") if may else under.refuse("profession_may_not_see_wish")
    return _read(actor, dossier, document, under, emergency if in_force else None)


def _opening_or_release(actor: Professional, action, dossier, document, emergency, verdict) -> Decision:
    """Opening an emergency access, noting the patient’s agreement or using their sharing code, releasing
    one’s document."""
    if action is Action.OPEN_EMERGENCY:
        return _opening(actor, dossier, emergency, verdict)
    if action is Action.RECORD_CONSENT:
        return verdict.allow("consent_recorded")
    if action is Action.USE_SHARING_CODE:  # the code itself is checked by the use case, under the lock
        return verdict.allow("sharing_code")
    return _release(actor, document, verdict)


def _release(actor: Professional, document: Document, verdict) -> Decision:
    if not _is_author(actor, document):
        return verdict.refuse("author_only")
    if not document.awaiting_explanation:
        return verdict.refuse("not_pending")
    return verdict.allow("author")


def _read(actor: Professional, dossier, document, verdict, emergency: EmergencyAccess | None) -> Decision:
    """The dossier, its list or one document, with the emergency access in force (or None) and
    the verdicts that journal under it: only the third switch adds anything to the profession's
    rights, hidden documents."""
    if document is None:
        return verdict.allow(f"emergency_{emergency.kind.value}") if emergency else verdict.allow("professional")
    if document.hidden:
        if emergency is not None and dossier.hidden_in_emergency and allows(actor.profession, document.type_code, READ):
            return verdict.allow("emergency_hidden")
        return verdict.refuse("hidden")
    return _matrix(actor, READ, document, verdict)


def emergency_in_force(dossier: Dossier, access: EmergencyAccess, actor: Professional, now: datetime) -> bool:
    """Does this access still open the dossier to this professional? It is theirs, it runs, and the
    patient's switch for its kind is on and was not turned off since it was opened."""
    if access.rpps != actor.rpps or not access.active(now):
        return False
    if access.kind is EmergencyKind.REGULATOR:
        switch, ended_at, may = dossier.regulator_access, dossier.regulator_ended_at, actor.emergency_regulator
    else:
        switch, ended_at = dossier.break_glass_access, dossier.break_glass_ended_at
        may = may_break_glass(actor.profession)
    return may and switch is True and (ended_at is None or access.started_at > ended_at)


def _opening(actor: Professional, dossier: Dossier, emergency: EmergencyAccess, verdict) -> Decision:
    """Opening an emergency access: each refusal says why, and is an emergency decision."""
    journaled = {"emergency": True, "emergency_access": emergency}
    if emergency.rpps != actor.rpps:
        return verdict.refuse("emergency_not_yours", **journaled)
    if emergency.kind is EmergencyKind.REGULATOR:
        if not actor.emergency_regulator:
            return verdict.refuse("not_a_regulator", **journaled)
        if dossier.regulator_access is not True:
            return verdict.refuse("regulator_refused_by_patient", **journaled)
        return verdict.allow("emergency_regulator", **journaled)
    if not may_break_glass(actor.profession):
        return verdict.refuse("emergency_profession", **journaled)
    if dossier.break_glass_access is not True:
        return verdict.refuse("emergency_refused_by_patient", **journaled)
    if not emergency.reason.strip():
        return verdict.refuse("emergency_reason_missing", **journaled)
    return verdict.allow("emergency_break_glass", **journaled)


def _matrix(actor: Professional, right: str, document: Document, verdict) -> Decision:
    if document.type_code not in DOCUMENT_TYPES:
        return verdict.refuse("unknown_document_type")
    may = allows(actor.profession, document.type_code, right)
    if right == READ:
        return verdict.allow("profession_may_read") if may else verdict.refuse("profession_may_not_read")
    return verdict.allow("profession_may_write") if may else verdict.refuse("profession_may_not_write")


def can_block(dossier: Dossier, rpps: str) -> Decision:
    """May the patient block this RPPS number? Never the médecin traitant."""
    verdict = _Verdicts(action=Action.MANAGE.value, dossier_id=dossier.id)
    if not rpps_is_valid(rpps):
        return verdict.refuse("rpps_invalid")
    if rpps == dossier.attending_doctor_rpps:
        return verdict.refuse("attending_doctor_cannot_be_blocked")
    return verdict.allow("may_block")


def can_make_sharing_code(dossier: Dossier, now: datetime) -> Decision:
    """May the patient make one more sharing code? Not on a closed DMP (it would open nothing), nor
    past 3 live ones (domain/sharing.py says why)."""
    verdict = _Verdicts(action=Action.MANAGE.value, dossier_id=dossier.id)
    if dossier.status != "open":
        return verdict.refuse("dossier_closed")
    return verdict.allow("may_make_sharing_code") if may_make_code(dossier, now) else verdict.refuse(
        "too_many_sharing_codes")
