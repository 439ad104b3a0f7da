"""Validators shared by the forms. Each message says what to do, in plain French."""
from __future__ import annotations

import re

from flask import current_app
from wtforms.validators import StopValidation, ValidationError

from ..domain.credentials import CREATION_CODE_LENGTH, normalize_code
from ..domain.dates import BadDate, local_day, read_day
from ..domain.identity import InvalidNir, normalize_nir
from ..domain.phones import BadPhone, read_phone
from ..notify.messages import is_plain_address

NIR_MESSAGES = {
    "empty": "Écrivez votre numéro de sécurité sociale",
    "characters": "Écrivez le numéro avec des chiffres seulement. Pour la Corse, il contient 2A ou 2B",
    "first_digit": "Le numéro de sécurité sociale commence par 1 ou par 2",
    "key": "Ce numéro de sécurité sociale n’existe pas. Vérifiez les 2 derniers chiffres sur votre carte",
}
# The same, to a professional or a desk agent who types the number of the person in front of them.
NIR_MESSAGES_FOR_SOMEONE = {
    **NIR_MESSAGES,
    "empty": "Écrivez le numéro de sécurité sociale de la personne",
    "key": "Ce numéro de sécurité sociale n’existe pas. Vérifiez les 2 derniers chiffres sur sa carte",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _digits(text: str) -> str:
    return re.sub(r"[\s.\-\u00a0]", "", text or "")


class Nir:
    """Checks a typed NIR and leaves the 15 clean characters in field.data.

    someone: the number is another person's (typed at a desk), and the messages say so."""

    field_flags = {"required": True}

    def __init__(self, someone: bool = False):
        self.messages = NIR_MESSAGES_FOR_SOMEONE if someone else NIR_MESSAGES

    def __call__(self, form, field):
        try:
            field.data = normalize_nir(field.data or "")
        except InvalidNir as problem:
            if problem.code == "length":
                raise StopValidation(
                    f"Le numéro de sécurité sociale a 15 chiffres. Vous en avez écrit {problem.length}"
                ) from None
            raise StopValidation(self.messages[problem.code]) from None


class TextOrFile:
    """A text field that may stay empty when the form's file field has a file instead."""

    def __init__(self, message: str, file_field: str = "file"):
        self.message = message
        self.file_field = file_field

    def __call__(self, form, field):
        upload = form[self.file_field].data
        if not (field.data or "").strip() and not (upload and getattr(upload, "filename", "")):
            raise StopValidation(self.message)


class SameAs:
    """The second of two typed values must match the first."""

    def __init__(self, other: str, message: str):
        self.other = other
        self.message = message

    def __call__(self, form, field):
        other = form[self.other]
        if not other.errors and _digits(field.data).upper() != _digits(other.data).upper() and (
            field.data or "").strip().lower() != (other.data or "").strip().lower():
            raise ValidationError(self.message)


class Mobile:
    def __init__(self, required: bool = True, message: str | None = None):
        self.required = required
        self.field_flags = {"required": True} if required else {}
        self.message = message or "Écrivez votre numéro de téléphone portable"

    def __call__(self, form, field):
        if not _digits(field.data) and not self.required:
            field.data = ""
            return
        try:
            field.data = read_phone(field.data, mobile=True)
        except BadPhone as bad:
            raise StopValidation(phone_message(bad, self.message, "portable", "commence par 06 ou 07")) from None


def phone_message(bad: BadPhone, empty: str, kind: str, prefix: str) -> str:
    """What to do about a mistyped telephone number; kind: « portable » or « téléphone »."""
    return {
        "empty": empty,
        "characters": f"Le numéro de {kind} s’écrit avec des chiffres seulement",
        "length": f"Le numéro de {kind} a 10 chiffres. Vous en avez écrit {bad.length}",
        "prefix": f"Le numéro de {kind} {prefix}",
    }[bad.code]


class EmailAddress:
    def __init__(self, required: bool = True, message: str | None = None):
        self.required = required
        self.field_flags = {"required": True} if required else {}
        self.message = message or "Écrivez votre adresse e-mail"

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            if self.required:
                raise StopValidation(self.message)
            field.data = ""
            return
        if not _EMAIL.match(value) or len(value) > 254:
            raise StopValidation("Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr")
        if not value.isascii():
            raise StopValidation("Écrivez l’adresse e-mail sans accent")
        if not is_plain_address(value):  # what the e-mail sender would refuse, refused here first
            raise StopValidation("Cette adresse a un signe qui n’est pas permis. Par exemple : prenom.nom@exemple.fr")
        field.data = value.lower()


class CreationCodeFormat:
    field_flags = {"required": True}

    def __call__(self, form, field):
        value = normalize_code(field.data)
        if not value:
            raise StopValidation("Écrivez le code reçu par e-mail ou par courrier")
        if len(value) != CREATION_CODE_LENGTH:
            raise StopValidation(f"Le code a 12 caractères. Vous en avez écrit {len(value)}")
        field.data = value


class OtpFormat:
    field_flags = {"required": True}

    def __call__(self, form, field):
        value = _digits(field.data)
        if not value:
            raise StopValidation("Écrivez le code à 8 chiffres que vous avez reçu")
        if not value.isdigit():
            raise StopValidation("Le code s’écrit avec des chiffres seulement")
        if len(value) != 8:
            raise StopValidation(f"Le code a 8 chiffres. Vous en avez écrit {len(value)}")
        field.data = value


class VitaleSerial:
    """The 16 digits of a Vitale card's serial number (someone: another person's card)."""

    field_flags = {"required": True}

    def __init__(self, someone: bool = False):
        self.empty = f"Écrivez le numéro de série de {'sa' if someone else 'votre'} carte"

    def __call__(self, form, field):
        value = _digits(field.data)
        if not value:
            raise StopValidation(self.empty)
        if not value.isdigit():
            raise StopValidation("Le numéro de série s’écrit avec des chiffres seulement")
        if len(value) != 16:
            raise StopValidation(f"Le numéro de série a 16 chiffres. Vous en avez écrit {len(value)}")
        field.data = value


class FrenchDate:
    """A date typed as 14/03/1942 (or 1942-03-14); leaves a datetime.date in field.data (None
    for an optional date left empty). example: the date the format message shows."""

    def __init__(self, message: str = "", allow_future: bool = False, required: bool = True,
                 example: str = "14/03/1942"):
        self.message = message
        self.allow_future = allow_future
        self.required = required
        self.field_flags = {"required": True} if required else {}
        self.example = example

    def __call__(self, form, field):
        raw = (field.raw_data[0] if field.raw_data else field.data or "")
        raw = raw.strip() if isinstance(raw, str) else ""
        if not raw:
            if not self.required:
                field.data = None
                return
            raise StopValidation(self.message)
        try:
            field.data = read_day(raw, local_day(current_app.extensions["dmp.clock"]()), typed=True,
                                  allow_future=self.allow_future)
        except BadDate as bad:
            raise StopValidation({
                "format": f"Écrivez la date comme ceci : {self.example}",
                "calendar": "Cette date n’existe pas. Vérifiez le jour et le mois",
                "future": "La date ne peut pas être dans le futur",
            }[bad.code]) from None


class Rpps:
    """An RPPS number: 11 digits with a correct key."""

    field_flags = {"required": True}


    def __call__(self, form, field):
        from ..domain.actors import rpps_is_valid

        value = _digits(field.data)
        if not value:
            raise StopValidation("Écrivez le numéro de votre médecin")
        if not value.isdigit() or len(value) != 11:
            raise StopValidation(f"Ce numéro a 11 chiffres. Vous avez écrit {len(value)} caractères")
        if not rpps_is_valid(value):
            raise StopValidation("Ce numéro n’existe pas. Vérifiez-le avec votre médecin")
        field.data = value


class RequiredWith:
    """A field that confirms another (typed twice) is needed when the other is filled, and only then."""

    field_flags: dict = {}

    def __init__(self, other: str, message: str):
        self.other = other
        self.message = message

    def __call__(self, form, field):
        if (form[self.other].data or "").strip() and not (field.data or "").strip():
            raise StopValidation(self.message)
