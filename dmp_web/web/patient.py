"""The patient's space. Until the first connection is done, only its three steps are reachable.

Longer than 300 lines: the one blueprint of the patient's space; each view is short."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from .. import htmx

from ..domain import carers
from ..domain.documents import DOCUMENT_TYPES
from ..services import dossier_access, management
from ..forms.accounts import (
    AlertsForm, AttendingDoctorForm, ChangePasswordForm, ConnectionDataForm, GrantRightsForm, OtpChannelForm,
    PatientDocumentForm, ProfessionalSearchForm,
)
from ..domain.dossier import EMERGENCY_SWITCHES
from ..forms.accounts import PersonalDataForm, emergency_answers_of, emergency_question_form
from ..services import first_connection as first_steps
from ..services import account_settings, patient_login
from ..services.login import Refused
from .auth import FIRST_CONNECTION_STEPS, PatientUser
from .messages import INITIAL_PASSWORD_MESSAGES, show_password_refusal
from .deps import checked_upload, ctx, document_or_404, hidden_as_not_found, seal, send_document_file, unseal
from .sessions import current_digest

bp = Blueprint("patient", __name__, url_prefix="/mon-dmp")

STEPS = FIRST_CONNECTION_STEPS


@login_required
def only_the_holder():
    """Every page of the patient's space: the holder logged in, first connection done.

    Other blueprints of the patient's space register it too: `bp.before_request(only_the_holder)`."""
    if not isinstance(current_user._get_current_object(), PatientUser):
        return redirect(url_for("auth.login"))
    account = current_user.account
    if account.first_connection_done:
        # done once: its steps are closed («Gestion du DMP» and «Mes informations» change the rest)
        return redirect(url_for("patient.home")) if request.endpoint in STEPS.values() else None
    allowed = [STEPS[n] for n in STEPS if n <= account.first_connection_step]
    if request.endpoint not in allowed:
        return redirect(url_for(STEPS[account.first_connection_step]))
    return None


bp.before_request(only_the_holder)


def current_dossier():
    """The logged-in holder's dossier."""
    return ctx().repos.dossiers.get(current_user.dossier_id)


def holder():
    """Who is logged in, as the access policy knows them: the holder, or a minor's legal
    representative (the account's slot says which)."""
    return current_dossier().acting_in(current_user.account.slot)


def _person():
    dossier = current_dossier()
    return dossier, ctx().register.get(dossier.holder_nir)


@bp.get("")
def home():
    dossier, person = _person()
    documents, _ = dossier_access.visible_documents(ctx(), holder(), dossier)
    return render_template("pages/patient/home.html", dossier=dossier, person=person, account=current_user.account,
                           documents=documents, types=DOCUMENT_TYPES)


@bp.get("/documents/<document_id>")
def document(document_id):
    dossier, _ = _person()
    document = document_or_404(dossier, document_id)
    decision = dossier_access.decide_and_journal(ctx(), holder(), "read_document", dossier, document)
    if not decision.allowed:
        hidden_as_not_found("policy")  # to the patient, a document not yet explained does not exist
    repo = ctx().repos.documents
    return render_template("pages/patient/document.html", document=document, types=DOCUMENT_TYPES,
                           text=repo.text(dossier.id, document.id), file=repo.file(dossier.id, document.id))


@bp.get("/documents/<document_id>/fichier")
def document_file(document_id):
    dossier, _ = _person()
    document = document_or_404(dossier, document_id)
    decision = dossier_access.decide_and_journal(ctx(), holder(), "read_document", dossier, document)
    if not decision.allowed:
        hidden_as_not_found("policy")
    return send_document_file(dossier, document)


@bp.route("/premiere-connexion/coordonnees", methods=["GET", "POST"])
def first_connection():
    account = current_user.account
    form = PersonalDataForm(
        data={} if request.method == "POST" else {
            "mobile": account.mobile, "mobile_confirm": account.mobile,
            "email": account.email, "email_confirm": account.email,
        }
    )
    if form.validate_on_submit():
        first_steps.save_personal_data(ctx(), current_user.key, form.mobile.data, form.email.data)
        # back here after the password step (its contacts changed): on to the step not done yet
        return redirect(url_for(STEPS[max(account.first_connection_step, 2)]))
    dossier, person = _person()
    return render_template("pages/patient/first_connection_1.html", form=form, dossier=dossier, person=person)


