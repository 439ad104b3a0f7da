"""« Je ne connais pas cette personne »: the patient's report, and the desk agent's handling."""
from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..domain.reports import NOTE_MAX, SENTENCE_MAX
from .base import Form

# The domain's refusals, said on the field they concern.
MESSAGES = {
    "sentence_too_long": f"Écrivez {SENTENCE_MAX} caractères au plus",
    "note_missing": "Écrivez ce que la caisse a fait",
    "note_too_long": f"Écrivez {NOTE_MAX} caractères au plus",
}


class ReportForm(Form):
    sentence = TextAreaField(
        "Ce que vous voulez dire à la caisse",
        description=f"Par exemple : « Je ne suis jamais allé dans cette pharmacie. » {SENTENCE_MAX} caractères "
                    "au plus.",
        validators=[Length(max=SENTENCE_MAX, message=MESSAGES["sentence_too_long"])],
    )
    block = BooleanField(
        "Bloquer aussi ce soignant",
        description="Il ne pourra plus ouvrir votre DMP.",
    )


class HandleReportForm(Form):
    note = TextAreaField(
        "Ce que la caisse a fait",
        description=f"Le patient lira ce texte dans son historique. {NOTE_MAX} caractères au plus.",
        validators=[DataRequired(MESSAGES["note_missing"]), Length(max=NOTE_MAX, message=MESSAGES["note_too_long"])],
    )
