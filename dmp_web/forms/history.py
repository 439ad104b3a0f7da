"""The filter of the history of accesses: a GET form, so a filtered view has its own address."""
from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from .base import Form

CARERS, ALL, EMERGENCIES = "soignants", "tous", "urgence"


class HistoryFilterForm(Form):
    class Meta:
        csrf = False  # it only reads: nothing to protect, and the address can be bookmarked

    # The carers first, and by default: the page answers «who looked at my DMP?»
    acces = RadioField(
        "Quels accès voulez-vous voir ?",
        choices=[SelectChoice(CARERS, "Seulement les soignants"), SelectChoice(ALL, "Tout voir"),
                 SelectChoice(EMERGENCIES, "Seulement les accès en urgence")],
        default=CARERS,
        validators=[InputRequired("Choisissez quels accès voir")],
    )
