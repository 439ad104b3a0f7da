"""The history of accesses («Historique des accès»): every journal entry of a dossier, newest
first, told to the patient in short French sentences.

`describe` and `page_of` are pure; `read_history` asks the access policy, journals the reading
and gathers what the sentences need (the titles the patient may read, the professionals' names).

Longer than 300 lines: one short sentence per kind of journal entry, old text entries included.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol
from collections.abc import Iterable, Iterator, Mapping

from ..domain.paging import PageLinks
from ..domain.access import REASONS, Decision
from ..domain.details import JournaledDetail, read_detail
from ..domain.actors import FORBIDDEN_KINDS, ActorKind, LegalRepresentative, Profession, Professional, SPECIALTIES
from ..domain.dossier import Dossier
from ..domain import helped_visit
from ..domain.representatives import FEMININE_LINKS, named_by
from ..domain.journal import HOLDER_SIDE, JournalEntry
from ..domain.reports import Report
from ..domain.sharing import SHARE_DURATION
from ..domain.wishes import WishItem
from ..formatting import date_fr, de, time_fr
from . import dossier_access
from . import reports as patient_reports
from .context import Context

PER_PAGE = 20
EMERGENCY_LABEL = "Accès en urgence"
A_DOCUMENT = "un document"  # a document the patient may not read (yet): its title is never shown

# Decisions of the access policy: what was done ("a lu …") and what was tried ("essayé de lire …").
# {doc} is the title in quotes, or «un document».
_DONE_AND_TRIED = {
    "read_dossier": ("ouvert votre DMP", "ouvrir votre DMP"),
    "list_documents": ("regardé la liste de vos documents", "regarder la liste de vos documents"),
    "read_document": ("lu {doc}", "lire {doc}"),
    "write_document": ("ajouté {doc}", "ajouter {doc}"),
    "release_document": ("rendu {doc} visible pour vous", "rendre {doc} visible pour vous"),
    "hide_document": ("changé qui peut voir {doc}", "cacher ou montrer {doc} aux professionnels"),
    "export": ("fait une copie de votre DMP", "faire une copie de votre DMP"),
    "manage": ("changé les réglages de votre DMP", "changer les réglages de votre DMP"),
    "create_dossier": ("créé votre DMP", "créer votre DMP"),
    "dossier_closed": ("fermé votre DMP", "fermer votre DMP"),
    "dossier_reopened": ("rouvert votre DMP", "rouvrir votre DMP"),
    "dossier_created": ("créé votre DMP", "créer votre DMP"),
    "carer_accepted": ("accepté votre invitation à vous aider", "accepter votre invitation"),
    "break_glass": ("ouvert votre DMP en urgence", "ouvrir votre DMP en urgence"),
    "regulator_access": (
        "ouvert votre DMP. C’était pendant un appel au 15",
        "ouvrir votre DMP. C’était pendant un appel au 15",
    ),
    "open_emergency": ("ouvert votre DMP en urgence", "ouvrir votre DMP en urgence"),
    "read_wish": ("vu {wish}", "voir {wish}"),
    "record_consent": ("noté votre accord pour lire votre DMP", "noter votre accord pour lire votre DMP"),
    # sharing codes (services/sharing.py): a refused use is "use_sharing_code", an allowed one the code used
    "use_sharing_code": ("utilisé votre code de partage", "utiliser votre code de partage"),
    "sharing_code_used": ("utilisé votre code de partage", "utiliser votre code de partage"),
    # a desk agent helps with an existing DMP (services/desk_help.py); _at_desk adds where
    "desk_help": ("aidé avec votre DMP", "vous aider avec votre DMP"),
    "desk_identity_checked": ("vérifié votre carte Vitale pour vous aider", "vérifier votre carte Vitale"),
    "desk_letter_printed": ("fait une nouvelle lettre avec un nouveau mot de passe",
                            "faire une nouvelle lettre avec un nouveau mot de passe"),
    "desk_contact_changed": ("changé votre portable ou votre e-mail", "changer votre portable ou votre e-mail"),
    "desk_identifier_sent": ("envoyé de nouveau votre identifiant", "envoyer de nouveau votre identifiant"),
    "desk_dossier_closed": ("fermé votre DMP à votre demande", "fermer votre DMP"),
    "desk_dossier_reopened": ("rouvert votre DMP à votre demande", "rouvrir votre DMP"),
    "desk_representative_added": ("ajouté un 2e représentant légal", "ajouter un 2e représentant légal"),
}
# What set_hidden (services/dossier_access.py) notes once the change is made.
_HIDE_NOTES = {
    "hidden": "caché {doc} aux professionnels",
    "shown": "montré de nouveau {doc} aux professionnels",
    "hidden_from_carers": "caché {doc} à vos aidants",
    "shown_to_carers": "montré de nouveau {doc} à vos aidants",
}

# Which copy an "export" was (services/copies.py notes it).
_EXPORT_NOTES = {
    "copy_pdf": "demandé une copie de votre DMP à imprimer",
    "copy_archive": "demandé une copie complète de votre DMP, avec ses fichiers",
    "copy_post": "demandé une copie de votre DMP par courrier",
    "download_pdf": "téléchargé la copie de votre DMP à imprimer",
    "download_archive": "téléchargé l’archive de votre DMP, avec ses fichiers",
    # « Ma carte d’urgence » (services/emergency_card.py)
    "emergency_card_read": "regardé votre carte d’urgence",
    "emergency_card_pdf": "téléchargé votre carte d’urgence",
}

# What a setting's change was («Le changement : …»), and the emergency choice («Votre choix : …»).
_WISHES = "volontés et droits : "
_CHANGES = {
    "attending_doctor": "médecin traitant : {name} (RPPS {rpps})",
    "professional_blocked": "professionnel bloqué : {name} (RPPS {rpps})",
    "professional_unblocked": "professionnel débloqué : {name} (RPPS {rpps})",
    "rights_granted": "droits du médecin traitant donnés à {name} (RPPS {rpps})",
    "rights_revoked": "droits du médecin traitant retirés à {name} (RPPS {rpps})",
    "emergency_access_allowed": "accès en urgence autorisé",
    "emergency_access_refused": "accès en urgence refusé",
    "alerts_on": "alerte par e-mail activée",
    "alerts_off": "alerte par e-mail arrêtée",
    "dossier_closed": "DMP fermé",
    "dossier_reopened": "DMP rouvert",
    "trusted_person_set": _WISHES + "personne de confiance enregistrée",
    "trusted_person_removed": _WISHES + "personne de confiance retirée",
    "emergency_contact_is_trusted_person": _WISHES + "personne à prévenir en cas d’urgence : la personne de confiance",
    "emergency_contact_set": _WISHES + "personne à prévenir en cas d’urgence enregistrée",
    "emergency_contact_removed": _WISHES + "personne à prévenir en cas d’urgence retirée",
    "advance_directives_written": _WISHES + "directives anticipées écrites",
    "advance_directives_erased": _WISHES + "directives anticipées écrites effacées",
    "organ_donation_set": _WISHES + "choix sur le don d’organes enregistré",
    "health_facts_set": _WISHES + "groupe sanguin et allergies enregistrés",
    "emergency_card_set": _WISHES + "choix de votre carte d’urgence enregistrés",
    "regulator_access_allowed": "le médecin du centre 15 peut ouvrir votre DMP pendant un appel",
    "regulator_access_refused": "le médecin du centre 15 ne peut pas ouvrir votre DMP",
    "break_glass_allowed": "un soignant peut ouvrir votre DMP en urgence",
    "break_glass_refused": "un soignant ne peut pas ouvrir votre DMP en urgence",
    "hidden_in_emergency_allowed": "en urgence, un soignant peut lire vos documents cachés",
    "hidden_in_emergency_refused": "en urgence, vos documents cachés restent cachés",
    "professional_reported": "signalement {de_name} (RPPS {rpps})",
    "report_handled": "signalement traité : {name} (RPPS {rpps})",
    # services/notices.py
    "opening_alerts_on": "message quand un soignant ouvre votre DMP activé",
    "opening_alerts_off": "message quand un soignant ouvre votre DMP arrêté",
    "trusted_person_set_told_of_emergencies": _WISHES + "personne de confiance enregistrée, à prévenir des "
                                                        "accès en urgence",
    "sharing_code_made": "code de partage créé, valable 24 heures",
    "carer_invited": "invitation pour {name}, qui pourra vous aider",
    "carer_ended": "fin de l’accès {de_name}, qui vous aidait",
    "carer_invitation_cancelled": "invitation pour {name} annulée",
    "sharing_code_cancelled": "code de partage annulé",
    # « Mes alertes »: letters (services/notices.py, services/history_letters.py)
    "notices_by_post_on": "vous recevez vos messages par courrier",
    "notices_by_post_off": "vous ne recevez plus vos messages par courrier",
    "history_by_post_on": "vous recevez votre historique par courrier chaque mois",
    "history_by_post_off": "vous ne recevez plus votre historique par courrier",
}


def _changed(detail: JournaledDetail) -> str:
    """What changed, as the old entries wrote it too; "" if the entry does not say."""
    if detail.change is not None:
        change = detail.change
        name = change.name or change.rpps
        return _CHANGES[change.what].format(name=name, rpps=change.rpps, de_name=de(name))
    if detail.legacy and detail.code not in REASONS:  # an older entry: the use case's own text
        return detail.legacy
    return ""

# The patient's own account, and what the Assurance Maladie does: sentences of their own.
# {e} agrees with a woman («connectée»).
_OWN_SENTENCES = {
    "creation_code_sent": "Un code pour créer votre DMP vous a été envoyé {when}.",
    "creation_code_requested": ("Quelqu’un a écrit votre numéro {when}. Il voulait un code pour créer un DMP. "
                                "Vous en avez déjà un : rien n’a changé."),
    "dossier_creation_refused": ("Quelqu’un a écrit votre numéro {when}. Il voulait créer un DMP. "
                                 "Vous en avez déjà un : rien n’a changé."),
    "login_password_ok": "Vous avez écrit votre mot de passe {when}.",
    "login_password_wrong": "Un mot de passe faux a été écrit {when}.",
    "login_locked": "Un mot de passe a été écrit trop tôt après des erreurs {when}. Il n’a pas été vérifié.",
    "otp_sent": "Un code de connexion vous a été envoyé {when}.",
    "otp_wrong": "Un code de connexion faux a été écrit {when}.",
    "otp_void": "Votre code de connexion a été annulé {when}.{reason}",
    "login_succeeded": "Vous vous êtes connecté{e} {when}.",
    "logout": "Vous vous êtes déconnecté{e} {when}.",
    "session_expired": "Vous avez été déconnecté{e} {when}, car vous n’utilisiez plus le site.",
    "password_changed": "Vous avez changé votre mot de passe {when}.",
    "password_reset_requested": "Vous avez demandé un nouveau mot de passe {when}.",
    "identifier_sent": "Votre identifiant vous a été envoyé {when}.",
    "contact_changed": "Vous avez enregistré votre téléphone ou votre e-mail {when}.",
    "otp_channel_changed": "Vous avez choisi comment recevoir vos codes de connexion {when}.",
    "emergency_access_set": "Vous avez fait votre choix pour l’accès en urgence {when}.{choice}",
    "first_connection_done": "Vous avez fini votre première connexion {when}.",
    "other_sessions_ended": "Vous avez fermé vos autres sessions {when}.",
    "reimbursements_updated": "L’Assurance Maladie a mis à jour vos remboursements {when}.",
    # services/coming_of_age.py: at 18, the parents' or guardian's access ended, a letter to you
    "representatives_ended": ("Vous avez eu 18 ans. Vos représentants légaux n’ont plus accès à votre DMP "
                              "depuis {when}. Une lettre vous donne votre identifiant."),
    "carers_ended_at_18": ("Vous avez eu 18 ans. Vos aidants ne voient plus votre DMP depuis {when}. "
                           "Vos représentants légaux les avaient invités. Vous pouvez inviter vos aidants "
                           "dans « Mes aidants »."),
    # « Je ne connais pas cette personne » (services/reports.py): {name} is the reported professional,
    # {actor} the desk agent who handled the report
    "professional_reported": "Vous avez signalé {name} {when}. Vous ne connaissez pas cette personne.",
    "report_handled": "{actor} a traité votre signalement {when}. Il parlait {de_name}.",
    # services/notices.py: {told} says to whom and how (_TOLD), {reason} why it did not go
    "emergency_notice": "{told} {when}. C’était pour un accès en urgence à votre DMP.{reason}",
    "openings_notice": "{told} {when}. C’était pour dire qui a ouvert votre DMP.{reason}",
    # every notice to the patient (services/notices.py tell_holder), and the monthly letter
    "document_notice": "{told} {when}. C’était pour dire qu’un document est arrivé.{reason}",
    "report_notice": "{told} {when}. C’était pour dire que votre signalement est traité.{reason}",
    "password_notice": "{told} {when}. C’était pour dire que votre mot de passe a changé.{reason}",
    "contact_notice": "{told} {when}. C’était pour dire que votre portable ou votre e-mail a changé.{reason}",
    "history_letter": "{told} {when}. C’était la liste des accès à votre DMP pendant 1 mois.{reason}",
    "representatives_notice": "{told} {when}. C’était pour dire à vos parents ou tuteur que leur accès est fini."
                              "{reason}",
    # carers (services/notices.py): the entry keeps only the way it went; their acts have their own lines
    "carer_invited_notice": "{told} {when}. C’était pour dire que vous avez invité une personne à vous aider.{reason}",
    "carer_accepted_notice": "{told} {when}. C’était pour dire qu’une personne a accepté de vous aider.{reason}",
    "carer_acts_notice": "{told} {when}. C’était pour dire ce qu’ont fait les personnes qui vous aident.{reason}",
    # « Je me fais aider » (domain/helped_visit.py): {helper} «Marie DUPONT (France Services)»,
    # {ending} why it ended (_HELP_ENDINGS)
    "helped_visit_started": "Vous avez commencé une visite avec l’aide de {helper} {when}. "
                            f"Elle dure {helped_visit.DURATION_HOURS} heures au plus.",
    "helped_visit_ended": "La visite avec l’aide de {helper} est finie {when}.{ending}",
    # « Mes aidants » (services/carers.py): {de_name} is the person invited; a failure says it in {told}
    "carer_invitation_sent": "{told} {when}. C’était le code d’invitation {de_name}.",
}

# The same steps of an account, done by a minor's other legal representative: {actor} names them
# («Votre mère, Sophie Moreau,»), {e} agrees with them. Any other is told by THEIR_OTHER.
_THEIR_SENTENCES = {
    "login_password_ok": "{actor} a écrit son mot de passe {when}.",
    "login_password_wrong": "{actor} a écrit un mot de passe faux {when}.",
    "otp_sent": "{actor} a reçu un code de connexion {when}.",
    "otp_wrong": "{actor} a écrit un code de connexion faux {when}.",
    "login_succeeded": "{actor} s’est connecté{e} {when}.",
    "logout": "{actor} s’est déconnecté{e} {when}.",
    "session_expired": "{actor} a été déconnecté{e} {when}, car il n’utilisait plus le site.",
    "password_changed": "{actor} a changé son mot de passe {when}.",
    "password_reset_requested": "{actor} a demandé un nouveau mot de passe {when}.",
    "contact_changed": "{actor} a enregistré son téléphone ou son e-mail {when}.",
    "otp_channel_changed": "{actor} a choisi comment recevoir ses codes de connexion {when}.",
    "emergency_access_set": "{actor} a fait un choix pour l’accès en urgence {when}.{choice}",
    "first_connection_done": "{actor} a fini sa première connexion {when}.",
    "other_sessions_ended": "{actor} a fermé ses autres sessions {when}.",
    "professional_reported": "{actor} a signalé {name} {when}. Il ne connaît pas cette personne.",
    "helped_visit_started": "{actor} a commencé une visite avec l’aide de {helper} {when}.",
    "helped_visit_ended": "{actor} a fini sa visite avec l’aide de {helper} {when}.",
}
THEIR_OTHER = "{actor} a utilisé son compte {when}."

# Why a helped visit ended (domain/helped_visit.py ENDINGS): a sentence after «… est finie le …».
_HELP_ENDINGS = {
    helped_visit.ENDED_BY_PATIENT: " Vous avez appuyé sur «\u00a0Finir l’aide\u00a0».",
    helped_visit.ENDED_AT_LOGOUT: " Vous vous êtes déconnecté{e}.",
    helped_visit.ENDED_WITH_SESSION: " La connexion s’est fermée.",
    helped_visit.ENDED_AFTER_DURATION: f" Les {helped_visit.DURATION_HOURS} heures étaient passées.",
}
_HELP_ACTIONS = frozenset({"helped_visit_started", "helped_visit_ended"})


def _helped_by(entry: JournalEntry, detail: JournaledDetail) -> str:
    """After any entry of the patient's side during a helped visit: who sat beside them."""
    if detail.helper is None or entry.action in _HELP_ACTIONS:
        return ""
    return f" C’était avec l’aide de {detail.helper.label}."

