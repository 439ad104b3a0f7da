"""Creating a DMP online: ask for a code, then create with it; the credential letter."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, abort, make_response, redirect, render_template, session, url_for

from ..forms.accounts import CreationCodeRequestForm, CreationForm
from ..services import patient_accounts as accounts
from .deps import content_disposition, ctx, seal, unseal

bp = Blueprint("creation", __name__, url_prefix="/creer")

CREDENTIALS_SHOWN_FOR = 30 * 60  # seconds the new identifier and password stay on screen

REFUSALS = {
    "unknown_nir": (
        "nir",
        "Nous ne trouvons pas ce numéro à l’Assurance Maladie. Vérifiez-le sur votre carte",
    ),
    "already_has_dmp": ("nir", "Vous avez déjà un DMP. Connectez-vous avec votre identifiant"),
    "minor": (
        "nir",
        "Vous avez moins de 18 ans. Allez avec votre parent à la caisse ou chez un médecin",
    ),
    "vitale_mismatch": (
        "vitale_serial",
        "Le type ou le numéro de série ne correspond pas à votre carte Vitale. Vérifiez sur votre carte",
    ),
    "code_wrong": ("code", "Ce code n’est pas le bon. Vérifiez le code reçu. Il vous reste {tries_left} {tries_word}"),
    "code_expired": ("code", "Ce code a plus de 60 jours : il ne marche plus. Demandez un nouveau code"),
    "code_exhausted": ("code", "Ce code ne marche plus après 5 erreurs. Demandez un nouveau code"),
    "code_missing": ("code", "Ce code ne marche pas ou a déjà servi. Demandez un nouveau code"),
}


def _refusal_to_field(form, refusal: accounts.Refused) -> None:
    field, message = REFUSALS[refusal.code]
    details = refusal.details
    form[field].errors = [message.format(**details, tries_word="essai" if details.get("tries_left") == 1 else "essais")]


@bp.get("")
def start():
    return render_template("pages/creation/start.html")


@bp.route("/code", methods=["GET", "POST"])
def request_code():
    form = CreationCodeRequestForm()
    if form.validate_on_submit():
        try:
            sent = accounts.request_creation_code(ctx(), form.nir.data)
        except accounts.Refused as refusal:
            _refusal_to_field(form, refusal)
        else:
            session["creation_code_sent"] = {
                "channel": sent.channel,
                "masked_email": sent.masked_email,
                "expected_by": sent.expected_by.isoformat() if sent.expected_by else None,
                "valid_until": sent.valid_until.isoformat(),
            }
            return redirect(url_for("creation.code_sent"))
    return render_template("pages/creation/request_code.html", form=form)


@bp.get("/code/envoye")
def code_sent():
    sent = session.get("creation_code_sent")
    if not sent:
        return redirect(url_for("creation.request_code"))
    return render_template(
        "pages/creation/code_sent.html",
        sent=sent,
        expected_by=date.fromisoformat(sent["expected_by"]) if sent["expected_by"] else None,
        valid_until=date.fromisoformat(sent["valid_until"]),
    )


@bp.route("/dossier", methods=["GET", "POST"])
def create():
    form = CreationForm()
    if form.validate_on_submit():
        try:
            creds = accounts.create_dossier_online(
                ctx(),
                code=form.code.data,
                nir=form.nir.data,
                vitale_type=form.vitale_type.data,
                vitale_serial=form.vitale_serial.data,
                mobile=form.mobile.data,
                email=form.email.data,
            )
        except accounts.Refused as refusal:
            _refusal_to_field(form, refusal)
        else:
            values = asdict(creds)
            values["created_on"] = creds.created_on.isoformat()
            seal("new_credentials", values)
            return redirect(url_for("creation.done"))
    return render_template("pages/creation/create.html", form=form)


def _credentials() -> accounts.NewCredentials:
    values = unseal("new_credentials", CREDENTIALS_SHOWN_FOR)
    if values is None:
        abort(404)
    values["created_on"] = date.fromisoformat(values["created_on"])
    return accounts.NewCredentials(**values)


@bp.get("/termine")
def done():
    return render_template("pages/creation/done.html", creds=_credentials())


@bp.get("/lettre.pdf")
def letter():
    pdf = accounts.credential_letter(ctx(), _credentials())
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition("lettre-dmp-identifiant.pdf")
    return response


@bp.get("/conditions-d-utilisation")
def terms():
    return render_template("pages/creation/terms.html")