@bp.route("/premiere-connexion/mot-de-passe", methods=["GET", "POST"])
def first_connection_password():
    account = current_user.account
    if account.first_connection_step > 2:
        # the initial password is replaced once; a first connection taken up again goes on at step 3
        return redirect(url_for(STEPS[3]))
    form = ConnectionDataForm(data={} if request.method == "POST" else {"channel": account.otp_channel})
    form.offer_channels(account.otp_channels())
    if form.validate_on_submit():
        try:
            first_steps.save_connection_data(
                ctx(), current_user.key, form.current_password.data, form.new_password.data, form.chosen_channel(),
                session=current_digest(session),
            )
        except Refused as refusal:
            show_password_refusal(form, refusal, INITIAL_PASSWORD_MESSAGES)
        else:
            return redirect(url_for("patient.first_connection_emergency"))
    return render_template("pages/patient/first_connection_2.html", form=form, account=account)


EMERGENCY_ANSWERS = "emergency_answers"  # the answers so far, sealed, until the last question
EMERGENCY_ANSWERS_KEPT_FOR = 30 * 60
QUESTIONS = list(EMERGENCY_SWITCHES)
ANSWER_WORDS = {"yes": "oui", "no": "non"}


def _question_url(number: int) -> str:
    return url_for(request.endpoint, question=number) if number > 1 else url_for(request.endpoint)


def _emergency_question(template: str, save, current: dict | None = None):
    """Question ?question=N of the 3 emergency switches, one per page, each answered by a press
    on « Oui » or « Non ». The answers wait in the session, for this page only; `save` gets the 3
    at once, so the service and its journal are those of the one-page form."""
    typed = request.args.get("question", "1")
    if typed not in {str(n) for n in range(1, len(QUESTIONS) + 1)}:
        abort(404)
    number = int(typed)
    answers = unseal(EMERGENCY_ANSWERS, EMERGENCY_ANSWERS_KEPT_FOR) or {}
    if answers.get("for") != request.endpoint:
        answers = {"for": request.endpoint}
    unanswered = [n for n, name in enumerate(QUESTIONS[:number - 1], 1) if name not in answers]
    if unanswered:
        return redirect(_question_url(unanswered[0]))
    switch = QUESTIONS[number - 1]
    form = emergency_question_form(switch)
    if form.validate_on_submit():
        answers[switch] = form[switch].data
        if number < len(QUESTIONS):
            seal(EMERGENCY_ANSWERS, answers)
            return redirect(_question_url(number + 1))
        session.pop(EMERGENCY_ANSWERS, None)
        return save({name: answers[name] == "yes" for name in QUESTIONS})
    now = (current or {}).get(switch)
    return render_template(template, form=form, field=form[switch], number=number, total=len(QUESTIONS),
                           current=ANSWER_WORDS.get(now), action=_question_url(number),
                           back=_question_url(number - 1) if number > 1 else None)


@bp.route("/premiere-connexion/urgence", methods=["GET", "POST"])
def first_connection_emergency():
    def save(switches):
        first_steps.save_emergency_choice(ctx(), current_user.key, switches)
        return redirect(url_for("patient.home"))

    return _emergency_question("pages/patient/first_connection_3.html", save)


@bp.route("/medecin-traitant", methods=["GET", "POST"])
def attending_doctor():
    dossier, _ = _person()
    form = AttendingDoctorForm()
    if form.validate_on_submit():
        result = management.set_attending_doctor(ctx(), holder(), dossier, form.rpps.data)
        if result == "unknown":
            form.rpps.errors = ["Aucun médecin n’a ce numéro RPPS. Vérifiez-le avec votre médecin"]
        elif not result.allowed:
            abort(403)
        else:
            flash("Votre médecin traitant est enregistré.", "success")
            return redirect(url_for("patient.home"))
    rpps = dossier.attending_doctor_rpps
    current = ctx().repos.directory.professional(rpps) if rpps else None
    return render_template("pages/patient/attending_doctor.html", form=form, current=current)


# -- documents: see them by category, add one, hide one from professionals ---------------------

@bp.get("/documents")
def documents():
    typed = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", typed):
        abort(404)
    dossier = current_dossier()
    decision = dossier_access.decide_and_journal(ctx(), holder(), "list_documents", dossier)
    if not decision.allowed:
        return render_template("pages/patient/closed.html", dossier=dossier), 403
    shown, _ = dossier_access.visible_documents(ctx(), holder(), dossier)
    page = dossier_access.documents_page(shown, int(typed))
    if page is None:
        abort(404)
    return render_template("pages/patient/documents.html", page=page, types=DOCUMENT_TYPES,
                           has_carers=has_carers(dossier))


