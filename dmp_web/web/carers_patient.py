"""« Mes aidants », the patient's side (domain/carers.py, services/carers.py): the carers and
their invitations, each with its button that ends it through a confirmation page; inviting one
more, one question per page (as « Créer votre DMP », web/creation.py), then « Vérifiez vos
réponses ». The carer's side (accepting, their account, their pages) is under /aidant.

The answers wait sealed in the session until the invitation is made. The code is sent by SMS or
e-mail by the service; for a letter, it stays sealed in the session for a short time, for the
download of that letter only, and is kept nowhere else."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for

from ..domain import carers as rules
from ..domain.dates import local_day
from ..formatting import date_fr, de, group_code, time_fr
from ..forms.carers import (DATES_MESSAGES, PURPOSE_CHOICES, WAY_CHOICES, CarerConfirmForm, CarerDatesForm,
                            CarerEmailForm, CarerMobileForm, CarerNameForm, CarerPurposeForm, CarerWayForm)
from ..services import carers
from .deps import content_disposition, ctx, hidden_as_not_found, seal, unseal
from .patient import current_dossier, holder, only_the_holder

bp = Blueprint("carers_patient", __name__, url_prefix="/mon-dmp/gestion/aidants")
bp.before_request(only_the_holder)

ANSWERS = "carer_answers"  # the answers so far, sealed in the session
ANSWERS_KEPT_FOR = 60 * 60
INVITED = "carer_invited"  # what the page after the invitation says; the code, for a letter only
INVITED_KEPT_FOR = 30 * 60  # the letter is downloaded right after the invitation, or never
GRANT_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Step:
    slug: str  # its address: /mon-dmp/gestion/aidants/inviter?question=<slug>, the first without
    form: type
    fields: tuple[str, ...]  # the form's fields kept in the answers
    title: str  # the page's h1: the question
    way: str = ""  # asked only when the code goes this way (sent_by)


# One question per page, in this order, then « Vérifiez vos réponses ».
STEPS = [
    Step("nom", CarerNameForm, ("first_name", "last_name"), "Qui voulez-vous inviter ?"),
    Step("aide", CarerPurposeForm, ("purpose",), "Ce que cette personne pourra faire"),
    Step("dates", CarerDatesForm, ("starts_on", "ends_on"), "Les dates de cet accès"),
    Step("envoi", CarerWayForm, ("sent_by",), "Comment envoyer le code d’invitation"),
    Step("portable", CarerMobileForm, ("mobile",), "Le portable de cette personne", way="sms"),
    Step("e-mail", CarerEmailForm, ("email",), "L’adresse e-mail de cette personne", way="email"),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
CONTACT_FIELD = {"sms": "mobile", "email": "email"}


def _answers() -> dict:
    return unseal(ANSWERS, ANSWERS_KEPT_FOR) or {}


def _steps_for(answers: dict) -> list[Step]:
    """The questions asked: the contact's only for the way chosen (none for a letter)."""
    way = answers.get("sent_by")
    return [step for step in STEPS if not step.way or step.way == way]


def _first_unanswered(answers: dict) -> Step | None:
    return next((step for step in _steps_for(answers) if not all(name in answers for name in step.fields)), None)


def _step_url(step: Step) -> str:
    return url_for("carers_patient.invite") if step is STEPS[0] else url_for("carers_patient.invite",
                                                                             question=step.slug)


def _place_left(dossier) -> bool:
    return dossier.status == "open" and len(rules.counted(dossier, ctx().now())) < rules.MAX_CARERS


def _as_typed(day: str) -> str:
    """A date kept as 2027-03-05, shown in its field as the patient types it: 05/03/2027."""
    return date.fromisoformat(day).strftime("%d/%m/%Y") if day else ""


