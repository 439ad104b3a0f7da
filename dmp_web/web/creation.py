"""Creating a DMP online: ask for a code, then create with it; the credential letter."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, abort, make_response, redirect, render_template, session, url_for

from ..forms.accounts import CreationCodeRequestForm, CreationForm
from ..services import dossier_opening, online_creation
from ..services.login import Refused
from .deps import content_disposition, ctx, seal, unseal

bp = Blueprint("creation", __name__, url_prefix="/creer")

CREDENTIALS_SHOWN_FOR = 30 * 60  # seconds the new identifier and password stay on screen

# One message for every refused creation: which part was wrong would tell a stranger whether a
# NIR is insured, has a DMP or a code, or is a minor's.
NO_MATCH = ("Nous ne pouvons pas créer de DMP avec ces informations. Vérifiez le code, "
            "le numéro et la carte Vitale")


@bp.get("")
def start():
    return render_template("pages/creation/start.html")


@bp.route("/code", methods=["GET", "POST"])
def request_code():
    form = CreationCodeRequestForm()
    if form.validate_on_submit():
        online_creation.request_creation_code(ctx(), form.nir.data)  # the same next page, whatever the NIR
        session["creation_code_asked"] = True
        return redirect(url_for("creation.code_sent"))
    return render_template("pages/creation/request_code.html", form=form)


@bp.get("/code/envoye")
def code_sent():
    if not session.get("creation_code_asked"):
        return redirect(url_for("creation.request_code"))
    return render_template("pages/creation/code_sent.html")


@bp.route("/dossier", methods=["GET", "POST"])
def create():
    form = CreationForm()
    if form.validate_on_submit():
        try:
            creds = online_creation.create_dossier_online(
                ctx(),
                code=form.code.data,
                nir=form.nir.data,
                vitale_type=form.vitale_type.data,
                vitale_serial=form.vitale_serial.data,
                mobile=form.mobile.data,
                email=form.email.data,
            )
        except Refused:
            form.code.errors = [NO_MATCH]
        else:
            values = asdict(creds)
            values["created_on"] = creds.created_on.isoformat()
            seal("new_credentials", values)
            return redirect(url_for("creation.done"))
    return render_template("pages/creation/create.html", form=form)


def _credentials() -> dossier_opening.NewCredentials:
    values = unseal("new_credentials", CREDENTIALS_SHOWN_FOR)
    if values is None:
        abort(404)
    values["created_on"] = date.fromisoformat(values["created_on"])
    return dossier_opening.NewCredentials(**values)


@bp.get("/termine")
def done():
    return render_template("pages/creation/done.html", creds=_credentials())


@bp.get("/lettre.pdf")
def letter():
    pdf = dossier_opening.credential_letter(ctx(), _credentials())
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition("lettre-dmp-identifiant.pdf")
    return response


@bp.get("/conditions-d-utilisation")
def terms():
    return render_template("pages/creation/terms.html")