_WISH_CODES = frozenset(item.value for item in WishItem)

# Who was told of an access to the DMP, and how (services/notices.py): (sent, not sent). In
# words without a hard term, so the history needs no explanation beside them: «votre médecin» is
# the médecin traitant, «la personne à qui vous faites confiance» the personne de confiance.
_TOLD = {
    "to_holder_by_sms": ("Nous vous avons envoyé un message sur votre portable",
                         "Nous n’avons pas pu vous envoyer de message sur votre portable"),
    "to_holder_by_email": ("Nous vous avons envoyé un e-mail", "Nous n’avons pas pu vous envoyer d’e-mail"),
    "to_holder_by_post": ("Nous vous avons envoyé une lettre", "Nous n’avons pas pu vous envoyer de lettre"),
    "to_attending_doctor_by_sms": ("Nous avons envoyé un message sur le portable de votre médecin",
                                   "Nous n’avons pas pu envoyer de message sur le portable de votre médecin"),
    "to_attending_doctor_by_email": ("Nous avons envoyé un e-mail à votre médecin",
                                     "Nous n’avons pas pu envoyer d’e-mail à votre médecin"),
    "to_attending_doctor_unreachable": ("Nous avons prévenu votre médecin",
                                        "Nous n’avons pas pu prévenir votre médecin"),
    "to_trusted_person_by_sms": ("Nous avons envoyé un message à la personne à qui vous faites confiance",
                                 "Nous n’avons pas pu écrire à la personne à qui vous faites confiance"),
    "to_trusted_person_by_email": ("Nous avons envoyé un e-mail à la personne à qui vous faites confiance",
                                   "Nous n’avons pas pu écrire à la personne à qui vous faites confiance"),
    # services/notices.py contact_changed: the contact the desk replaced
    "to_old_mobile_by_sms": ("Nous avons envoyé un message sur votre ancien portable",
                             "Nous n’avons pas pu envoyer de message sur votre ancien portable"),
    "to_old_email_by_email": ("Nous avons envoyé un e-mail à votre ancienne adresse",
                              "Nous n’avons pas pu envoyer d’e-mail à votre ancienne adresse"),
    # services/carers.py: the invitation's code, to the person the patient invites
    "to_carer_by_sms": ("Nous avons envoyé un SMS à votre aidant", "Nous n’avons pas pu envoyer de SMS à votre aidant"),
    "to_carer_by_email": ("Nous avons envoyé un e-mail à votre aidant",
                          "Nous n’avons pas pu envoyer d’e-mail à votre aidant"),
}


