"""Forms of «Mes informations / Volontés et droits»."""
from __future__ import annotations


from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, StopValidation

from .base import Form
from .accounts import _EMAIL_KW, _MOBILE_KW, MOBILE_HINT
from ..domain.emergency_card import FACT_CHOICES, CardFact
from ..domain.notices import trusted_person_channel
from ..domain.phones import BadPhone, read_phone
from .validators import EmailAddress, Mobile, SameAs, TextOrFile, phone_message

PHONE_HINT = "10 chiffres, par exemple 01 23 45 67 89 ou 06 12 34 56 78."
LINK_HINT = "Par exemple : ma fille, mon mari, mon voisin."
ORGAN_DONATION_CHOICES = [
    SelectChoice("yes", "Oui, je veux donner mes organes"),
    SelectChoice("no", "Non, je ne veux pas donner mes organes"),
    SelectChoice("unsaid", "Je ne veux pas le dire"),
]
BLOOD_GROUP_CHOICES = [
    SelectChoice("A+", "A+ (A positif)"),
    SelectChoice("A-", "A− (A négatif)"),
    SelectChoice("B+", "B+ (B positif)"),
    SelectChoice("B-", "B− (B négatif)"),
    SelectChoice("AB+", "AB+ (AB positif)"),
    SelectChoice("AB-", "AB− (AB négatif)"),
    SelectChoice("O+", "O+ (O positif)"),
    SelectChoice("O-", "O− (O négatif)"),
    SelectChoice("unknown", "Je ne le connais pas"),
]
SAME_PERSON_CHOICES = [
    SelectChoice("same", "C’est la même personne que ma personne de confiance"),
    SelectChoice("other", "C’est une autre personne"),
]


def _choice(label: str, choices: list[SelectChoice], message: str, **kw) -> RadioField:
    """A radio group; a value that is not one of its choices gets our message, not WTForms' English one."""
    values = [choice.value for choice in choices]
    return RadioField(label, choices=choices, validate_choice=False,
                      validators=[InputRequired(message), AnyOf(values, message=message)], **kw)


def _listed(label: str, choices: list[SelectChoice], message: str) -> SelectField:
    """A list with an empty first option (macro `select`): an answer needs a choice in every browser."""
    values = [choice.value for choice in choices]
    return SelectField(label, choices=[SelectChoice("", "Choisissez dans la liste"), *choices], validate_choice=False,
                       validators=[InputRequired(message), AnyOf(values, message=message)])