@bp.route("/documents/ajouter", methods=["GET", "POST"])
def add_document():
    dossier = current_dossier()
    form = PatientDocumentForm()
    if form.validate_on_submit():
        upload, data = checked_upload(form.file)
        if not form.file.errors:
            result = dossier_access.deposit(
                ctx(), holder(), dossier, type_code="patient_note", title=form.title.data,
                document_date=ctx().now().date(), text=form.text.data or "", upload=upload, data=data,
            )
            if not result.decision.allowed:
                abort(403)
            flash("Votre document est ajouté.", "success")
            return redirect(url_for("patient.documents"))
    return render_template("pages/patient/add_document.html", form=form)


HIDING_MESSAGES = {
    (False, True): "Ce document est maintenant caché aux professionnels.",
    (False, False): "Ce document est de nouveau visible pour les professionnels.",
    (True, True): "Ce document est maintenant caché à vos aidants.",
    (True, False): "Ce document est de nouveau visible pour vos aidants.",
}


def has_carers(dossier) -> bool:
    """Whether the rows offer « Cacher à mes aidants »: a carer in force, to come, or invited."""
    return bool(carers.counted(dossier, ctx().now()))


@bp.post("/documents/<document_id>/acces")
def document_access(document_id):
    """«Interdire» or allow again: a plain form; htmx swaps the row in place when it is there."""
    dossier = current_dossier()
    document = document_or_404(dossier, document_id)
    hide = request.form.get("hidden") == "1"
    from_carers = request.form.get("from") == "carers"  # the row's second button (« Mes aidants »)
    decision = dossier_access.set_hidden(ctx(), holder(), dossier, document, hide, from_carers=from_carers)
    if not decision.allowed:
        hidden_as_not_found("policy")
    message = HIDING_MESSAGES[from_carers, hide]
    if htmx and not htmx.boosted:  # the row as stored now (the change was made on a fresh read)
        return render_template("pages/patient/_document_row.html", document=document_or_404(dossier, document_id),
                               types=DOCUMENT_TYPES, message=message, has_carers=has_carers(dossier))
    flash(message, "success")
    return redirect(url_for("patient.documents"))


# -- «Gestion du DMP»: blocked professionals, rights, emergency access, alerts ---------------

def _people(rpps_list):
    directory = ctx().repos.directory
    return [p for p in (directory.professional(r) for r in rpps_list) if p]


def _managed(decision, message: str):
    if not decision.allowed:
        abort(403)
    flash(message, "success")
    return redirect(url_for("patient.management"))


@bp.get("/gestion", endpoint="management")
def management_page():
    dossier = current_dossier()
    directory = ctx().repos.directory
    attending = directory.professional(dossier.attending_doctor_rpps) if dossier.attending_doctor_rpps else None
    return render_template("pages/patient/management.html", dossier=dossier, attending=attending,
                           blocked=_people(dossier.blocked_rpps), with_rights=_people(dossier.attending_rights_rpps),
                           care_team=_people(r for r in dossier.care_team_rpps if r != dossier.attending_doctor_rpps))


@bp.get("/gestion/bloquer")
def block_search():
    dossier = current_dossier()
    form = ProfessionalSearchForm(request.args)
    results = None
    if request.args and form.validate():
        results = ctx().repos.directory.search_professionals(form.q.data)
    context = {"form": form, "results": results, "dossier": dossier}
    if htmx and not htmx.boosted:
        return render_template("pages/patient/_search_results.html", **context)
    return render_template("pages/patient/block.html", **context)


@bp.post("/gestion/bloquer")
def block():
    dossier = current_dossier()
    result = management.block(ctx(), holder(), dossier, request.form.get("rpps", ""))
    if result == "unknown":
        abort(404)
    if not result.allowed:
        flash(result.reason + " Vous pouvez choisir un autre médecin traitant.", "error")
        return redirect(url_for("patient.management"))
    return _managed(result, "Ce professionnel est bloqué. Il ne peut plus ouvrir votre DMP.")


@bp.post("/gestion/debloquer")
def unblock():
    return _managed(management.unblock(ctx(), holder(), current_dossier(), request.form.get("rpps", "")),
                    "Ce professionnel n’est plus bloqué.")


@bp.route("/gestion/droits", methods=["GET", "POST"])
def grant_rights():
    form = GrantRightsForm()
    if form.validate_on_submit():
        result = management.grant_rights(ctx(), holder(), current_dossier(), form.rpps.data)
        if result == "unknown":
            form.rpps.errors = ["Aucun médecin n’a ce numéro RPPS. Vérifiez-le avec votre médecin"]
        else:
            return _managed(result, "Ce médecin a maintenant les droits du médecin traitant.")
    return render_template("pages/patient/grant_rights.html", form=form)


