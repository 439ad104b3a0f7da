"""Forms of the patient's account: creation, login, first connection, forgotten credentials."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from .base import Form
from .buttons import ButtonChoiceField, yes_or_no
from ..domain.accounts import PASSWORD_MIN_LENGTH
from ..domain.dossier import EMERGENCY_SWITCHES
from ..domain.habilitations import BREAK_GLASS_PROFESSIONS, professions_in_words
from ..texts.glossary import find_term
from .validators import (CreationCodeFormat, EmailAddress, Mobile, Nir, OtpFormat, RequiredWith, Rpps, SameAs,
                         TextOrFile, VitaleSerial)

NIR_LABEL = "Numéro de sécurité sociale"
NIR_HINT = (
    "C’est le numéro écrit sur votre carte Vitale. Il a 15 chiffres. "
    "Vous pouvez laisser des espaces."
)
MOBILE_HINT = "Il a 10 chiffres. Par exemple : 06 12 34 56 78."
# A hint that names the RPPS or the SMS explains it, in the glossary's words (content/glossary.yaml).
RPPS_MEANING = find_term("RPPS").explanation
SMS_MEANING = find_term("SMS").explanation
PASSWORD_RULES = (
    f"Votre mot de passe doit avoir au moins {PASSWORD_MIN_LENGTH} caractères. "
    "Il ne doit pas contenir votre identifiant. "
    "Une phrase facile à retenir est un bon mot de passe."
)
_NIR_KW = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
_MOBILE_KW = {"autocomplete": "tel", "inputmode": "tel", "type": "tel"}
_EMAIL_KW = {"autocomplete": "email", "inputmode": "email", "type": "email", "spellcheck": "false"}
_OTP_KW = {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
# The initial password is printed in groups of 4: Account.try_password takes it with or without the spaces.
GROUPS_HINT = "Pour le mot de passe initial de votre lettre, vous pouvez laisser les espaces."
NO_CONTACT = "Écrivez votre numéro de portable ou votre adresse e-mail. Il en faut au moins 1"
CHANNEL_CHOICES = [SelectChoice("sms", "Par SMS sur mon téléphone portable"), SelectChoice("email", "Par e-mail")]


def _nir(label: str = NIR_LABEL, hint: str = NIR_HINT) -> StringField:
    return StringField(label, description=hint, validators=[Nir()], render_kw=_NIR_KW)


class CreationCodeRequestForm(Form):
    nir = _nir()
    nir_confirm = StringField(
        "Écrivez encore une fois votre numéro de sécurité sociale",
        description="Nous vérifions ainsi qu’il n’y a pas d’erreur.",
        validators=[
            Nir(),
            SameAs("nir", "Les 2 numéros ne sont pas les mêmes. Écrivez 2 fois le même numéro"),
        ],
        render_kw=_NIR_KW,
    )


# « Créer votre DMP » (web/creation.py): one question per page (GOV.UK pattern), then « Vérifiez
# vos réponses ». Each form is one step; CREATION_STEPS in web/creation.py puts them in order.

class CreationCodeForm(Form):
    code = StringField(
        "Code pour créer votre DMP",
        description="Ce code a 12 caractères. Vous l’avez reçu par e-mail ou par courrier.",
        validators=[CreationCodeFormat()],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class CreationNirForm(Form):
    nir = _nir()


VITALE_TYPES = [SelectChoice("without_photo", "Sans photo"), SelectChoice("with_photo", "Avec photo")]


class VitaleTypeForm(Form):
    # pressed as a button: a radio group would start on « Sans photo » in lynx
    vitale_type = ButtonChoiceField(
        "Quel est le type de votre carte Vitale ?",
        description="Regardez le recto de votre carte : la face avec votre nom.",
        choices=VITALE_TYPES,
        message="Appuyez sur Sans photo ou sur Avec photo",
    )


class VitaleSerialForm(Form):
    vitale_serial = StringField(
        "Numéro de série de votre carte Vitale",
        description="Il a 16 chiffres. Il est écrit en petit sur votre carte.",
        validators=[VitaleSerial()],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
    )


class CreationContactForm(Form):
    """One question: how to reach the person with the login codes (a mobile, an e-mail, or both)."""

    mobile = StringField(
        "Votre numéro de téléphone portable",
        description="Donnez votre portable ou votre e-mail, ou les 2. " + MOBILE_HINT,
        validators=[Mobile(required=False)],
        render_kw=_MOBILE_KW,
    )
    email = StringField(
        "Votre adresse e-mail",
        validators=[EmailAddress(required=False)],
        render_kw=_EMAIL_KW,
    )

    def validate_mobile(self, field):
        if not field.data and not (self.email.data or "").strip():
            raise StopValidation("Écrivez votre numéro de portable ou votre adresse e-mail")


class TermsForm(Form):
    accept_terms = BooleanField(
        "J’ai lu et j’accepte les conditions d’utilisation du DMP",
        validators=[DataRequired("Cochez la case pour accepter les conditions d’utilisation")],
    )


class CheckAnswersForm(Form):
    """« Vérifiez vos réponses »: the button that creates the DMP (the CSRF token); a refusal is
    one message for the whole page (form_errors), the same whichever answer was wrong."""


class LoginForm(Form):
    login_id = StringField(
        "Identifiant",
        description="Il est écrit sur la lettre reçue à la création de votre DMP. Par exemple : hup7510.",
        validators=[DataRequired("Écrivez votre identifiant")],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Mot de passe",
        description=GROUPS_HINT,
        validators=[DataRequired("Écrivez votre mot de passe")],
        render_kw={"autocomplete": "current-password"},
    )


class OtpForm(Form):
    code = StringField(
        "Code à 8 chiffres",
        description="Vous pouvez copier et coller le code.",
        validators=[OtpFormat()],
        render_kw=_OTP_KW,
    )


class PersonalDataForm(Form):
    """The first connection's contacts: a mobile, an e-mail, or both, each typed twice.

    The old site made both mandatory (seed 000_f8adec4ce39b194d: « Mon numéro de téléphone
    portable et mon adresse mail sont obligatoires »). We ask for one at least: the login codes
    need one way to reach the person, and no more. Many of our users are elderly, with a mobile
    and no e-mail, or an e-mail and no mobile; a desk may create their DMP with one contact
    only, and they must still finish the first connection (issue 17)."""

    mobile = StringField("Téléphone portable", description=MOBILE_HINT, validators=[Mobile(required=False)],
                         render_kw=_MOBILE_KW)
    mobile_confirm = StringField(
        "Écrivez encore une fois votre téléphone portable",
        validators=[
            RequiredWith("mobile", "Écrivez encore une fois votre numéro de téléphone portable"),
            Mobile(required=False),
            SameAs("mobile", "Les 2 numéros ne sont pas les mêmes. Écrivez 2 fois le même numéro"),
        ],
        render_kw=_MOBILE_KW,
    )
    email = StringField("Adresse e-mail", validators=[EmailAddress(required=False)], render_kw=_EMAIL_KW)
    email_confirm = StringField(
        "Écrivez encore une fois votre adresse e-mail",
        validators=[
            RequiredWith("email", "Écrivez encore une fois votre adresse e-mail"),
            EmailAddress(required=False),
            SameAs("email", "Les 2 adresses ne sont pas les mêmes. Écrivez 2 fois la même adresse"),
        ],
        render_kw=_EMAIL_KW,
    )

    def validate_mobile(self, field):
        if not field.data and not (self.email.data or "").strip():
            raise StopValidation(NO_CONTACT)


def _new_password_fields():
    new = PasswordField(
        "Nouveau mot de passe",
        description=PASSWORD_RULES,
        validators=[DataRequired("Écrivez votre nouveau mot de passe")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Écrivez encore une fois le nouveau mot de passe",
        validators=[
            DataRequired("Écrivez encore une fois votre nouveau mot de passe"),
            SameAs("new_password", "Les 2 mots de passe ne sont pas les mêmes. Écrivez 2 fois le même"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return new, confirm


class ConnectionDataForm(Form):
    current_password = PasswordField(
        "Mot de passe actuel",
        description=(
            "C’est le mot de passe initial, écrit sur votre lettre. "
            "Vous pouvez laisser ses espaces. "
            "Vous l’avez changé après un oubli ? Écrivez le nouveau."
        ),
        validators=[DataRequired("Écrivez votre mot de passe actuel")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, new_password_confirm = _new_password_fields()
    channel = RadioField(
        "Comment voulez-vous recevoir vos codes de connexion ?",
        description=SMS_MEANING,
        choices=CHANNEL_CHOICES,
        validators=[InputRequired("Choisissez comment recevoir vos codes : par SMS ou par e-mail")],
    )

    def offer_channels(self, channels: list[str]) -> None:
        """Only the channels the person has (Account.otp_channels); with one, no question."""
        if len(channels) < 2:
            del self.channel
            self.only_channel = channels[0] if channels else ""
        else:
            self.channel.choices = [c for c in CHANNEL_CHOICES if c.value in channels]

    def chosen_channel(self) -> str:
        return self.channel.data if "channel" in self else self.only_channel


EMERGENCY_QUESTIONS = {  # domain/dossier.py EMERGENCY_SWITCHES, in that order: (question, hint)
    "regulator_access": (
        "Pendant un appel au 15, le médecin du SAMU peut-il ouvrir votre DMP ?",
        "Le 15 est le numéro des urgences médicales.",
    ),
    "break_glass_access": (
        "Si votre vie est en danger, un soignant peut-il ouvrir votre DMP ?",
        f"Seuls {professions_in_words(BREAK_GLASS_PROFESSIONS)} le peuvent. Ils lisent ce que leur métier permet.",
    ),
    "hidden_in_emergency": (
        "Pendant un accès en urgence, le soignant peut-il lire vos documents cachés ?",
        "Un document caché est un document que vous avez interdit aux soignants.",
    ),
}


# One form per emergency switch, answered by a press on « Oui » or « Non » (forms/buttons.py); the
# field keeps the switch's name, so a POST reads as the old one-page form's did.
EMERGENCY_QUESTION_FORMS = {
    switch: type("EmergencyQuestionForm", (Form,), {switch: yes_or_no(label, hint)})
    for switch, (label, hint) in EMERGENCY_QUESTIONS.items()
}


def emergency_question_form(switch: str) -> Form:
    """The page of one emergency switch (web/patient.py asks them one per page)."""
    return EMERGENCY_QUESTION_FORMS[switch]()


def emergency_answers_of(dossier) -> dict[str, str]:
    """The switches as they are, as answers (none when not chosen yet)."""
    if not dossier.emergency_chosen:
        return {}
    return {name: "yes" if getattr(dossier, name) else "no" for name in EMERGENCY_SWITCHES}


class PasswordResetStartForm(Form):
    login_id = LoginForm.login_id
    nir = _nir()


class NewPasswordForm(Form):
    new_password, new_password_confirm = _new_password_fields()


# -- « Mon compte » (services/account_settings.py) ----------------------------------------------

class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Mot de passe actuel",
        description="C’est le mot de passe que vous écrivez pour vous connecter.",
        validators=[DataRequired("Écrivez votre mot de passe actuel")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, new_password_confirm = _new_password_fields()


class OtpChannelForm(Form):
    channel = ConnectionDataForm.channel  # the same question as the first connection's, later («Mon compte»)


class ForgottenIdentifierForm(Form):
    nir = _nir()
    vitale_serial = VitaleSerialForm.vitale_serial
    channel = RadioField(
        "Comment voulez-vous recevoir votre identifiant ?",
        description=SMS_MEANING,
        choices=CHANNEL_CHOICES + [SelectChoice("post", "Par courrier, à l’adresse connue de l’Assurance Maladie")],
        validators=[InputRequired("Choisissez comment recevoir votre identifiant")],
    )


def _rpps_field(label: str, who_gives_it: str) -> StringField:
    return StringField(
        label,
        description=f"{RPPS_MEANING} {who_gives_it} peut vous le donner.",
        validators=[Rpps()],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
    )


class AttendingDoctorForm(Form):
    rpps = _rpps_field("Numéro RPPS de votre médecin", "Votre médecin")


class PatientDocumentForm(Form):
    title = StringField(
        "Titre du document",
        description="Par exemple : Mes allergies, ou Compte rendu de 2019.",
        validators=[DataRequired("Écrivez le titre du document"),
                    Length(max=120, message="Le titre doit avoir 120 caractères au plus")],
    )
    text = TextAreaField(
        "Texte du document",
        description="Écrivez le texte, ou joignez un fichier plus bas.",
        validators=[Length(max=50_000, message="Le texte doit avoir 50 000 caractères au plus"),
                    TextOrFile("Écrivez le texte du document ou joignez un fichier")],
    )
    file = FileField("Fichier", description="PDF, JPEG, PNG ou texte. 10 Mo au plus.")


class ProfessionalSearchForm(Form):
    """A search (GET): nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Nom ou numéro RPPS du professionnel",
        description="Écrivez au moins 3 lettres du nom. Par exemple : Durand.",
        validators=[DataRequired("Écrivez le nom ou le numéro du professionnel")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "search"},
    )


