"""Forms of the professionals' and desks' space."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

RPPS_HINT = (
    "Professionnels de santé : votre numéro RPPS à 11 chiffres. "
    "RPPS veut dire répertoire partagé des professionnels de santé. "
    "Agents de la caisse : votre identifiant d’agent."
)


class ProLoginForm(FlaskForm):
    login_id = StringField(
        "Numéro RPPS ou identifiant",
        description=RPPS_HINT,
        validators=[DataRequired("Écrivez votre numéro RPPS ou votre identifiant")],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Écrivez votre mot de passe")],
        render_kw={"autocomplete": "current-password"},
    )
