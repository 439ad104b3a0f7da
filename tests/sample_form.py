"""A form that uses every field macro, mounted only in the test app."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_wtf.csrf import CSRFError

from dmp_web.notify import DeliveryFailed
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

bp = Blueprint("sample", __name__, url_prefix="/essai")


class SampleForm(FlaskForm):
    name = StringField(
        "Votre nom",
        validators=[DataRequired("Écrivez votre nom")],
        render_kw={"autocomplete": "family-name", "spellcheck": "false"},
    )
    mobile = StringField(
        "Votre portable",
        description="Il a 10 chiffres.",
        validators=[DataRequired("Écrivez votre numéro de portable")],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "type": "tel"},
    )
    channel = RadioField(
        "Comment voulez-vous recevoir le code ?",
        description="Un SMS est un message écrit reçu sur un téléphone portable.",
        choices=[SelectChoice("sms", "Par SMS"), SelectChoice("email", "Par e-mail")],
        validators=[InputRequired("Choisissez comment recevoir le code")],
    )
    accept = BooleanField(
        "J’accepte les règles du site",
        validators=[DataRequired("Cochez la case pour accepter les règles")],
    )
    note = TextAreaField("Un message", validators=[Optional()])


@bp.route("/formulaire", methods=["GET", "POST"])
def form():
    form = SampleForm()
    if form.validate_on_submit():
        flash("C’est enregistré.", "success")
        return redirect(url_for("sample.form"))
    return render_template("sample_form.html", form=form)


@bp.get("/mauvaise-page")
def bad_page():
    """A page that breaks known rules, to prove the browser checks catch them."""
    return render_template("bad_page.html")


@bp.get("/mauvaise-page.css")
def bad_page_css():
    css = (
        ".faible { color: #999; font-size: 12px; }"
        " .moyen { color: #767676; }"
        " .penche { font-style: italic; }"
        " .minuscule { display: inline-block; width: 10px; height: 10px; font-size: 8px; overflow: hidden; }"
    )
    return Response(css, mimetype="text/css")


@bp.get("/erreur/<kind>")
def error(kind):
    """Reach each error page through its real handler, so the browser test checks it."""
    if kind == "envoi":
        raise DeliveryFailed("e-mail to m***@example.org via 127.0.0.1:1 failed: ConnectionRefusedError")
    if kind == "formulaire-expire":
        raise CSRFError("The CSRF token is missing.")
    if kind == "trop-gros":
        abort(413)
    if kind == "refuse":
        abort(403)
    if kind == "trop-de-demandes":
        abort(429)
    if kind == "en-travaux":
        from dmp_web.web.errors import StoreOutdated

        raise StoreOutdated()
    raise RuntimeError("a fault, on purpose")