@bp.post("/gestion/droits/retirer")
def revoke_rights():
    return _managed(management.revoke_rights(ctx(), holder(), current_dossier(), request.form.get("rpps", "")),
                    "Ce médecin n’a plus les droits du médecin traitant.")


@bp.route("/gestion/urgence", methods=["GET", "POST"])
def emergency_choice():
    dossier = current_dossier()

    def save(switches):
        decisions = management.set_emergency_switches(ctx(), holder(), dossier, switches)
        if not all(decision.allowed for decision in decisions):
            abort(403)
        flash("Vos choix pour l’accès en urgence sont enregistrés." if decisions else "Vous n’avez rien changé.",
              "success")
        return redirect(url_for("patient.management"))

    return _emergency_question("pages/patient/emergency_choice.html", save, emergency_answers_of(dossier))


@bp.route("/gestion/alertes", methods=["GET", "POST"])
def alerts():
    dossier = current_dossier()
    form = AlertsForm(data=None if request.method == "POST" else AlertsForm.data_of(dossier))
    if form.validate_on_submit():
        decision = management.set_alerts(ctx(), holder(), dossier, form.choice.data == "yes")
        openings = form.openings.data == "yes"
        if decision.allowed and openings != dossier.alert_openings:  # journaled when it changes
            decision = management.set_opening_alerts(ctx(), holder(), dossier, openings)
        if decision.allowed:  # each letter asked or stopped is journaled when it changes
            decision = next((d for d in management.set_post_choices(ctx(), holder(), dossier, form.post_choices())
                             if not d.allowed), decision)
        return _managed(decision, "Vos choix pour les alertes sont enregistrés.")
    account = current_user.account
    return render_template("pages/patient/alerts.html", form=form,
                           reachable=bool(account and (account.mobile or account.email)))


# -- closing the DMP, reopening it --------------------------------------------------------------

@bp.route("/fermer", methods=["GET", "POST"])
def close():
    dossier = current_dossier()
    if request.method == "POST":
        decision = management.close(ctx(), holder(), dossier)
        if not decision.allowed:
            abort(403)
        flash("Votre DMP est fermé. Vous pouvez encore demander une copie ou le rouvrir.", "success")
        return redirect(url_for("patient.home"))
    return render_template("pages/patient/close.html", dossier=dossier)


@bp.post("/rouvrir")
def reopen():
    decision = management.reopen(ctx(), holder(), current_dossier())
    if not decision.allowed:
        abort(403)
    flash("Votre DMP est de nouveau ouvert.", "success")
    return redirect(url_for("patient.home"))


@bp.get("/compte")
def account():
    """« Mon compte »: the password, the codes' channel, the contacts, and the open sessions."""
    return render_template("pages/patient/account.html", account=current_user.account,
                           sessions=patient_login.open_sessions(ctx(), current_user.key),
                           current=current_digest(session))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account_settings.change_password(ctx(), current_user.key, form.current_password.data,
                                             form.new_password.data, session=current_digest(session))
        except Refused as refusal:
            show_password_refusal(form, refusal)
        else:
            flash("Votre mot de passe est changé. Vos autres sessions sont fermées.", "success")
            return redirect(url_for("patient.account"))
    return render_template("pages/patient/change_password.html", form=form)


@bp.route("/compte/codes", methods=["GET", "POST"])
def otp_channel():
    account = current_user.account
    form = OtpChannelForm(data={} if request.method == "POST" else {"channel": account.otp_channel})
    if form.validate_on_submit():
        try:
            changed = account_settings.choose_otp_channel(ctx(), current_user.key, form.channel.data)
        except Refused as refusal:
            form.channel.errors = [NO_CONTACT[refusal.code]]
        else:
            flash(("Vos prochains codes arrivent par SMS." if form.channel.data == "sms" else
                   "Vos prochains codes arrivent par e-mail.") if changed else "Rien n’a changé.", "success")
            return redirect(url_for("patient.account"))
    return render_template("pages/patient/otp_channel.html", form=form, account=account,
                           missing=account_settings.missing_contacts(account))


NO_CONTACT = {
    "no_mobile": "Vous n’avez pas de numéro de portable. Ajoutez-le dans Mes informations",
    "no_email": "Vous n’avez pas d’adresse e-mail. Ajoutez-la dans Mes informations",
}


@bp.post("/compte/fermer-les-autres-sessions")
def close_other_sessions():
    ended = patient_login.close_other_sessions(ctx(), current_user.key, keep=current_digest(session))
    flash("Vos autres sessions sont fermées." if ended else "Vous n’aviez pas d’autre session ouverte.", "success")
    return redirect(url_for("patient.account"))