class Phone:
    """A French telephone number, fixed or mobile: 10 digits starting with 0 (or +33)."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        try:
            field.data = read_phone(field.data, mobile=False)
        except BadPhone as bad:
            raise StopValidation(phone_message(bad, self.message, "téléphone",
                                               "commence par 0, puis un chiffre de 1 à 9")) from None


class Needed:
    """Required, unless another field has a given value (then the field is not read)."""

    field_flags = {"required": True}

    def __init__(self, message: str, unless: tuple[str, str] | None = None):
        self.message = message
        self.unless = unless

    def __call__(self, form, field):
        if self.unless and self.unless[0] in form and form[self.unless[0]].data == self.unless[1]:
            raise StopValidation()  # no message: the field is not needed
        if not (field.data or "").strip():
            raise StopValidation(self.message)


# -- contact details ----------------------------------------------------------------------------

class NewMobileForm(Form):
    mobile = StringField(
        "Votre nouveau numéro de portable", description=MOBILE_HINT,
        validators=[Mobile(message="Écrivez votre nouveau numéro de portable")], render_kw=_MOBILE_KW,
    )
    mobile_confirm = StringField(
        "Écrivez encore une fois ce numéro",
        validators=[
            Mobile(message="Écrivez encore une fois ce numéro"),
            SameAs("mobile", "Les 2 numéros ne sont pas les mêmes. Écrivez 2 fois le même numéro"),
        ],
        render_kw=_MOBILE_KW,
    )


class NewEmailForm(Form):
    email = StringField(
        "Votre nouvelle adresse e-mail", description="Par exemple : prenom.nom@exemple.fr",
        validators=[EmailAddress(message="Écrivez votre nouvelle adresse e-mail")], render_kw=_EMAIL_KW,
    )
    email_confirm = StringField(
        "Écrivez encore une fois cette adresse",
        validators=[
            EmailAddress(message="Écrivez encore une fois cette adresse"),
            SameAs("email", "Les 2 adresses ne sont pas les mêmes. Écrivez 2 fois la même adresse"),
        ],
        render_kw=_EMAIL_KW,
    )


# -- people to call -----------------------------------------------------------------------------

def _name(message: str, unless=None) -> StringField:
    return StringField("Prénom et nom", validators=[
        Needed(message, unless), Length(max=100, message="Le nom doit avoir 100 caractères au plus"),
    ], render_kw={"autocomplete": "off", "spellcheck": "false"})


def _link() -> StringField:
    return StringField("Qui est cette personne pour vous ?", description=LINK_HINT, validators=[
        Length(max=60, message="Écrivez ce lien en 60 caractères au plus"),
    ], render_kw={"autocomplete": "off"})


def _phone(message: str, unless=None) -> StringField:
    return StringField("Son numéro de téléphone", description=PHONE_HINT,
                       validators=[Needed(message, unless), Phone(message)],
                       render_kw={"autocomplete": "off", "inputmode": "tel", "type": "tel"})


class TrustedPersonForm(Form):
    name = _name("Écrivez le prénom et le nom de votre personne de confiance")
    link = _link()
    phone = _phone("Écrivez le numéro de téléphone de votre personne de confiance")
    email = StringField(
        "Son adresse e-mail, si vous voulez", description="Par exemple : prenom.nom@exemple.fr",
        validators=[EmailAddress(required=False)],
        render_kw={**_EMAIL_KW, "autocomplete": "off"},
    )
    tell = BooleanField(
        "Prévenir ma personne de confiance quand on ouvre mon DMP en urgence",
        description="Elle reçoit un SMS sur son portable, ou un e-mail. "
                    "Le message dit qui a ouvert votre DMP, quand, et la raison donnée.",
    )

    def validate_tell(self, field) -> None:
        """To be told, the person needs a mobile (an SMS) or an e-mail: a fixed line gets neither."""
        if field.data and not self.phone.errors and trusted_person_channel(self.phone.data, self.email.data) is None:
            raise StopValidation("Pour la prévenir, écrivez son numéro de portable ou son adresse e-mail")


class EmergencyContactForm(Form):
    """The same person as the trusted person, or another one (then name and phone are needed).

    The view removes `same_person` when there is no trusted person yet."""

    # A list that starts on « Choisissez »: a radio group with nothing saved yet starts on its first
    # choice in lynx, and « Enregistrer » untouched made the trusted person the one to call.
    same_person = _listed("Qui faut-il prévenir en cas d’urgence ?", SAME_PERSON_CHOICES,
                          "Choisissez qui prévenir : votre personne de confiance ou une autre personne")
    name = _name("Écrivez le prénom et le nom de la personne à prévenir", unless=("same_person", "same"))
    link = _link()
    phone = _phone("Écrivez le numéro de téléphone de la personne à prévenir", unless=("same_person", "same"))


# -- wishes on care -----------------------------------------------------------------------------

class AdvanceDirectivesForm(Form):
    text = TextAreaField(
        "Texte de mes directives",
        description="Écrivez ce que vous voulez, ou joignez un fichier plus bas.",
        validators=[Length(max=20_000, message="Le texte doit avoir 20 000 caractères au plus"),
                    TextOrFile("Écrivez vos directives anticipées ou joignez un fichier")],
    )
    file = FileField("Fichier de mes directives",
                     description="Une page scannée ou une photo. PDF, JPEG, PNG ou texte. 10 Mo au plus.")


class OrganDonationForm(Form):
    choice = _choice("Voulez-vous donner vos organes après votre mort ?", ORGAN_DONATION_CHOICES,
                     "Choisissez une réponse : oui, non, ou je ne veux pas le dire")


class HealthFactsForm(Form):
    blood_group = _choice("Mon groupe sanguin", BLOOD_GROUP_CHOICES,
                          "Choisissez votre groupe sanguin, ou « Je ne le connais pas »",
                          description="Il est écrit sur votre carte de groupe sanguin.")
    allergies = TextAreaField(
        "Mes allergies connues",
        description="Écrivez-les comme vous les connaissez. Par exemple : pénicilline, arachides.",
        validators=[Length(max=2_000, message="Écrivez vos allergies en 2 000 caractères au plus")],
    )


# -- « Ma carte d’urgence » ---------------------------------------------------------------------

DIRECTIVES_IN_DMP, DIRECTIVES_ELSEWHERE = "dmp", "elsewhere"
DIRECTIVES_WHERE_CHOICES = [
    SelectChoice(DIRECTIVES_IN_DMP, "Dans mon DMP"),
    SelectChoice(DIRECTIVES_ELSEWHERE, "À un autre endroit"),
]


class EmergencyCardForm(Form):
    """What the card prints. Only the shape is read here: what the choices may be, and each
    sentence that refuses them, are the domain's (domain/emergency_card.py problems)."""

    facts = SelectMultipleField(
        "Ce que ma carte montre", choices=[SelectChoice(fact.value, label) for fact, label in FACT_CHOICES.items()],
        validate_choice=False, description="Cochez ce que vous voulez montrer. Le reste ne sera pas sur la carte.",
    )
    treatments = TextAreaField(
        "Mes traitements en cours",
        description="Les médicaments que vous prenez. Par exemple : insuline le matin. 200 caractères au plus.",
    )
    directives_where = RadioField("Où sont mes directives anticipées ?", choices=DIRECTIVES_WHERE_CHOICES,
                                  validate_choice=False,
                                  description="Répondez si vous avez coché la case des directives anticipées.")
    directives_place = StringField(
        "Cet autre endroit", description="Seulement pour « À un autre endroit ». Par exemple : chez ma fille.",
        render_kw={"autocomplete": "off"})

    def chosen_facts(self) -> list[str]:
        """The ticked facts, in the card's order; a value that is not one (a forged form) is dropped."""
        ticked = set(self.facts.data or ())
        return [fact.value for fact in CardFact if fact.value in ticked]

    def directives_elsewhere(self) -> bool:
        return self.directives_where.data == DIRECTIVES_ELSEWHERE

    def place(self) -> str:
        return (self.directives_place.data or "").strip() if self.directives_elsewhere() else ""
