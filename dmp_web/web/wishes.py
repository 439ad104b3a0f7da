"""«Mes informations» and «Volontés et droits»: the patient's contact details and wishes.

A new mobile or e-mail is kept pending (sealed in the session) until the code sent to it comes
back; every change of the wishes is a POST that the access policy decides and the journal keeps.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..domain import emergency_card as card_rules
from ..domain.accounts import CodeCheck
from ..domain.wishes import CardChoices
from ..forms.accounts import OtpForm
from ..forms.wishes import (
    DIRECTIVES_ELSEWHERE,
    DIRECTIVES_IN_DMP,
    AdvanceDirectivesForm,
    EmergencyCardForm,
    EmergencyContactForm,
    HealthFactsForm,
    NewEmailForm,
    NewMobileForm,
    OrganDonationForm,
    TrustedPersonForm,
)
from ..formatting import group_code
from ..services import emergency_card as card_service
from ..services import wishes as services
from ..services.login import Refused
from .auth import sent_again
from .deps import checked_upload, content_disposition, ctx, seal, unseal
from .messages import code_wait_message, otp_message
from .patient import current_dossier, holder, only_the_holder

bp = Blueprint("wishes", __name__, url_prefix="/mon-dmp")
bp.before_request(only_the_holder)

PENDING = "pending_contact"
PENDING_MAX_AGE = 30 * 60  # the code itself works 10 minutes; the session ends after 15 idle ones

CONTACT = {
    "mobile": {
        "form": NewMobileForm,
        "start": "wishes.new_mobile",
        "code": "wishes.mobile_code",
        "resend": "wishes.resend_mobile_code",
        "channel": "sms",
        "same": "C’est déjà votre numéro. Écrivez le nouveau numéro",
        "done": "Votre numéro de portable est changé.",
    },
    "email": {
        "form": NewEmailForm,
        "start": "wishes.new_email",
        "code": "wishes.email_code",
        "resend": "wishes.resend_email_code",
        "channel": "email",
        "same": "C’est déjà votre adresse. Écrivez la nouvelle adresse",
        "done": "Votre adresse e-mail est changée.",
    },
}


@bp.get("/informations")
def informations():
    dossier = current_dossier()
    return render_template("pages/wishes/informations.html", account=current_user.account,
                           person=ctx().register.get(dossier.holder_nir))


# -- changing the mobile or the e-mail: step 1 the new value twice, step 2 the code sent to it ---

def _new_contact(kind: str):
    spec = CONTACT[kind]
    form = spec["form"]()
    if form.validate_on_submit():
        value = form[kind].data
        try:
            services.send_contact_code(ctx(), current_user.key, kind, value)
        except Refused as refusal:
            form[kind].errors = [spec["same"] if refusal.code == "same"
                                 else code_wait_message(refusal.details["seconds"])]
        else:
            seal(PENDING, {"kind": kind, "value": value})
            return redirect(url_for(spec["code"]))
    return render_template(f"pages/wishes/new_{kind}.html", form=form)


def _pending(kind: str) -> dict | None:
    pending = unseal(PENDING, PENDING_MAX_AGE)
    return pending if pending and pending.get("kind") == kind else None


def _contact_code(kind: str):
    spec = CONTACT[kind]
    pending = _pending(kind)
    if pending is None:
        return redirect(url_for(spec["start"]))
    form = OtpForm()
    if form.validate_on_submit():
        check, tries_left = services.confirm_contact(ctx(), current_user.key, kind, pending["value"],
                                                     form.code.data)
        if check is CodeCheck.OK:
            session.pop(PENDING, None)
            flash(spec["done"], "success")
            return redirect(url_for("wishes.informations"))
        form.code.errors = [otp_message(check, tries_left)]
    shown = group_code(pending["value"], 2) if kind == "mobile" else pending["value"]
    return render_template(f"pages/wishes/{kind}_code.html", form=form,
                           pending={"channel": spec["channel"], "masked": shown})


def _resend(kind: str):
    spec = CONTACT[kind]
    pending = _pending(kind)
    if pending is None:
        return redirect(url_for(spec["start"]))
    try:
        return sent_again(lambda: services.send_contact_code(ctx(), current_user.key, kind, pending["value"]),
                          spec["code"])
    except Refused:  # the same as the current one: already changed, in another window
        session.pop(PENDING, None)
        return redirect(url_for("wishes.informations"))


@bp.route("/informations/telephone", methods=["GET", "POST"])
def new_mobile():
    return _new_contact("mobile")


@bp.route("/informations/telephone/code", methods=["GET", "POST"])
def mobile_code():
    return _contact_code("mobile")


@bp.post("/informations/telephone/code/nouveau")
def resend_mobile_code():
    return _resend("mobile")


@bp.route("/informations/e-mail", methods=["GET", "POST"])
def new_email():
    return _new_contact("email")


@bp.route("/informations/e-mail/code", methods=["GET", "POST"])
def email_code():
    return _contact_code("email")


@bp.post("/informations/e-mail/code/nouveau")
def resend_email_code():
    return _resend("email")


# -- «Volontés et droits» ------------------------------------------------------------------------

def _saved(decision, message: str):
    if not decision.allowed:
        abort(403)
    flash(message, "success")
    return redirect(url_for("wishes.summary"))


def _removing() -> bool:
    """The second form of a page: its button «Retirer…» / «Effacer…» (CSRF checked as for all)."""
    return request.method == "POST" and request.form.get("remove") == "1"


def _initial(values: dict) -> dict:
    """A form shows the saved values on GET; on POST it shows only what was sent."""
    return {} if request.method == "POST" else values


@bp.get("/volontes")
def summary():
    found = services.summary(ctx(), holder(), current_dossier())
    return render_template("pages/wishes/summary.html", wishes=found.wishes, files=found.directive_files)


@bp.route("/volontes/personne-de-confiance", methods=["GET", "POST"])
def trusted_person():
    dossier = current_dossier()
    if _removing():
        return _saved(services.remove_trusted_person(ctx(), holder(), dossier),
                      "Vous n’avez plus de personne de confiance dans votre DMP.")
    wishes = ctx().repos.wishes.get(dossier.id)
    form = TrustedPersonForm(data=_initial({**asdict(wishes.trusted_person),
                                             "tell": wishes.tell_trusted_person_of_emergencies}))
    if form.validate_on_submit():
        decision = services.set_trusted_person(ctx(), holder(), dossier, form.name.data, form.link.data,
                                               form.phone.data, email=form.email.data or "", tell=form.tell.data)
        return _saved(decision, "Votre personne de confiance est enregistrée.")
    return render_template("pages/wishes/trusted_person.html", form=form, wishes=wishes)


@bp.route("/volontes/personne-a-prevenir", methods=["GET", "POST"])
def emergency_contact():
    dossier = current_dossier()
    if _removing():
        return _saved(services.remove_emergency_contact(ctx(), holder(), dossier),
                      "Vous n’avez plus de personne à prévenir en cas d’urgence dans votre DMP.")
    wishes = ctx().repos.wishes.get(dossier.id)
    same = "same" if wishes.emergency_contact_is_trusted_person else (
        "other" if wishes.emergency_contact.is_set else None)
    form = EmergencyContactForm(data=_initial({"same_person": same, **asdict(wishes.emergency_contact)}))
    if not wishes.trusted_person.is_set:
        del form.same_person  # nothing to be the same as: name and phone are needed
    if form.validate_on_submit():
        same_as_trusted = "same_person" in form and form.same_person.data == "same"
        decision = services.set_emergency_contact(
            ctx(), holder(), dossier, same_as_trusted=same_as_trusted,
            name=form.name.data, link=form.link.data, phone=form.phone.data,
        )
        return _saved(decision, "La personne à prévenir en cas d’urgence est enregistrée.")
    return render_template("pages/wishes/emergency_contact.html", form=form, wishes=wishes)


@bp.route("/volontes/directives-anticipees", methods=["GET", "POST"])
def advance_directives():
    dossier = current_dossier()
    if _removing():
        return _saved(services.set_advance_directives(ctx(), holder(), dossier, ""),
                      "Vos directives anticipées écrites sont effacées.")
    wishes = ctx().repos.wishes.get(dossier.id)
    form = AdvanceDirectivesForm(data=_initial({"text": wishes.advance_directives}))
    if form.validate_on_submit():
        upload, data = checked_upload(form.file)
        if not form.file.errors:
            if upload is not None:
                deposit = services.add_advance_directives_file(ctx(), holder(), dossier, upload, data)
                if not deposit.decision.allowed:
                    abort(403)
            text = (form.text.data or "").strip()
            if text != wishes.advance_directives and not services.set_advance_directives(
                    ctx(), holder(), dossier, text).allowed:
                abort(403)
            flash("Vos directives anticipées sont enregistrées.", "success")
            return redirect(url_for("wishes.summary"))
    return render_template("pages/wishes/advance_directives.html", form=form, wishes=wishes)


@bp.route("/volontes/don-d-organes", methods=["GET", "POST"])
def organ_donation():
    dossier = current_dossier()
    wishes = ctx().repos.wishes.get(dossier.id)
    form = OrganDonationForm(data=_initial({"choice": wishes.organ_donation}))
    if form.validate_on_submit():
        decision = services.set_organ_donation(ctx(), holder(), dossier, form.choice.data)
        return _saved(decision, "Votre choix sur le don d’organes est enregistré.")
    return render_template("pages/wishes/organ_donation.html", form=form)


@bp.route("/volontes/groupe-sanguin-et-allergies", methods=["GET", "POST"])
def health_facts():
    dossier = current_dossier()
    wishes = ctx().repos.wishes.get(dossier.id)
    form = HealthFactsForm(data=_initial({"blood_group": wishes.blood_group, "allergies": wishes.allergies}))
    if form.validate_on_submit():
        decision = services.set_health_facts(ctx(), holder(), dossier, form.blood_group.data,
                                             form.allergies.data or "")
        return _saved(decision, "Votre groupe sanguin et vos allergies sont enregistrés.")
    return render_template("pages/wishes/health_facts.html", form=form)


# -- « Ma carte d’urgence » -----------------------------------------------------------------------

@bp.route("/volontes/carte-d-urgence", methods=["GET", "POST"])
def emergency_card():
    dossier = current_dossier()
    page = card_service.read_page(ctx(), holder(), dossier)  # the wishes read for the card: journaled
    if page is None:
        abort(403)
    saved = page.wishes.card
    form = EmergencyCardForm(data=_initial({
        "facts": saved.facts, "treatments": page.wishes.current_treatments,
        "directives_where": DIRECTIVES_ELSEWHERE if saved.directives_place else DIRECTIVES_IN_DMP,
        "directives_place": saved.directives_place,
    }))
    if form.validate_on_submit():
        choices = CardChoices(form.chosen_facts(), form.place())
        treatments = form.treatments.data or ""
        found = card_service.check_choices(ctx(), page, dossier, choices, treatments,
                                           directives_elsewhere=form.directives_elsewhere())
        for name, message in found.items():
            form[name].errors = [message]
        if not found:
            if not card_service.save_choices(ctx(), holder(), dossier, choices, treatments).allowed:
                abort(403)
            flash("Les choix de votre carte d’urgence sont enregistrés.", "success")
            return redirect(url_for("wishes.emergency_card", _anchor="ma-carte"))
    return render_template("pages/wishes/emergency_card.html", form=form, page=page,
                           hints=card_rules.hints(page.wishes, dossier))


@bp.get("/volontes/carte-d-urgence.pdf")
def emergency_card_pdf():
    made = card_service.make_pdf(ctx(), holder(), current_dossier())
    if not made.decision.allowed:
        abort(403)
    if made.data is None:  # the wishes changed since the choices: the page says what to do
        flash("Votre carte ne peut pas être imprimée pour le moment. Lisez pourquoi plus bas.", "error")
        return redirect(url_for("wishes.emergency_card", _anchor="ma-carte"))
    response = make_response(made.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition("carte-d-urgence.pdf")
    return response
