"""Forms of the professionals' and desks' space."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from .base import Form
from .validators import FrenchDate, TextOrFile

RPPS_HINT = "Soignants : votre numéro RPPS, à 11 chiffres. Agents de la caisse : votre identifiant d’agent."


class ProLoginForm(Form):
    login_id = StringField(
        "Numéro RPPS ou identifiant",
        description=RPPS_HINT,
        validators=[DataRequired("Écrivez votre numéro ou votre identifiant")],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Écrivez votre mot de passe")],
        render_kw={"autocomplete": "current-password"},
    )


class PatientSearchForm(Form):
    identifier = StringField(
        "INS, numéro de sécurité sociale ou INS-C du patient",
        description=(
            "L’INS a 15 chiffres, comme le numéro de sécurité sociale. "
            "Les 13 premiers suffisent. "
            "L’INS-C a 22 chiffres. Il est écrit sur la lettre du patient."
        ),
        validators=[DataRequired("Écrivez l’INS, le numéro de sécurité sociale ou l’INS-C du patient")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    birth_date = StringField(
        "Date de naissance du patient",
        description="Par exemple : 14/03/1942.",
        validators=[FrenchDate("Écrivez la date de naissance du patient")],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )


class DepositForm(Form):
    type_code = RadioField("Type de document", validators=[InputRequired("Choisissez le type du document")])
    title = StringField(
        "Titre du document",
        description="Par exemple : Compte rendu de consultation du 5 mars.",
        validators=[DataRequired("Écrivez le titre du document"),
                    Length(max=120, message="Le titre doit avoir 120 caractères au plus")],
    )
    document_date = StringField(
        "Date des soins",
        description="La date de l’examen, de la consultation ou du séjour. Par exemple : 05/03/2026.",
        validators=[FrenchDate("Écrivez la date des soins")],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    text = TextAreaField(
        "Texte du document",
        description="Écrivez le texte, ou joignez un fichier plus bas.",
        validators=[Length(max=50_000, message="Le texte doit avoir 50 000 caractères au plus"),
                    TextOrFile("Écrivez le texte du document ou joignez un fichier")],
    )
    file = FileField(
        "Fichier",
        description="PDF, JPEG, PNG ou texte. 10 Mo au plus.",
    )
    pending_explanation = BooleanField(
        "À expliquer au patient avant de le lui montrer",
        description="Le patient ne verra ce document qu’après votre explication.",
    )
    # shown only on a minor's DMP (templates/pages/pro/deposit.html); ignored on any other
    hidden_from_representatives = BooleanField(
        "Cacher ce document aux parents ou au tuteur",
        description="Le patient a moins de 18 ans et vous l’a demandé. "
                    "Ses représentants légaux ne verront jamais ce document. Le patient le verra à 18 ans.",
    )


class EmergencyForm(Form):
    reason = TextAreaField(
        "Raison de l’accès en urgence",
        description="Écrivez pourquoi le patient est en danger. Le patient lira ce texte.",
        validators=[DataRequired("Écrivez la raison de l’accès en urgence"),
                    Length(min=10, max=500, message="Écrivez la raison en 10 à 500 caractères")],
    )


class CareTeamConsentForm(Form):
    agreed = BooleanField(
        "Le patient m’a dit oui, pendant cette consultation, pour que j’ouvre son DMP.",
        description="Cochez seulement si le patient vous l’a dit aujourd’hui.",
        validators=[DataRequired("Cochez la case si le patient est d’accord. Sinon, n’ouvrez pas son DMP")],
    )
