"""Forms of the carer’s own side (web/carers.py): the invitation's code, the carer's contact for their
own login codes, their password, their login."""
from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, StopValidation

from .accounts import MOBILE_HINT, SMS_MEANING, _EMAIL_KW, _MOBILE_KW, _new_password_fields
from .base import Form
from .validators import EmailAddress, Mobile

CARER_ID_HINT = "Il commence par « ai », puis il a 8 chiffres. Par exemple : ai12345678."


class InvitationCodeForm(Form):
    code = StringField(
        "Code de l’invitation",
        description="Il a 12 lettres et chiffres. Il est sur le message ou sur la lettre d’invitation.",
        validators=[DataRequired("Écrivez le code de l’invitation")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class CarerContactForm(Form):
    """Where the carer's own login codes go: their mobile, or their e-mail (never the patient's)."""

    mobile = StringField(
        "Votre numéro de téléphone portable",
        description=f"Écrivez votre portable ou votre e-mail. {MOBILE_HINT} {SMS_MEANING}",
        validators=[Mobile(required=False)],
        render_kw=_MOBILE_KW,
    )
    email = StringField(
        "Votre adresse e-mail",
        description="Avec un portable et un e-mail, vos codes arrivent par SMS.",
        validators=[EmailAddress(required=False)],
        render_kw=_EMAIL_KW,
    )

    def validate_mobile(self, field):
        if not field.data and not (self.email.data or "").strip():
            raise StopValidation("Écrivez votre numéro de portable ou votre adresse e-mail")

    def channel(self) -> str:
        return "sms" if self.mobile.data else "email"


class CarerPasswordForm(Form):
    new_password, new_password_confirm = _new_password_fields()


class CarerLoginForm(Form):
    login_id = StringField(
        "Identifiant d’aidant",
        description=CARER_ID_HINT,
        validators=[DataRequired("Écrivez votre identifiant d’aidant")],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Écrivez votre mot de passe")],
        render_kw={"autocomplete": "current-password"},
    )


class CarerForgottenPasswordForm(Form):
    login_id = CarerLoginForm.login_id
