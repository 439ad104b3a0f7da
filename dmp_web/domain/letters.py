"""How long a postal letter is kept: until it is printed, then a while to print it again if the
post loses it. Unprinted letters are never deleted: a person waits for each one."""
from __future__ import annotations

from datetime import datetime, timedelta

KEPT_AFTER_PRINTING = timedelta(days=30)
POST_DELAY = timedelta(days=7)  # what we tell people about a letter's journey


def may_be_deleted(printed_at: datetime | None, now: datetime) -> bool:
    return printed_at is not None and now - printed_at >= KEPT_AFTER_PRINTING

# What each kind of letter is, for the mail room's list.
KIND_LABELS = {
    "creation_code": "code pour créer le DMP",
    "identifier": "identifiant oublié",
    "dossier_copy": "copie du DMP",
    "emergency_notice": "accès en urgence au DMP",  # services/notices.py
    # services/notices.py tell_holder: the patient without contact, or who asked for letters
    "document_notice": "nouveau document dans le DMP",
    "report_notice": "signalement traité",
    "password_notice": "mot de passe changé",
    "contact_notice": "portable ou e-mail changé",
    "history_letter": "historique du mois",  # services/history_letters.py
    # services/coming_of_age.py: at 18, to the representatives, and the young adult's own letter
    "representatives_notice": "fin de l’accès des parents à 18 ans",
    # services/notices.py: carers
    "carer_invited_notice": "aidant invité",
    "carer_accepted_notice": "aidant qui a accepté",
    "carer_acts_notice": "ce que les aidants ont fait",
    "credential_letter_at_18": "identifiant et mot de passe à 18 ans",
}
