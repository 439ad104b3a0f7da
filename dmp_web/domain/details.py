"""What a dossier's journal entry keeps besides its action: codes and ids, never a sentence.

An entry's detail is stored as a small JSON object (`JournaledDetail.stored`), inside the
sealed token of the entry's private fields:

    {"code": "holder", "document": "d0c…", "note": "hidden"}
    {"code": "profession_may_see_wish", "wish": "health_facts"}
    {"code": "emergency_break_glass", "emergency": {"kind": "break_glass", "reason": "…as typed"}}
    {"code": "holder", "change": {"what": "professional_blocked", "rpps": "…", "name": "Claire Petit"}}
    {"note": "by_sms"}   {"counts": {"ended": 2}}
    {"code": "holder", "document": "d0c…", "helper": {"name": "…as typed", "from": "…as typed"}}

`code` is a reason code of the access policy (domain/access.py REASONS), `note` one of NOTES,
`change.what` one of CHANGES, `counts` keys of COUNTS: closed sets, worded in French by the
history page (services/history.py). Only what a person wrote, the emergency reason, is free
text, kept as typed in its own field, and the helper of a helped visit (domain/helped_visit.py),
as the patient typed them; names are the directory's, as they were then.

Entries written before kept a text (" ; "-joined parts, French notes): `read_detail` reads those
too, into the same codes where it can. They are never rewritten: the chain covers them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from collections.abc import Mapping

from .helped_visit import ENDINGS as HELPED_VISIT_ENDINGS, Helper

# What a use case adds to an entry: which way, which copy, how it was sent…
NOTES = {
    "hidden", "shown",  # hide_document: hidden from professionals, or shown again
    "hidden_from_carers", "shown_to_carers",  # hide_document: the same for the patient's carers
    "copy_pdf", "copy_archive", "copy_post",  # export: which copy was asked for
    "download_pdf", "download_archive",  # export: a copy the worker made, downloaded
    "emergency_card_read", "emergency_card_pdf",  # export: « Ma carte d’urgence », its page or its PDF
    "by_sms", "by_email", "by_post",  # otp_sent, otp_channel_changed, identifier_sent: the way
    "to_new_mobile", "to_new_email",  # otp_sent: the code that confirms a new contact
    "mobile_and_email_saved", "mobile_changed", "email_changed",  # contact_changed
    "initial_password_replaced", "password_after_reset",  # password_changed
    "otp_right",  # login_succeeded, password_reset_requested
    "created_online", "created_at_desk", "demo_data",  # dossier_created
    # emergency_notice, openings_notice (services/notices.py): who was told, and which way
    "to_holder_by_sms", "to_holder_by_email", "to_holder_by_post",
    "to_attending_doctor_by_sms", "to_attending_doctor_by_email", "to_attending_doctor_unreachable",
    "to_trusted_person_by_sms", "to_trusted_person_by_email",
    # « Mon compte » (services/account_settings.py): password_changed
    "password_changed_in_account",
    # every notice to the patient (services/notices.py tell_holder): the old contact told of a
    # new one at the desk (contact_notice)
    "to_old_mobile_by_sms", "to_old_email_by_email",
    # helped_visit_ended (domain/helped_visit.py): why the helped visit ended
    *HELPED_VISIT_ENDINGS,
    # « Mes aidants » (services/carers.py): the invitation's code sent to the carer (carer_invitation_sent)
    "to_carer_by_sms", "to_carer_by_email",
}

# What a "manage" decision changed (the patient's settings, the wishes), and the emergency
# choice of the first connection; each names the professional it is about when there is one.
CHANGES = {
    "attending_doctor", "professional_blocked", "professional_unblocked", "rights_granted", "rights_revoked",
    "emergency_access_allowed", "emergency_access_refused", "alerts_on", "alerts_off",
    "dossier_closed", "dossier_reopened",
    "trusted_person_set", "trusted_person_removed", "emergency_contact_is_trusted_person",
    "emergency_contact_set", "emergency_contact_removed", "advance_directives_written",
    "advance_directives_erased", "organ_donation_set", "health_facts_set",
    "emergency_card_set",  # « Ma carte d’urgence »: what it prints, and the treatments written for it
    # the 3 emergency switches
    "regulator_access_allowed", "regulator_access_refused", "break_glass_allowed", "break_glass_refused",
    "hidden_in_emergency_allowed", "hidden_in_emergency_refused",
    # « Je ne connais pas cette personne » (domain/reports.py): the report, and a desk agent's handling
    "professional_reported", "report_handled",
    # the notices of services/notices.py: the hourly message, the trusted person told of emergencies
    "opening_alerts_on", "opening_alerts_off", "trusted_person_set_told_of_emergencies",
    # sharing codes (domain/sharing.py): the patient made one, or cancelled one
    "sharing_code_made", "sharing_code_cancelled",
    # « Mes aidants » (services/carers.py): an invitation made, an access ended, an invitation cancelled
    "carer_invited", "carer_ended", "carer_invitation_cancelled",
    # « Mes alertes »: every message by post, and the monthly history by post (services/notices.py,
    # services/history_letters.py)
    "notices_by_post_on", "notices_by_post_off", "history_by_post_on", "history_by_post_off",
}

# What an entry may count.
COUNTS = {"ended", "added", "dropped"}  # sessions ended; reimbursements added, dropped

# How a consent to a creation is told: who gave it, by which way, where, and the representative.
CONSENT_FIELDS = {"given_by", "channel", "place", "asked_by", "representative", "link"}


@dataclass(frozen=True)
class Change:
    what: str  # one of CHANGES
    rpps: str = ""
    name: str = ""  # the professional's name as the directory gave it

    def __post_init__(self):
        if self.what not in CHANGES:
            raise ValueError(f"unknown change {self.what!r}")


@dataclass(frozen=True)
class JournaledDetail:
    """An entry's detail, read back into its parts (new entries and old ones alike)."""

    code: str = ""  # the decision's reason code; "" for a step of the patient's account
    document_id: str = ""
    emergency_kind: str = ""  # an EmergencyKind value, when the emergency rule decided
    emergency_reason: str = ""  # what the professional wrote, word for word
    note: str = ""  # one of NOTES
    wish: str = ""  # a WishItem value: which of the wishes a professional was shown
    change: Change | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    consent: Mapping[str, str] = field(default_factory=dict)
    helper: Helper | None = None  # who sat beside the patient (« Je me fais aider »), when someone did
    legacy: str = ""  # an entry written before codes: its text, whole, as it was stored

    def __post_init__(self):
        if self.note and self.note not in NOTES:
            raise ValueError(f"unknown journal note {self.note!r}")
        if set(self.counts) - COUNTS or set(self.consent) - CONSENT_FIELDS:
            raise ValueError("unknown journal count or consent field")

    def stored(self) -> dict:
        """The stored form: only the parts there are."""
        row: dict = {}
        for key, value in (("code", self.code), ("document", self.document_id), ("note", self.note),
                           ("wish", self.wish)):
            if value:
                row[key] = value
        if self.emergency_kind:
            row["emergency"] = {"kind": self.emergency_kind, "reason": self.emergency_reason}
        if self.change is not None:
            row["change"] = {k: v for k, v in (("what", self.change.what), ("rpps", self.change.rpps),
                                               ("name", self.change.name)) if v}
        if self.counts:
            row["counts"] = dict(self.counts)
        if self.consent:
            row["consent"] = dict(self.consent)
        if self.helper is not None:  # only then: the entries before helped visits are stored as they were
            row["helper"] = self.helper.stored()
        return row