def _initial(step: Step, answers: dict) -> dict:
    """What a question's form shows on GET: the answer given, or today for the start."""
    values = {name: answers[name] for name in step.fields if name in answers}
    if step.slug == "dates":
        values = {"starts_on": _as_typed(answers.get("starts_on") or local_day(ctx().now()).isoformat()),
                  "ends_on": _as_typed(answers.get("ends_on", ""))}
    for name in ("mobile", "email"):
        if name in values:
            values[f"{name}_confirm"] = values[name]
    return values


def _kept(step: Step, form) -> dict:
    """A question's answer, as the session keeps it (dates as 2027-03-05, "" when left empty)."""
    kept = {name: form[name].data for name in step.fields}
    if step.slug == "dates":
        kept = {name: value.isoformat() if value else "" for name, value in kept.items()}
    return kept


# -- « Mes aidants » -----------------------------------------------------------------------

@bp.get("")
def index():
    dossier = current_dossier()
    now = ctx().now()
    today = local_day(now)
    counted = rules.counted(dossier, now)
    others = [grant for grant in reversed(dossier.carers) if grant not in counted]
    return render_template(
        "pages/carers/patient_index.html", counted=counted, others=others, may_invite=_place_left(dossier),
        closed=dossier.status != "open", max_carers=rules.MAX_CARERS,
        words={grant.id: rules.in_words(grant, today, now) for grant in dossier.carers})


# -- inviting: one question per page, then « Vérifiez vos réponses » ------------------------

@bp.route("/inviter", methods=["GET", "POST"])
def invite():
    dossier = current_dossier()
    if not _place_left(dossier):
        return redirect(url_for("carers_patient.index"))  # the page says why: 3 carers, or a closed DMP
    current = STEPS_BY_SLUG.get(request.args.get("question", STEPS[0].slug))
    if current is None:
        abort(404)
    answers = _answers()
    steps = _steps_for(answers)
    if current not in steps:  # the contact of a way not chosen
        return redirect(url_for("carers_patient.check"))
    missing = _first_unanswered(answers)
    if missing is not None and steps.index(missing) < steps.index(current):  # an earlier question first
        return redirect(_step_url(missing))
    form = current.form(data=None if request.method == "POST" else _initial(current, answers))
    if form.validate_on_submit():
        kept = _kept(current, form)
        if current.slug == "envoi" and kept["sent_by"] != answers.get("sent_by"):
            for name in CONTACT_FIELD.values():  # another way: its contact is asked again
                answers.pop(name, None)
        answers.update(kept)
        seal(ANSWERS, answers)
        following = _first_unanswered(answers)
        return redirect(_step_url(following) if following else url_for("carers_patient.check"))
    number = steps.index(current) + 1
    total = len(steps) if "sent_by" in answers else len(STEPS) - 1
    return render_template("pages/carers/patient_question.html", form=form, step=current, number=number,
                           total=total, action=_step_url(current), answers=answers,
                           back=_step_url(steps[number - 2]) if number > 1 else url_for("carers_patient.index"))


def _name(answers: dict) -> str:
    return f"{answers['first_name']} {answers['last_name']}"


@bp.route("/inviter/verifier", methods=["GET", "POST"])
def check():
    dossier = current_dossier()
    answers = _answers()
    missing = _first_unanswered(answers)
    if missing is not None:
        return redirect(_step_url(missing))
    form = CarerConfirmForm()
    if form.validate_on_submit():
        way = answers["sent_by"]
        made = carers.invite(
            ctx(), holder(), dossier, name=_name(answers), purpose=answers["purpose"],
            starts_on=date.fromisoformat(answers["starts_on"]),
            ends_on=date.fromisoformat(answers["ends_on"]) if answers["ends_on"] else None,
            sent_by=way, contact=answers.get(CONTACT_FIELD.get(way, ""), ""))
        if made.decision is not None and not made.decision.allowed:
            flash(made.decision.reason, "error")
            return redirect(url_for("carers_patient.index"))
        if made.decision is None:
            form.form_errors.append(REFUSED.get(made.refused, REFUSED[""]))
        else:
            session.pop(ANSWERS, None)
            seal(INVITED, {"grant": made.grant.id, "name": made.grant.name, "sent_by": way,
                           "delivered": made.delivered, "code": made.code if way == "letter" else ""})
            return redirect(url_for("carers_patient.invited"))
    return render_template(
        "pages/carers/patient_check.html", form=form, answers=answers, name=_name(answers),
        purposes={c.value: c.label for c in PURPOSE_CHOICES}, ways={c.value: c.label for c in WAY_CHOICES},
        starts_on=date.fromisoformat(answers["starts_on"]),
        ends_on=date.fromisoformat(answers["ends_on"]) if answers["ends_on"] else None,
        change={step.slug: _step_url(step) for step in STEPS})