def _told(note: str, sent: bool) -> str:
    said = _TOLD.get(note)
    if said is None:
        return "Nous avons envoyé un message" if sent else "Nous n’avons pas pu envoyer un message"
    return said[0] if sent else said[1]


DESCRIBED_ACTIONS = frozenset(_DONE_AND_TRIED) | frozenset(_OWN_SENTENCES)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str  # one to three short sentences (for a repeated action: its newest time's)
    emergency: bool
    refused: bool
    # the professional who made this access (RPPS), the entry's place, and the patient's report
    # of that professional when there is one (services/reports.py's on_history)
    rpps: str = ""
    seq: int = -1
    report: Report | None = None
    # The patient's own action done `times` times in a row, told once: the first time was `since`.
    times: int = 1
    since: datetime | None = None

    @property
    def label(self) -> str:
        """Said in words before the sentence, so an emergency does not stand out by colour alone."""
        return EMERGENCY_LABEL if self.emergency else ""

    @property
    def sentence(self) -> str:
        told = f"{self.what} C’était {self._moment}." if self.times > 1 else self.text
        return f"{self.label} : {told}" if self.label else told

    @property
    def _moment(self) -> str:
        return _between(self.since, self.at) if self.times > 1 and self.since else _when(self.at)

    @property
    def when(self) -> str:
        """«Le 12 octobre 2026 à 10 h 05»: the page shows it on a line of its own."""
        return self._moment[:1].upper() + self._moment[1:]

    @property
    def what(self) -> str:
        """The text without its date and time, for the page that shows them above it; a
        sentence of its own, so it starts with a capital even after the emergency label.
        A repeated action says how many times instead («… 30 fois.»)."""
        what = self.text.replace(f" {_when(self.at)}", f" {self.times} fois" if self.times > 1 else "")
        return what[:1].upper() + what[1:]