class GrantRightsForm(Form):
    rpps = _rpps_field("Numéro RPPS du médecin", "Le médecin")


class AlertsForm(Form):
    choice = RadioField(
        "Voulez-vous un message à chaque nouveau document ?",
        choices=[SelectChoice("yes", "Oui"), SelectChoice("no", "Non")],
        validators=[InputRequired("Choisissez oui ou non")],
    )
    openings = RadioField(
        "Me prévenir quand un soignant ouvre mon DMP",
        choices=[SelectChoice("yes", "Oui"), SelectChoice("no", "Non")],
        validators=[InputRequired("Choisissez oui ou non")],
    )
    # services/management.py POST_CHOICES: the dossier's fields of the same names
    notices_by_post = RadioField(
        "Recevoir mes messages par courrier",
        choices=[SelectChoice("yes", "Oui"), SelectChoice("no", "Non")],
        validators=[InputRequired("Choisissez oui ou non")],
    )
    history_by_post = RadioField(
        "Recevoir mon historique par courrier",
        choices=[SelectChoice("yes", "Oui"), SelectChoice("no", "Non")],
        validators=[InputRequired("Choisissez oui ou non")],
    )

    POST_FIELDS = ("notices_by_post", "history_by_post")

    @classmethod
    def data_of(cls, dossier) -> dict:
        said = {"choice": dossier.alert_new_documents, "openings": dossier.alert_openings,
                **{name: getattr(dossier, name) for name in cls.POST_FIELDS}}
        return {name: "yes" if on else "no" for name, on in said.items()}

    def post_choices(self) -> dict[str, bool]:
        return {name: self[name].data == "yes" for name in self.POST_FIELDS}
