"""« Je me fais aider »: who sits beside the patient for this visit (domain/helped_visit.py)."""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..domain.helped_visit import NAME_MAX, ORGANISATION_MAX
from .base import Form

# the patient's browser must not offer the patient's own name, nor keep the helper's
_TYPED = {"autocomplete": "off", "spellcheck": "false"}


class HelperForm(Form):
    name = StringField(
        "Le prénom et le nom de la personne qui vous aide",
        validators=[DataRequired("Écrivez le prénom et le nom de la personne qui vous aide"),
                    Length(max=NAME_MAX, message=f"Écrivez son prénom et son nom en {NAME_MAX} caractères au plus")],
        render_kw=_TYPED,
    )
    organisation = StringField(
        "D’où vient cette personne ?",
        description="Par exemple : France Services, une association, votre voisine.",
        validators=[DataRequired("Écrivez d’où vient la personne qui vous aide"),
                    Length(max=ORGANISATION_MAX,
                           message=f"Écrivez d’où elle vient en {ORGANISATION_MAX} caractères au plus")],
        render_kw=_TYPED,
    )
