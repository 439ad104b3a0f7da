"""Forms of the creation of a DMP with a professional: Vitale card, consent, contact."""
from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..domain.representatives import CHOSEN_LINKS, THEIR_LINK
from .base import Form
from .buttons import yes_or_no
from .accounts import _EMAIL_KW, _MOBILE_KW, _NIR_KW, MOBILE_HINT, NIR_LABEL, SMS_MEANING
from .validators import EmailAddress, Mobile, Nir, VitaleSerial

ASK_ALOUD = "Posez la question à voix haute. Attendez la réponse."
REPRESENTATIVE_NAME_MAX = 80


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DeskCardForm(Form):
    nir = StringField(
        NIR_LABEL,
        description="Il est écrit sur la carte Vitale de la personne. Il a 15 chiffres.",
        validators=[Nir(someone=True)],
        render_kw=_NIR_KW,
    )
    vitale_serial = StringField(
        "Numéro de série de la carte Vitale",
        description="Il a 16 chiffres. Il est écrit en petit sur la carte.",
        validators=[VitaleSerial(someone=True)],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
    )


class AdultConsentForm(Form):
    consent = yes_or_no(
        "La personne accepte-t-elle la création de son DMP ?",
        ASK_ALOUD,
        "Appuyez sur Oui ou sur Non : la personne accepte-t-elle ?",
    )


class RepresentativeForm(Form):
    """Who the legal representative is: at the creation of a minor's DMP, and for a second one.
    At the creation, the consent question is on the next page (MinorConsentForm), alone, so that
    the Enter key in the name field cannot press « Oui »."""

    representative_name = StringField(
        "Prénom et nom du représentant légal",
        description="C’est la personne qui agit pour l’enfant. Par exemple, son père ou sa mère.",
        filters=[_strip],
        validators=[
            DataRequired("Écrivez le prénom et le nom du représentant légal"),
            Length(max=REPRESENTATIVE_NAME_MAX,
                   message=f"Écrivez au plus {REPRESENTATIVE_NAME_MAX} caractères"),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    # A list that starts on « Choisissez » (a radio group with no default starts on its first
    # choice in lynx, which would record « parent » untouched).
    representative_link = SelectField(
        "Quel est son lien avec l’enfant ?",
        choices=[SelectChoice("", "Choisissez dans la liste"),
                 *(SelectChoice(code, THEIR_LINK[code].capitalize()) for code in CHOSEN_LINKS)],
        validators=[InputRequired("Choisissez le lien avec l’enfant : mère, père, tutrice ou tuteur")],
    )


class MinorConsentForm(Form):
    consent = yes_or_no(
        "Le représentant légal accepte-t-il la création du DMP de l’enfant ?",
        ASK_ALOUD,
        "Appuyez sur Oui ou sur Non : le représentant légal accepte-t-il ?",
    )


def _contact_form(whose: str) -> type[Form]:
    """The contacts typed at a desk: the person's, or for a minor the legal representative's
    (the codes go to them). whose: « de la personne », « du représentant légal »."""

    class ContactForm(Form):
        mobile = StringField(
            f"Portable {whose}",
            description="Les codes arriveront par SMS sur ce portable. " + MOBILE_HINT,
            validators=[Mobile(message=f"Écrivez le numéro de portable {whose}")],
            render_kw=_MOBILE_KW,
        )
        email = StringField(
            f"Adresse e-mail {whose}",
            description="Elle peut servir plus tard pour recevoir les codes.",
            validators=[EmailAddress(required=False)],
            render_kw=_EMAIL_KW,
        )

    return ContactForm


DeskContactForm = _contact_form("de la personne")
MinorContactForm = _contact_form("du représentant légal")


class SecondRepresentativeForm(RepresentativeForm, MinorContactForm):
    """A minor's second legal representative, added at a desk: who, and where their codes go."""


# -- helping a person who already has a DMP (web/desk_help.py) --------------------------------

def _same_nir(form, field):
    if form.nir.data and field.data != form.nir.data:
        raise ValidationError("Les 2 numéros de sécurité sociale ne sont pas les mêmes. Écrivez-les de nouveau")


class DeskFindForm(Form):
    """The NIR typed twice (a slip of one digit must not find someone else) and the card's serial."""

    nir = DeskCardForm.nir
    nir_again = StringField(
        "Numéro de sécurité sociale, une 2e fois",
        description="Écrivez le même numéro encore une fois.",
        validators=[Nir(someone=True), _same_nir],
        render_kw=_NIR_KW,
    )
    vitale_serial = DeskCardForm.vitale_serial


class CardSeenForm(Form):
    seen = BooleanField(
        "J’ai vu la carte Vitale de la personne. Son nom est celui écrit ci-dessus.",
        description="Cochez seulement si la personne est devant vous, avec sa carte.",
        validators=[DataRequired("Cochez la case si vous avez vu la carte Vitale")],
    )


class DeskNewContactForm(Form):
    mobile = StringField(
        "Nouveau portable",
        description="Laissez vide pour ne pas le changer. " + MOBILE_HINT,
        validators=[Mobile(required=False)],
        render_kw=_MOBILE_KW,
    )
    email = StringField(
        "Nouvelle adresse e-mail",
        description="Laissez vide pour ne pas la changer.",
        validators=[EmailAddress(required=False)],
        render_kw=_EMAIL_KW,
    )

    def validate_email(self, field):
        if not (field.data or self.mobile.data) and not self.mobile.errors:
            raise ValidationError("Écrivez un nouveau portable ou une nouvelle adresse e-mail")


class DeskIdentifierForm(Form):
    channel = RadioField(
        "Comment envoyer l’identifiant ?",
        description=SMS_MEANING,
        choices=[SelectChoice("sms", "Par SMS, sur le portable de la personne"),
                 SelectChoice("email", "Par e-mail"),
                 SelectChoice("post", "Par courrier, à l’adresse connue de l’Assurance Maladie")],
        validators=[InputRequired("Choisissez comment envoyer l’identifiant")],
    )


class DeskActionForm(Form):
    """A button only (new letter, close, reopen, end of the visit): the CSRF token."""