# Why the service refused what the questions let through: the day changed, or a 3rd carer was
# invited in another window meanwhile.
REFUSED = {
    "too_many": f"Vous avez déjà {rules.MAX_CARERS} aidants. Arrêtez un accès avant d’inviter une autre personne",
    "dates": DATES_MESSAGES["start_past"] + ". Changez les dates",
    "": "Nous ne pouvons pas faire cette invitation. Vérifiez vos réponses",
}


def _invited() -> dict:
    shown = unseal(INVITED, INVITED_KEPT_FOR)
    if shown is None:
        abort(404)
    return shown


@bp.get("/invitation")
def invited():
    """What happens next; for a letter, the button that downloads it."""
    shown = unseal(INVITED, INVITED_KEPT_FOR)
    if shown is None:
        return redirect(url_for("carers_patient.index"))
    grant = current_dossier().carer_grant(shown["grant"])
    if grant is None:
        return redirect(url_for("carers_patient.index"))
    expires = rules.expires_at(grant)
    contact = group_code(grant.contact, 2) if grant.sent_by == "sms" else grant.contact
    return render_template("pages/carers/patient_invited.html", shown=shown, grant=grant, contact=contact,
                           until=f"{date_fr(expires)} à {time_fr(expires)}",
                           letter=bool(shown["code"]) and grant.invitation_open(ctx().now()))


@bp.get("/invitation/lettre.pdf")
def letter():
    shown = _invited()
    dossier = current_dossier()
    grant = dossier.carer_grant(shown["grant"])
    if not shown["code"] or grant is None or not grant.invitation_open(ctx().now()):
        hidden_as_not_found()  # cancelled since, or not a letter
    response = make_response(carers.invitation_letter(ctx(), dossier, grant, shown["code"]))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition("invitation-aidant.pdf")
    return response


# -- ending an access, or cancelling an invitation -------------------------------------------

def _grant_or_404(dossier, grant_id: str):
    grant = dossier.carer_grant(grant_id) if GRANT_ID.fullmatch(grant_id) else None
    if grant is None or grant.ended_at is not None:
        hidden_as_not_found()
    return grant


@bp.route("/<grant_id>/arreter", methods=["GET", "POST"])
def end(grant_id):
    """One page, one thing: « Annuler l’invitation » or « Arrêter cet accès », confirmed."""
    dossier = current_dossier()
    grant = _grant_or_404(dossier, grant_id)
    form = CarerConfirmForm()
    if form.validate_on_submit():
        decision = carers.end(ctx(), holder(), dossier, grant.id)
        if decision is None:
            hidden_as_not_found()
        if not decision.allowed:
            abort(403)
        flash(f"L’invitation {de(grant.name)} est annulée. Son code ne marche plus." if grant.accepted_at is None
              else f"{grant.name} ne peut plus ouvrir votre DMP.", "success")
        return redirect(url_for("carers_patient.index"))
    return render_template("pages/carers/patient_end.html", form=form, grant=grant,
                           words=rules.in_words(grant, local_day(ctx().now()), ctx().now()))
