"""Creating a DMP with a professional (desk agent, pharmacien, médecin…): the Vitale card, the
consent question, the mobile for the codes, then the credentials shown once and the letter."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, session, url_for
from flask_login import current_user

from ..domain.actors import Holder
from ..forms.desk import (AdultConsentForm, DeskCardForm, DeskContactForm, MinorConsentForm, MinorContactForm,
                          RepresentativeForm)
from ..services import dossier_opening
from ..services import desk_creation as desk
from .auth import PatientUser
from .deps import content_disposition, ctx, seal, unseal
from .pro import current_actor

bp = Blueprint("desk", __name__, url_prefix="/pro/creer")

JOURNEY = "desk_creation"  # what the steps so far gave, sealed in the session
CREDENTIALS = "desk_new_credentials"
JOURNEY_KEPT_FOR = 30 * 60  # seconds: a creation at a desk takes about five minutes
CREDENTIALS_SHOWN_FOR = 30 * 60

REFUSALS = {
    "unknown_nir": (
        "nir",
        "Cette personne n’est pas connue de l’Assurance Maladie. Vérifiez le numéro sur la carte",
    ),
    "vitale_mismatch": (
        "vitale_serial",
        "Ce numéro de série n’est pas celui de la carte de cette personne. Vérifiez les 2 numéros",
    ),
    "already_has_dmp": (
        "nir",
        "Cette personne a déjà un DMP. Elle peut se connecter avec son identifiant",
    ),
}


def _actor():
    """The logged-in actor, patients included, so that the access policy judges them all."""
    user = current_user._get_current_object()
    if isinstance(user, PatientUser):
        return Holder(user.dossier_id)
    return current_actor()


@bp.before_request
def only_those_who_may_create():
    if not current_user.is_authenticated:
        flash("Connectez-vous pour créer un DMP.", "info")
        return redirect(url_for("pro.login"))
    decision = desk.may_create(ctx(), _actor())
    if not decision.allowed:
        return render_template("pages/desk/forbidden.html", reason=decision.reason), 403
    return None


def _refusal_to_field(form, refusal: desk.Refused) -> None:
    field, message = REFUSALS[refusal.code]
    form[field].errors = [message]


def _journey() -> tuple[dict, desk.CardChecked]:
    """The journey so far, checked again against the register; else back to the first step."""
    state = unseal(JOURNEY, JOURNEY_KEPT_FOR)
    if state is None:
        abort(redirect(url_for("desk.card")))
    try:
        found = desk.check_card(ctx(), _actor(), state["nir"], state["vitale_serial"])
    except desk.Refused as refusal:
        flash(REFUSALS.get(refusal.code, ("", "Recommencez la création du DMP."))[1] + ".", "error")
        abort(redirect(url_for("desk.card")))
    return state, found


@bp.route("", methods=["GET", "POST"])
def card():
    form = DeskCardForm()
    if form.validate_on_submit():
        try:
            found = desk.check_card(ctx(), _actor(), form.nir.data, form.vitale_serial.data)
        except desk.Refused as refusal:
            _refusal_to_field(form, refusal)
        else:
            session.pop(CREDENTIALS, None)  # the previous person's credentials are not shown any more
            seal(JOURNEY, {"nir": found.nir, "vitale_serial": found.vitale_serial})
            return redirect(url_for("desk.representative" if found.minor else "desk.consent"))
    return render_template("pages/desk/card.html", form=form)


@bp.route("/representant", methods=["GET", "POST"])
def representative():
    """A minor's legal representative: their name and link, before the consent question."""
    state, found = _journey()
    if not found.minor:
        return redirect(url_for("desk.consent"))
    form = RepresentativeForm(data=state.get("representative", {}))
    if form.validate_on_submit():
        state["representative"] = {"representative_name": form.representative_name.data,
                                   "representative_link": form.representative_link.data}
        seal(JOURNEY, state)
        return redirect(url_for("desk.consent"))
    return render_template("pages/desk/representative.html", form=form, person=found)


@bp.route("/accord", methods=["GET", "POST"])
def consent():
    """One question, answered by a press on « Oui » or « Non » (forms/buttons.py)."""
    state, found = _journey()
    if found.minor and "representative" not in state:
        return redirect(url_for("desk.representative"))
    form = MinorConsentForm() if found.minor else AdultConsentForm()
    if form.validate_on_submit():
        if form.consent.data != "yes":
            session.pop(JOURNEY, None)
            return redirect(url_for("desk.declined"))
        state["consent"] = {"accepted": True, **state.get("representative", {})}
        seal(JOURNEY, state)
        return redirect(url_for("desk.contact"))
    return render_template("pages/desk/consent.html", form=form, person=found,
                           representative=state.get("representative", {}).get("representative_name", ""))


@bp.route("/telephone", methods=["GET", "POST"])
def contact():
    state, found = _journey()
    if "consent" not in state:
        return redirect(url_for("desk.consent"))
    form = MinorContactForm() if found.minor else DeskContactForm()
    if form.validate_on_submit():
        try:
            creds = desk.create_dossier_at_desk(
                ctx(), _actor(),
                nir=found.nir,
                vitale_serial=found.vitale_serial,
                consent=desk.DeskConsent(**state["consent"]),
                mobile=form.mobile.data,
                email=form.email.data,
            )
        except desk.Refused:
            # The person got a DMP meanwhile, or the consent is incomplete: start again.
            session.pop(JOURNEY, None)
            flash("Le DMP n’a pas pu être créé. Recommencez, s’il vous plaît.", "error")
            return redirect(url_for("desk.card"))
        values = asdict(creds)
        values["created_on"] = creds.created_on.isoformat()
        session.pop(JOURNEY, None)
        seal(CREDENTIALS, values)
        return redirect(url_for("desk.done"))
    return render_template("pages/desk/contact.html", form=form, person=found,
                           representative=state["consent"].get("representative_name", ""))


def _credentials() -> desk.DeskCredentials:
    values = unseal(CREDENTIALS, CREDENTIALS_SHOWN_FOR)
    if not values:
        abort(404)
    values["created_on"] = date.fromisoformat(values["created_on"])
    return desk.DeskCredentials(**values)


@bp.get("/termine")
def done():
    return render_template("pages/desk/done.html", creds=_credentials())


@bp.get("/lettre.pdf")
def letter():
    pdf = dossier_opening.credential_letter(ctx(), _credentials())
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    # inline: the browser opens it, ready to print while the person is still there
    response.headers["Content-Disposition"] = content_disposition("lettre-dmp-identifiant.pdf", inline=True)
    return response


@bp.get("/pas-cree")
def declined():
    return render_template("pages/desk/declined.html")
