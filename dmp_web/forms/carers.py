"""Forms of « Mes aidants » (web/carers_patient.py): inviting a carer, one question per page,
then « Vérifiez vos réponses »; and the confirmation that ends an access."""
from __future__ import annotations

from flask import current_app
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation

from ..domain.carers import PURPOSES, dates_problem
from ..domain.dates import local_day
from .accounts import _EMAIL_KW, _MOBILE_KW, MOBILE_HINT
from .base import Form
from .buttons import ButtonChoiceField
from .validators import EmailAddress, FrenchDate, Mobile, SameAs

NAME_MAX = 60
DATE_HINT = "Par exemple : 05/03/2027."
_NAME_KW = {"autocomplete": "off", "spellcheck": "false"}
PURPOSE_CHOICES = [SelectChoice(purpose.value, rule.words[:1].upper() + rule.words[1:])
                   for purpose, rule in PURPOSES.items()]
WAY_CHOICES = [SelectChoice("sms", "Par SMS"), SelectChoice("email", "Par e-mail"),
               SelectChoice("letter", "Je l’imprime sur une lettre")]
DATES_MESSAGES = {
    "start_past": "La date de début ne peut pas être avant aujourd’hui",
    "end_before_start": "La date de fin ne peut pas être avant la date de début",
}


class TypedDateField(StringField):
    """A date typed by hand: its field shows what was typed, also once FrenchDate read it."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data if isinstance(self.data, str) else ""


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class CarerNameForm(Form):
    first_name = StringField(
        "Son prénom", filters=[_strip],
        validators=[DataRequired("Écrivez le prénom de la personne"),
                    Length(max=NAME_MAX, message=f"Écrivez le prénom en {NAME_MAX} caractères au plus")],
        render_kw=_NAME_KW,
    )
    last_name = StringField(
        "Son nom de famille", filters=[_strip],
        validators=[DataRequired("Écrivez le nom de famille de la personne"),
                    Length(max=NAME_MAX, message=f"Écrivez le nom en {NAME_MAX} caractères au plus")],
        render_kw=_NAME_KW,
    )


class CarerPurposeForm(Form):
    # pressed as a button: no answer is chosen for the patient
    purpose = ButtonChoiceField(
        "Que pourra faire cette personne ?",
        description="Choisissez 1 réponse. Vous pourrez arrêter cet accès à tout moment.",
        choices=PURPOSE_CHOICES,
        message="Appuyez sur l’un des 3 boutons pour choisir",
    )


class CarerDatesForm(Form):
    starts_on = TypedDateField(
        "À partir de quand ?", description="C’est la date d’aujourd’hui, ou une date plus tard. " + DATE_HINT,
        validators=[FrenchDate("Écrivez la date de début", allow_future=True, example="05/03/2027")],
        render_kw={"autocomplete": "off"},
    )
    ends_on = TypedDateField(
        "Jusqu’à quand ?", description="Laissez vide pour un accès sans date de fin. " + DATE_HINT,
        validators=[FrenchDate(allow_future=True, required=False, example="05/03/2027")],
        render_kw={"autocomplete": "off"},
    )

    def validate_starts_on(self, field):
        if field.data and dates_problem(field.data, None, _today()) == "start_past":
            raise StopValidation(DATES_MESSAGES["start_past"])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and not self.starts_on.errors:
            problem = dates_problem(self.starts_on.data, field.data, _today())
            if problem == "end_before_start":
                raise StopValidation(DATES_MESSAGES[problem])


def _today():
    return local_day(current_app.extensions["dmp.clock"]())


class CarerWayForm(Form):
    sent_by = ButtonChoiceField(
        "Comment cette personne reçoit-elle son code ?",
        description="Sans e-mail, imprimez une lettre et donnez-la à la personne.",
        choices=WAY_CHOICES,
        message="Appuyez sur l’un des 3 boutons pour choisir",
    )


class CarerMobileForm(Form):
    mobile = StringField(
        "Son numéro de portable", description=MOBILE_HINT,
        validators=[Mobile(message="Écrivez le numéro de portable de la personne")],
        render_kw={**_MOBILE_KW, "autocomplete": "off"},
    )
    mobile_confirm = StringField(
        "Écrivez encore une fois ce numéro",
        description="Nous vérifions ainsi qu’il n’y a pas d’erreur.",
        validators=[Mobile(message="Écrivez encore une fois ce numéro"),
                    SameAs("mobile", "Les 2 numéros ne sont pas les mêmes. Écrivez 2 fois le même numéro")],
        render_kw={**_MOBILE_KW, "autocomplete": "off"},
    )


class CarerEmailForm(Form):
    email = StringField(
        "Son adresse e-mail", description="Par exemple : prenom.nom@exemple.fr",
        validators=[EmailAddress(message="Écrivez l’adresse e-mail de la personne")],
        render_kw={**_EMAIL_KW, "autocomplete": "off"},
    )
    email_confirm = StringField(
        "Écrivez encore une fois cette adresse",
        description="Nous vérifions ainsi qu’il n’y a pas d’erreur.",
        validators=[EmailAddress(message="Écrivez encore une fois cette adresse"),
                    SameAs("email", "Les 2 adresses ne sont pas les mêmes. Écrivez 2 fois la même adresse")],
        render_kw={**_EMAIL_KW, "autocomplete": "off"},
    )


class CarerConfirmForm(Form):
    """A button and the CSRF token: « Inviter cette personne », « Arrêter cet accès »…"""
