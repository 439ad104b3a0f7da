"""Creating a DMP online: ask for a code, then create with it, one question per page and a page
to check the answers; the credential letter."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, session, url_for

from ..forms.accounts import (VITALE_TYPES, CheckAnswersForm, CreationCodeForm, CreationCodeRequestForm,
                              CreationContactForm, CreationNirForm, TermsForm, VitaleSerialForm, VitaleTypeForm)
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


@dataclass(frozen=True)
class Step:
    slug: str  # its address: /creer/dossier?question=<slug>, the first at /creer/dossier
    form: type
    fields: tuple[str, ...]  # the form's fields, kept in the answers under these names
    title: str  # the page's h1: the question


# One question per page (GOV.UK pattern), in this order, then « Vérifiez vos réponses ».
CREATION_STEPS = [
    Step("code", CreationCodeForm, ("code",), "Votre code pour créer votre DMP"),
    Step("numero", CreationNirForm, ("nir",), "Votre numéro de sécurité sociale"),
    Step("carte", VitaleTypeForm, ("vitale_type",), "Votre carte Vitale"),
    Step("numero-de-serie", VitaleSerialForm, ("vitale_serial",), "Le numéro de série de votre carte Vitale"),
    Step("contact", CreationContactForm, ("mobile", "email"), "Pour recevoir vos codes de connexion"),
    Step("accord", TermsForm, ("accept_terms",), "Votre accord"),
]
STEPS_BY_SLUG = {step.slug: step for step in CREATION_STEPS}
ANSWERS = "creation_answers"  # the answers so far, sealed in the session
ANSWERS_KEPT_FOR = 60 * 60  # seconds: time to find the card and the letter with the code


def _answers() -> dict:
    return unseal(ANSWERS, ANSWERS_KEPT_FOR) or {}


def _first_unanswered(answers: dict) -> Step | None:
    return next((step for step in CREATION_STEPS if not all(name in answers for name in step.fields)), None)


def _step_url(step: Step) -> str:
    if step is CREATION_STEPS[0]:
        return url_for("creation.create")
    return url_for("creation.create", question=step.slug)


@bp.before_request
def count_the_creation_by_its_nir():
    """The creation's limit by target (web/limits.py) counts the NIR of the answers, kept here."""
    if request.endpoint == "creation.check" and request.method == "POST":
        g.limit_target = _answers().get("nir", "")


@bp.route("/dossier", methods=["GET", "POST"])
def create():
    """One question of the creation. Its answer joins the others in the session; then the next
    question, or « Vérifiez vos réponses » once all are answered (after a « Modifier » too)."""
    current = STEPS_BY_SLUG.get(request.args.get("question", CREATION_STEPS[0].slug))
    if current is None:
        abort(404)
    answers = _answers()
    number = CREATION_STEPS.index(current) + 1
    missing = _first_unanswered(answers)
    if missing is not None and CREATION_STEPS.index(missing) + 1 < number:  # an earlier question first
        return redirect(_step_url(missing))
    form = current.form(data=None if request.method == "POST" else answers)
    if form.validate_on_submit():
        answers.update({name: form[name].data for name in current.fields})
        seal(ANSWERS, answers)
        following = _first_unanswered(answers)
        return redirect(_step_url(following) if following else url_for("creation.check"))
    return render_template("pages/creation/create.html", form=form, step=current, number=number,
                           total=len(CREATION_STEPS), action=_step_url(current),
                           back=_step_url(CREATION_STEPS[number - 2]) if number > 1 else None)


@bp.route("/dossier/verifier", methods=["GET", "POST"])
def check():
    """« Vérifiez vos réponses »: every answer with its « Modifier » link, and the button that creates."""
    answers = _answers()
    missing = _first_unanswered(answers)
    if missing is not None:
        return redirect(_step_url(missing))
    form = CheckAnswersForm()
    if form.validate_on_submit():
        try:
            creds = online_creation.create_dossier_online(
                ctx(), code=answers["code"], nir=answers["nir"], vitale_type=answers["vitale_type"],
                vitale_serial=answers["vitale_serial"], mobile=answers["mobile"], email=answers["email"],
            )
        except Refused:
            form.form_errors.append(NO_MATCH)
        else:
            session.pop(ANSWERS, None)
            values = asdict(creds)
            values["created_on"] = creds.created_on.isoformat()
            seal("new_credentials", values)
            return redirect(url_for("creation.done"))
    return render_template("pages/creation/check.html", form=form, answers=answers,
                           vitale_types={c.value: c.label for c in VITALE_TYPES},
                           change={step.slug: _step_url(step) for step in CREATION_STEPS})


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
