"""The French messages of logins, passwords and one-time codes, written once for every journey
(patients, professionals, a new mobile or e-mail). Field errors end without a full stop."""
from __future__ import annotations

from ..domain.accounts import CodeCheck
from .request_log import refuse

OTP_MESSAGES = {
    CodeCheck.WRONG: "Ce code n’est pas le bon. Il vous reste {tries_left} {tries_word}",
    CodeCheck.EXPIRED: "Ce code a plus de 10 minutes : il ne marche plus. Demandez un nouveau code",
    CodeCheck.EXHAUSTED: "Ce code ne marche plus après 5 erreurs. Demandez un nouveau code",
    CodeCheck.MISSING: "Ce code a déjà servi ou n’existe plus. Demandez un nouveau code",
}
PASSWORD_MESSAGES = {
    "password_short": "Le mot de passe doit avoir au moins 12 caractères",
    "password_long": "Le mot de passe doit avoir au plus 128 caractères",
    "password_identifier": "Le mot de passe ne doit pas contenir votre identifiant",
    "password_same": "Le nouveau mot de passe doit être différent de l’ancien",
    "password_personal": "N’y mettez pas votre nom, votre date de naissance ni votre numéro",
    "password_repeated": "N’écrivez pas la même lettre plusieurs fois, ni 1234 ou azerty",
    "password_common": "Ce mot de passe est parmi les plus utilisés. Choisissez-en un autre",
    "password_guessable": "Ce mot de passe est trop facile à deviner. Ajoutez 1 ou 2 mots",
}

# « Mon compte »: why the current password was refused (services/account_settings.py)
CURRENT_PASSWORD_MESSAGES = {
    "wrong": "Ce mot de passe n’est pas le bon. Après 3 erreurs, attendez 30 secondes entre 2 essais",
    "locked": "Après des erreurs, attendez 30 secondes entre 2 essais",
}
# the first connection's current password is the letter's
INITIAL_PASSWORD_MESSAGES = {**CURRENT_PASSWORD_MESSAGES,
                             "wrong": "Ce mot de passe n’est pas le bon. Vérifiez votre lettre"}


def show_password_refusal(form, refusal, current_messages=CURRENT_PASSWORD_MESSAGES) -> None:
    """Every reason a new password was refused, under its fields, at once: the current password
    (form.current_password, when the form has one) and each problem of the new one."""
    current = refusal.details.get("current")
    if current:
        form.current_password.errors = [current_messages[current]]
    form.new_password.errors = [PASSWORD_MESSAGES["password_" + p] for p in refusal.details.get("problems", [])]


# Why a login was refused -> (the request log's reason, the message under the password). A wrong
# password, an unknown identifier and a try too soon after wrong ones read the same.
WRONG_LOGIN = ("L’identifiant ou le mot de passe n’est pas le bon. Vérifiez les 2. "
               "Après des erreurs, attendez 30 secondes entre 2 essais")
CODES_OF_THE_DAY = "Vous avez reçu beaucoup de codes aujourd’hui. Réessayez demain"
LOGIN_REFUSALS = {
    "wrong": ("wrong_credentials", WRONG_LOGIN),
    "locked": ("locked", WRONG_LOGIN),
    "too_many": ("rate_limit", CODES_OF_THE_DAY),
    "deactivated": ("deactivated", "Ce compte est fermé. Parlez à la personne qui gère les comptes "
                                   "dans votre établissement"),
    "no_contact": ("no_contact", "Votre DMP n’a ni portable ni e-mail pour vos codes. Allez à l’accueil "
                                 "de votre caisse d’assurance maladie"),
}


def login_refused(form, refusal) -> None:
    """Say on the form why the login was refused, and log it."""
    reason, message = LOGIN_REFUSALS[refusal.code]
    refuse(reason)
    form.password.errors = [message]


def otp_message(check: CodeCheck, tries_left: int) -> str:
    """Why a one-time code was refused, in French (the last try in the singular)."""
    return OTP_MESSAGES[check].format(tries_left=tries_left, tries_word="essai" if tries_left == 1 else "essais")


def code_wait_message(seconds: int) -> str:
    """Why no new code goes now: the minute between 2 codes, or the codes of the day."""
    if seconds > 120:
        return CODES_OF_THE_DAY
    return f"Attendez encore {seconds} secondes avant de demander un nouveau code"