NBSP = "\u00a0"  # a line never breaks inside «10 h 12», nor right inside the quotes of a title


def _when(at: datetime) -> str:
    return f"le {date_fr(at)} à {time_fr(at).replace(' ', NBSP)}"


def _between(first: datetime, last: datetime) -> str:
    """«le 3 mars 2026, de 9 h 05 à 11 h 40», or «du 2 mars 2026 à 9 h 05 au 3 mars 2026 à 11 h 40»."""
    start, end = time_fr(first).replace(" ", NBSP), time_fr(last).replace(" ", NBSP)
    if date_fr(first) != date_fr(last):
        return f"du {date_fr(first)} à {start} au {date_fr(last)} à {end}"
    return _when(last) if start == end else f"le {date_fr(last)}, de {start} à {end}"


def _quoted(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


def _de(phrase: str) -> str:
    """«essayé de lire», «essayé d’ouvrir»."""
    return f"d’{phrase}" if phrase[:1].lower() in "aeéèêiîouh" else f"de {phrase}"


def _as_told(text: str) -> str:
    """A sentence after a colon («C’était refusé : …»): first letter in lower case (not an acronym's), one dot."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text + "."


@dataclass(frozen=True)
class Speaker:
    name: str  # at the start of a sentence
    feminine: bool


def speakers(dossier: Dossier, reader) -> dict[str, Speaker]:
    """How a minor's legal representatives start a sentence for this reader: «Vous» for their
    own acts, «Votre mère, Sophie Moreau,» for the young person, «Marc Moreau (père)» for the other."""
    reader_id = reader.id if isinstance(reader, LegalRepresentative) else None
    return {r.id: Speaker("Vous" if r.id == reader_id else named_by(r, reader_is_holder=reader_id is None),
                          r.link in FEMININE_LINKS) for r in dossier.representatives}


def who(entry: JournalEntry, professionals: Mapping[str, Professional],
        representatives: Mapping[str, Speaker] | None = None) -> str:
    """The actor as the patient reads them, at the start of a sentence ("" for the system);
    `representatives`: `speakers` of the dossier."""
    kind = entry.actor_kind
    if kind == ActorKind.HOLDER.value:
        return "Vous"
    if kind == ActorKind.LEGAL_REPRESENTATIVE.value and representatives and entry.actor_id in representatives:
        return representatives[entry.actor_id].name
    if kind == "system":
        return ""
    if kind == ActorKind.CARER.value:  # named as the patient wrote it, in the invitation
        return f"{entry.actor_name or 'Quelqu’un'}, votre aidant,"
    if kind == ActorKind.PROFESSIONAL.value:
        return _professional_words(entry, professionals.get(entry.actor_id))
    try:
        actor_kind = ActorKind(kind)
    except ValueError:
        return entry.actor_name or "Quelqu’un"
    name = entry.actor_name or "Quelqu’un"
    suffix = f"({actor_kind.label})"
    if actor_kind in FORBIDDEN_KINDS and name.endswith(suffix):
        return name  # the journal already says what they are
    return f"{name} {suffix}"


def _professional_words(entry: JournalEntry, professional: Professional | None) -> str:
    if professional is None:
        return entry.actor_name or "Un professionnel de santé"
    if professional.profession is Profession.MEDECIN:
        name = professional.name.removeprefix("Dr ").strip()
        # «docteur» already says «médecin»; a specialty other than general practice helps
        title = professional.doctor_title.capitalize()
        if professional.specialty and professional.specialty != "medecine_generale":
            return f"{title} {name} ({SPECIALTIES[professional.specialty]})"
        return f"{title} {name}"
    return f"{professional.name} ({professional.profession_label})"


def _own_line(entry: JournalEntry, detail: JournaledDetail, when: str, feminine: bool,
              representatives: Mapping[str, Speaker] | None) -> HistoryLine:
    """A step of the patient's own account (_OWN_SENTENCES), or of a minor's other representative."""
    own, whose = _OWN_SENTENCES[entry.action], "Votre"
    speaker = _other_representative(entry, representatives)
    if speaker is not None:  # their account's steps, in the third person
        own, feminine, whose = _THEIR_SENTENCES.get(entry.action, THEIR_OTHER), speaker.feminine, "Son"
    reason = f" Raison : {_as_told(entry.reason)}" if entry.reason else ""
    chosen = _changed(detail)
    choice = f" {whose} choix : {_as_told(chosen)}" if chosen else ""
    named = (detail.change.name or detail.change.rpps) if detail.change else ""
    told = _told(detail.note, entry.allowed)
    e = "e" if feminine else ""
    helper = detail.helper.label if detail.helper else "quelqu’un"
    ending = _HELP_ENDINGS.get(detail.note, "").format(e=e) if entry.action == "helped_visit_ended" else ""
    text = own.format(when=when, e=e, reason=reason, choice=choice, name=named, de_name=de(named),
                      actor=who(entry, {}, representatives), told=told, helper=helper, ending=ending)
    return HistoryLine(entry.at, text + _helped_by(entry, detail), entry.emergency, not entry.allowed)


def _other_representative(entry: JournalEntry, representatives: Mapping[str, Speaker] | None) -> Speaker | None:
    """The speaker of an entry by a minor's legal representative other than the reader."""
    if entry.actor_kind != ActorKind.LEGAL_REPRESENTATIVE.value or not representatives:
        return None
    speaker = representatives.get(entry.actor_id)
    return speaker if speaker is not None and speaker.name != "Vous" else None


def _lowered(actor: str) -> str:
    """The actor after «Accès en urgence :»: «le docteur …», names unchanged."""
    return actor[0].lower() + actor[1:] if actor.startswith(("Le ", "La ", "Vous", "Un ", "Quelqu")) else actor


def describe(entry: JournalEntry, *, titles: Mapping[str, str],
             professionals: Mapping[str, Professional], feminine: bool = False,
             representatives: Mapping[str, Speaker] | None = None) -> HistoryLine:
    """One journal entry in plain French.

    `titles` holds only the documents the patient may read: any other document is «un document».
    `professionals` gives the name and profession of the RPPS numbers the entries carry,
    `representatives` how a minor's legal representatives are named (`speakers`)."""
    when = _when(entry.at)
    refused = not entry.allowed
    detail = read_detail(entry.detail)
    if entry.action in _OWN_SENTENCES:
        return _own_line(entry, detail, when, feminine, representatives)

    title = titles.get(detail.document_id) if detail.document_id else None
    doc = _quoted(title) if title else A_DOCUMENT
    actor = who(entry, professionals, representatives)
    done, tried = _DONE_AND_TRIED.get(entry.action, ("fait une action sur votre DMP", "agir sur votre DMP"))
    if entry.action == "hide_document" and detail.note in _HIDE_NOTES:
        done = _HIDE_NOTES[detail.note]
    if entry.action == "export" and detail.note in _EXPORT_NOTES:
        done = _EXPORT_NOTES[detail.note]
    wish = WishItem(detail.wish).label if detail.wish in _WISH_CODES else "une de vos volontés"
    done, tried = done.format(doc=doc, wish=wish), tried.format(doc=doc, wish=wish)

    if not actor:  # the system: the demo data, an import
        text = f"Votre DMP a été créé {when}." if entry.action == "dossier_created" else \
            f"Une action a été faite sur votre DMP {when}."
    else:
        have = "avez" if actor == "Vous" else "a"
        if refused:
            text = f"{actor} {have} essayé {_de(tried)} {when}. C’était refusé."
            if entry.reason:  # its own sentence: the two together would be too long to read
                text += f" {entry.reason.strip()}"
        else:
            text = f"{actor} {have} {done} {when}."
            changed = _changed(detail) if entry.action == "manage" else ""
            if changed:  # the settings' use cases say what changed, for the patient to read
                text += f" Le changement : {_as_told(changed)}"
            text += _shared_until(entry)
            text += _at_desk(entry, detail)
        text += _helped_by(entry, detail)
    if entry.emergency:
        text = _lowered(text)
        if detail.emergency_reason:
            text += f" La raison donnée : {_quoted(detail.emergency_reason)}."
    made_by = entry.actor_id if entry.actor_kind == ActorKind.PROFESSIONAL.value else ""
    return HistoryLine(entry.at, text, entry.emergency, refused, rpps=made_by, seq=entry.seq)


def _at_desk(entry: JournalEntry, detail: JournaledDetail) -> str:
    """After a desk agent's help (services/desk_help.py): at which caisse the person asked."""
    if entry.action not in _DESK_HELP:
        return ""
    place = detail.consent.get("place", "")
    return f" C’était à l’accueil de la caisse{' : ' + place if place else ''}."


_DESK_HELP = frozenset({"desk_identity_checked", "desk_letter_printed", "desk_contact_changed", "desk_identifier_sent",
                        "desk_representative_added",
                        "desk_dossier_closed", "desk_dossier_reopened"})


def _shared_until(entry: JournalEntry) -> str:
    """After a sharing code was used: until when its professional may read (domain/sharing.py)."""
    if entry.action != "sharing_code_used":
        return ""
    return f" Ce soignant peut lire votre DMP jusqu’au {_when(entry.at + SHARE_DURATION).removeprefix('le ')}."


# -- the pages -------------------------------------------------------------------------------

class NoSuchPage(LookupError):
    """A page number the history does not have."""


# The three views of the history: the entries of others than the patient (the default: «who
# looked at my DMP?»), everything (the patient's own repeated actions told once), the emergencies.
OTHERS, EVERYTHING, EMERGENCIES = "others", "everything", "emergencies"
VIEWS = (OTHERS, EVERYTHING, EMERGENCIES)


@dataclass(frozen=True)
class HistoryPage(PageLinks):
    entries: list[JournalEntry]  # this page's, newest first
    number: int
    pages: int | None  # None: more pages follow, how many is not counted (see page_of)
    total: int  # entries in the whole (filtered) history
    # How many journal entries the pages are cut from. Reading a page is itself journaled, so
    # the next page is cut from the same first entries: it neither repeats nor skips a line.
    upto: int = 0
    groups: list[list[JournalEntry]] = field(default_factory=list)  # one per line of the page, newest first

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.pages is None else super().next


class JournalReader(Protocol):
    """What the history page reads of a journal (store.dossiers.JournalRepository)."""

    def count(self, dossier_id: str) -> int: ...

    def entries(self, dossier_id: str, start: int = 0, stop: int | None = None) -> list[JournalEntry]: ...

    def emergencies(self, dossier_id: str, upto: int) -> list[JournalEntry]: ...

    def others(self, dossier_id: str, upto: int, skip: int = 0,
               limit: int | None = None) -> tuple[int, list[JournalEntry]]: ...


def repeats(before: JournalEntry, entry: JournalEntry) -> bool:
    """Whether `entry` tells the same as `before` and joins its line: the same action of the
    patient's side, with the same outcome and details (so the same sentence: two documents read
    stay two lines). A professional's entry, or an emergency, always has a line of its own."""
    same = ("actor_kind", "actor_id", "action", "allowed", "reason", "detail")
    return (before.actor_kind in HOLDER_SIDE and not before.emergency and not entry.emergency
            and all(getattr(before, name) == getattr(entry, name) for name in same))


def _newest_first(journal: JournalReader, dossier_id: str, upto: int, chunk: int = 64) -> Iterator[JournalEntry]:
    """The first `upto` entries from the newest, read `chunk` at a time (a file segment each)."""
    stop = upto
    while stop > 0:
        start = (stop - 1) // chunk * chunk
        yield from reversed(journal.entries(dossier_id, start, stop))
        stop = start


def grouped(entries: Iterable[JournalEntry], lines: int) -> tuple[list[list[JournalEntry]], bool]:
    """The first `lines` lines of these entries (newest first), a repeated action on one line;
    and whether a line follows. Reads one entry past the last line, never the rest."""
    found: list[list[JournalEntry]] = []
    for entry in entries:
        if found and repeats(found[-1][-1], entry):
            found[-1].append(entry)
        elif len(found) == lines:
            return found, True
        else:
            found.append([entry])
    return found, False


def page_of(journal: JournalReader, dossier_id: str, number: int, *, view: str = EVERYTHING,
            per_page: int = PER_PAGE, upto: int | None = None) -> HistoryPage:
    """Page `number` (from 1) of the first `upto` entries (all by default), newest first;
    NoSuchPage outside 1..pages, or for more entries than the journal holds.

    Only what the page needs is read: the others' and the emergencies' entries come from their
    own store queries; the whole history is read from its newest entry to the page's last line
    (its lines, repeats joined, are not counted: `pages` is None until the last page).
    An empty history still has its page 1, which says there is nothing yet."""
    count = journal.count(dossier_id)
    upto = count if upto is None else upto
    if not 0 <= upto <= count or number < 1 or view not in VIEWS:
        raise NoSuchPage(number)
    # the journal is append-only: its first `upto` entries never change
    start = (number - 1) * per_page
    if view == EVERYTHING:
        lines, more = grouped(_newest_first(journal, dossier_id, upto), start + per_page)
        if number > 1 and len(lines) <= start:
            raise NoSuchPage(number)
        shown = lines[start:]
        return HistoryPage([e for line in shown for e in line], number, None if more else number, upto, upto, shown)
    if view == OTHERS:
        total, chosen = journal.others(dossier_id, upto, start, per_page)
    else:
        emergencies = journal.emergencies(dossier_id, upto)
        total, chosen = len(emergencies), emergencies[start:start + per_page]
    pages = max(1, -(-total // per_page))
    if number > pages:
        raise NoSuchPage(number)
    return HistoryPage(chosen, number, pages, total, upto, [[e] for e in chosen])


# -- the use case ----------------------------------------------------------------------------

@dataclass(frozen=True)
class History:
    decision: Decision
    page: HistoryPage | None = None
    lines: list[HistoryLine] | None = None


def kept_from(ctx: Context, reader, dossier: Dossier) -> set[str]:
    """The documents whose very lines a minor's legal representative never reads: the ones
    hidden from them (domain/representatives.py). None for anyone else."""
    if not isinstance(reader, LegalRepresentative):
        return set()
    return {d.id for d in ctx.repos.documents.list(dossier.id) if d.hidden_from_representatives}


def read_history(ctx: Context, actor, dossier: Dossier, *, page: int, view: str = OTHERS,
                 feminine: bool = False, upto: int | None = None) -> History:
    """The patient reads their history: one journaled decision ("read_dossier"), then the page
    of the view (VIEWS), cut from the first `upto` entries when the page before said so (see
    HistoryPage.upto). A repeated action of the patient is one line, saying how many times.

    Raises NoSuchPage for a page the history does not have (the reading is journaled first)."""
    decision = dossier_access.decide_and_journal(ctx, actor, "read_dossier", dossier)
    if not decision.allowed:
        return History(decision)
    chosen = page_of(ctx.repos.journal, dossier.id, page, view=view, upto=upto)
    readable, _ = dossier_access.visible_documents(ctx, actor, dossier)
    titles = {document.id: document.title for document in readable}
    rpps = {e.actor_id for e in chosen.entries if e.actor_kind == ActorKind.PROFESSIONAL.value}
    professionals = {n: p for n in rpps if (p := ctx.repos.directory.professional(n)) is not None}
    named = speakers(dossier, actor)
    kept_from_reader = kept_from(ctx, actor, dossier)
    lines = []
    for group in chosen.groups:
        if read_detail(group[0].detail).document_id in kept_from_reader:
            continue  # a document hidden from the representatives: not even that it exists
        line = describe(group[0], titles=titles, professionals=professionals, feminine=feminine,
                        representatives=named)
        lines.append(replace(line, times=len(group), since=group[-1].at) if len(group) > 1 else line)
    lines = patient_reports.on_history(ctx, dossier.id, lines)
    return History(decision, chosen, lines)
