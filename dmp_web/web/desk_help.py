"""« Aider une personne qui a déjà un DMP », at the caisse's desk: the Vitale card (the NIR
typed twice and the serial), the agent says they saw it, then the actions the person asks for
(services/desk_help.py). The card's numbers stay sealed in the agent's session for this visit,
never in a URL; « J’ai fini » forgets them."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..forms.desk import (
    CardSeenForm, DeskActionForm, DeskFindForm, DeskIdentifierForm, DeskNewContactForm, SecondRepresentativeForm,
)
from ..services import desk_help as desk
from ..services import dossier_opening
from ..services.desk_creation import DeskCredentials
from ..services.login import Refused
from .deps import content_disposition, ctx, seal, unseal
from .desk import _actor

bp = Blueprint("desk_help", __name__, url_prefix="/pro/aider")

VISIT = "desk_help_visit"  # the card's 2 numbers, and whether the agent saw the card
LETTER = "desk_help_letter"
VISIT_KEPT_FOR = 30 * 60  # seconds: one visit at the desk
NOT_FOUND = "Nous ne trouvons pas de DMP avec ces numéros. Vérifiez les numéros sur la carte"
WAYS = {"by_sms": "par SMS", "by_email": "par e-mail", "by_post": "par courrier"}


@bp.before_request
def only_desk_agents():
    if not current_user.is_authenticated:
        flash("Connectez-vous pour aider une personne.", "info")
        return redirect(url_for("pro.login"))
    decision = desk.may_help(ctx(), _actor())
    if not decision.allowed:
        return render_template("pages/desk_help/forbidden.html", reason=decision.reason), 403
    return None


def _visit(seen: bool = True) -> tuple[dict, desk.Found]:
    """The card of this visit, checked again; else back to the search."""
    state = unseal(VISIT, VISIT_KEPT_FOR)
    if state is None or (seen and not state.get("seen")):
        abort(redirect(url_for("desk_help.find")))
    try:
        found = desk.find(ctx(), _actor(), state["nir"], state["vitale_serial"], state.get("slot", ""))
    except Refused:
        session.pop(VISIT, None)
        abort(redirect(url_for("desk_help.find")))
    return state, found


def _card(state: dict) -> tuple[str, str]:
    return state["nir"], state["vitale_serial"]


@bp.route("", methods=["GET", "POST"])
def find():
    form = DeskFindForm()
    if form.validate_on_submit():
        try:
            desk.find(ctx(), _actor(), form.nir.data, form.vitale_serial.data)
        except Refused:
            form.vitale_serial.errors = [NOT_FOUND]
        else:
            session.pop(LETTER, None)  # the previous person's letter is not shown any more
            seal(VISIT, {"nir": form.nir.data, "vitale_serial": form.vitale_serial.data, "seen": False})
            return redirect(url_for("desk_help.identity"))
    return render_template("pages/desk_help/find.html", form=form)


@bp.route("/carte", methods=["GET", "POST"])
def identity():
    state, found = _visit(seen=False)
    form = CardSeenForm()
    if form.validate_on_submit():
        desk.confirm_identity(ctx(), _actor(), *_card(state))
        seal(VISIT, {**state, "seen": True})
        return redirect(url_for("desk_help.actions"))
    return render_template("pages/desk_help/identity.html", form=form, person=found)


@bp.get("/actions")
def actions():
    _state, found = _visit()
    # the buttons' forms need only the CSRF token: `form` is the identifier's, with its errors
    return render_template("pages/desk_help/actions.html", person=found, form=DeskIdentifierForm())


@bp.post("/nouvelle-lettre")
def new_letter():
    state, _found = _visit()
    if not DeskActionForm().validate_on_submit():
        abort(400)
    _keep_letter(desk.new_letter(ctx(), _actor(), *_card(state), slot=state.get("slot", "")))
    return redirect(url_for("desk_help.letter_page"))


@bp.post("/pour-qui")
def whom():
    """A minor's DMP with 2 representatives: the agent presses the name of the one at the desk."""
    state, found = _visit()
    slot = request.form.get("slot", "")
    if not DeskActionForm().validate_on_submit():
        abort(400)
    if slot not in {s for s, _name in found.representatives}:
        abort(404)  # no such representative on this DMP
    seal(VISIT, {**state, "slot": slot})
    return redirect(url_for("desk_help.actions"))