def read_detail(detail: Mapping | str) -> JournaledDetail:
    """An entry's detail, whether stored as codes (a mapping) or as the text of older entries."""
    if isinstance(detail, str):
        return _read_legacy(detail)
    emergency = detail.get("emergency") or {}
    change = detail.get("change")
    return JournaledDetail(
        code=detail.get("code", ""), document_id=detail.get("document", ""),
        emergency_kind=emergency.get("kind", ""), emergency_reason=emergency.get("reason", ""),
        note=detail.get("note", ""), wish=detail.get("wish", ""), change=Change(**change) if change else None,
        counts=dict(detail.get("counts") or {}), consent=dict(detail.get("consent") or {}),
        helper=Helper.from_stored(detail["helper"]) if detail.get("helper") else None,
    )


# -- entries written before codes -------------------------------------------------------------

# How the old text joined its parts (the old Decision.detail).
_SEPARATOR, _DOCUMENT, _EMERGENCY = " ; ", "document ", "urgence "
# The French notes the use cases added then, and their codes now.
_LEGACY_NOTES = {
    "caché aux professionnels": "hidden",
    "de nouveau visible": "shown",
    "copie PDF": "copy_pdf",
    "archive ZIP": "copy_archive",
    "copie par courrier": "copy_post",
}


def _read_legacy(text: str) -> JournaledDetail:
    """The old text: "<code>[ ; document <id>][ ; urgence <kind> : <reason>| ; <note>]".

    The document can only be the part right after the code, and the emergency reason, free text
    that may hold " ; " or "document …", is the last part, taken whole: what a professional
    wrote can never pass for a document id. A use case's own text (a setting's change) stays
    whole in `legacy`, as it was written."""
    code, _, rest = text.partition(_SEPARATOR)
    document_id = ""
    if rest.startswith(_DOCUMENT):
        part, _, rest = rest.partition(_SEPARATOR)
        document_id = part[len(_DOCUMENT):]
    if rest.startswith(_EMERGENCY):
        kind, _, reason = rest[len(_EMERGENCY):].partition(" : ")
        return JournaledDetail(code, document_id, kind, reason, legacy=text)
    return JournaledDetail(code, document_id, note=_LEGACY_NOTES.get(rest, ""), legacy=text)


def noted(note: str) -> dict:
    """The stored detail of an entry that says only one of NOTES (a step of the account)."""
    return JournaledDetail(note=note).stored()


def with_helper(detail: Mapping | str, helper: Helper | None) -> Mapping | str:
    """A stored detail that also names the helper of a helped visit; as it was without one."""
    if helper is None:
        return detail
    if isinstance(detail, str) and detail:
        raise TypeError("new entries keep codes, never a text")
    return replace(read_detail(detail or {}), helper=helper).stored()
