"""Forms of the sharing codes (domain/sharing.py): the patient asks for one, the professional types it."""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import StopValidation

from ..domain.sharing import SHARING_CODE_LENGTH, well_formed
from ..domain.credentials import normalize_code
from .base import Form
from .validators import FrenchDate


class MakeSharingCodeForm(Form):
    """A button: a POST with its CSRF token, nothing to type."""


class SharingCodeFormat:
    field_flags = {"required": True}

    def __call__(self, form, field):
        typed = normalize_code(field.data)
        if not typed:
            raise StopValidation("Écrivez le code de partage donné par le patient")
        if len(typed) != SHARING_CODE_LENGTH:
            raise StopValidation(f"Le code a 8 caractères. Vous en avez écrit {len(typed)}")
        if well_formed(typed) is None:
            raise StopValidation("Ce code a des caractères qu’un code de partage n’a pas. Vérifiez-le")
        field.data = typed


class UseSharingCodeForm(Form):
    code = StringField(
        "Code de partage",
        description="8 lettres et chiffres, donnés par le patient. Par exemple : KD4R 7TMP.",
        validators=[SharingCodeFormat()],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    birth_date = StringField(
        "Date de naissance du patient",
        description="Par exemple : 14/03/1942.",
        validators=[FrenchDate("Écrivez la date de naissance du patient")],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