@bp.route("/representant", methods=["GET", "POST"])
def second_representative():
    state, found = _visit()
    if not found.may_add_representative:
        abort(404)
    form = SecondRepresentativeForm()
    if form.validate_on_submit():
        _keep_letter(desk.add_representative(
            ctx(), _actor(), *_card(state), name=form.representative_name.data, link=form.representative_link.data,
            mobile=form.mobile.data, email=form.email.data), for_new_representative=True)
        return redirect(url_for("desk_help.letter_page"))
    return render_template("pages/desk_help/representative.html", form=form, person=found)


def _keep_letter(creds: DeskCredentials, *, for_new_representative: bool = False) -> None:
    values = asdict(creds)
    values["created_on"] = creds.created_on.isoformat()
    seal(LETTER, {"creds": values, "for_new_representative": for_new_representative})


def _kept_letter() -> tuple[DeskCredentials, bool]:
    kept = unseal(LETTER, VISIT_KEPT_FOR)
    if not kept:
        abort(404)
    values = kept["creds"]
    values["created_on"] = date.fromisoformat(values["created_on"])
    return DeskCredentials(**values), kept["for_new_representative"]


def _letter() -> DeskCredentials:
    return _kept_letter()[0]


@bp.get("/lettre")
def letter_page():
    _visit()
    creds, for_new_representative = _kept_letter()
    return render_template("pages/desk_help/letter.html", creds=creds, for_new_representative=for_new_representative)


@bp.get("/lettre.pdf")
def letter():
    _visit()
    response = make_response(dossier_opening.credential_letter(ctx(), _letter()))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition("lettre-dmp-identifiant.pdf", inline=True)
    return response


@bp.route("/contact", methods=["GET", "POST"])
def contact():
    state, found = _visit()
    form = DeskNewContactForm()
    if form.validate_on_submit():
        desk.change_contact(ctx(), _actor(), *_card(state), mobile=form.mobile.data, email=form.email.data,
                            slot=state.get("slot", ""))
        flash("Le changement est enregistré.", "success")
        return redirect(url_for("desk_help.actions"))
    return render_template("pages/desk_help/contact.html", form=form, person=found)


@bp.post("/identifiant")
def identifier():
    state, found = _visit()
    form = DeskIdentifierForm()
    if not form.validate_on_submit():
        return render_template("pages/desk_help/actions.html", person=found, form=form), 400
    way = desk.resend_identifier(ctx(), _actor(), *_card(state), form.channel.data, slot=state.get("slot", ""))
    flash(f"L’identifiant est envoyé {WAYS[way]}.", "success")
    return redirect(url_for("desk_help.actions"))


@bp.route("/fermer", methods=["GET", "POST"])
def close():
    state, found = _visit()
    form = DeskActionForm()
    if found.closed:
        return redirect(url_for("desk_help.actions"))
    if form.validate_on_submit():
        desk.close(ctx(), _actor(), *_card(state))
        flash("Le DMP est fermé.", "success")
        return redirect(url_for("desk_help.actions"))
    return render_template("pages/desk_help/close.html", form=form, person=found)


@bp.post("/rouvrir")
def reopen():
    state, found = _visit()
    if not DeskActionForm().validate_on_submit():
        abort(400)
    if found.closed:
        desk.reopen(ctx(), _actor(), *_card(state))
        flash("Le DMP est de nouveau ouvert.", "success")
    return redirect(url_for("desk_help.actions"))


@bp.post("/fin")
def end():
    if not DeskActionForm().validate_on_submit():
        abort(400)
    session.pop(VISIT, None)
    session.pop(LETTER, None)
    flash("La visite est finie. Les numéros de la carte sont oubliés.", "success")
    return redirect(url_for("pro.home"))
