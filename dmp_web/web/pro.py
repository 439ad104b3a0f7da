"""The space of professionals and desk agents: log in, then find or create a DMP."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..domain.access import REASONS
from ..domain.actors import FORBIDDEN_KINDS, DeskAgent, Professional
from ..domain.documents import DOCUMENT_TYPES, Category
from ..domain.habilitations import BREAK_GLASS_PROFESSIONS, allows, may_break_glass, professions_in_words
from ..forms.accounts import NewPasswordForm
from ..forms.pro import CareTeamConsentForm, DepositForm, EmergencyForm, PatientSearchForm, ProLoginForm
from ..services import dossier_access, enrolment, notices, recent_patients, reports, wishes
from ..services import login as logins
from .auth import DirectoryUser, code_page, give_back_kept_form, pending_login, resend, start_session
from .deps import checked_upload, ctx, document_or_404, hidden_as_not_found, send_document_file
from .messages import login_refused, show_password_refusal
from .request_log import refuse

bp = Blueprint("pro", __name__, url_prefix="/pro")


def directory_source():
    return logins.DirectoryAccounts(ctx(), ctx().repos.directory)


def current_actor():
    """The logged-in directory actor; anyone else is sent to log in here."""
    if not isinstance(current_user._get_current_object(), DirectoryUser):
        refuse("forbidden")
        abort(403)
    return current_user.actor


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = ProLoginForm()
    if form.validate_on_submit():
        try:
            started = logins.start_login(ctx(), directory_source(), form.login_id.data, form.password.data)
        except logins.Refused as refusal:
            login_refused(form, refusal)
        else:
            session["pending_pro_login"] = pending_login(started)
            return redirect(url_for("pro.login_code"))
    return render_template("pages/pro/login.html", form=form)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    def logged_in(pending):
        login_id = pending["dossier"]
        start_session(DirectoryUser(ctx().repos.directory.actor(login_id), login_id))
        return give_back_kept_form() or redirect(url_for("pro.home"))

    return code_page("pending_pro_login", "login", "pro.login", "pages/pro/login_code.html", logged_in,
                     source=directory_source)


@bp.post("/connexion/code/nouveau")
def resend_login_code():
    return resend("pending_pro_login", "login", "pro.login_code", "pro.login", source=directory_source)


def _link_account(token: str):
    """(the account the activation link opens, None) or (None, why it no longer works)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
        return None, "missing"
    try:
        return enrolment.account_of_link(ctx(), token), None
    except logins.Refused as refusal:
        return None, refusal.code


@bp.route("/activation/<token>", methods=["GET", "POST"])
def activation(token: str):
    """Choose a first password with the link an operator's command sent (72 hours, once)."""
    account, void = _link_account(token)
    if account is None:
        refuse("link_void")
        return render_template("pages/pro/activation_void.html", expired=void == "expired"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            enrolment.activate(ctx(), token, form.new_password.data)
        except logins.Refused as refusal:
            if refusal.code != "refused":
                return redirect(url_for("pro.activation", token=token))  # used meanwhile: say so
            show_password_refusal(form, refusal)
        else:
            flash("Votre mot de passe est choisi. Connectez-vous avec lui.", "success")
            return redirect(url_for("pro.login"))
    return render_template("pages/pro/activation.html", form=form, token=token, login_id=account.login_id,
                           actor=ctx().repos.directory.actor(account.login_id))


@bp.get("")
@login_required
def home():
    actor = current_actor()
    if actor.kind in FORBIDDEN_KINDS:
        return render_template("pages/pro/forbidden.html", actor=actor, reason=REASONS["forbidden_actor"]), 403
    return render_template(
        "pages/pro/home.html",
        actor=actor,
        is_professional=isinstance(actor, Professional),
        is_desk_agent=isinstance(actor, DeskAgent),
        open_reports=reports.open_count(ctx(), actor) if isinstance(actor, DeskAgent) else 0,
        recent=recent_patients.recent(ctx(), actor),
    )


# -- the dossier, as the access policy allows -----------------------------------------------

def refused(decision):
    """A refusal says why, and shows nothing of the dossier."""
    refuse("policy")
    return make_response(render_template("pages/pro/refused.html", reason=decision.reason), 403)


def _dossier(dossier_id: str):
    dossier = ctx().repos.dossiers.get(dossier_id) if re.fullmatch(r"[0-9a-z]{16,32}", dossier_id) else None
    if dossier is None:
        hidden_as_not_found()
    return dossier


def decided(action: str, dossier_id: str, document_id: str | None = None):
    """Load the dossier (and document), ask the policy, journal; a refusal ends the request.
    A professional outside the care team is first sent to note the patient's agreement."""
    actor = current_actor()
    dossier = _dossier(dossier_id)
    if dossier_access.needs_consent(ctx(), actor, dossier):
        abort(redirect(url_for("pro.consent", dossier_id=dossier.id)))
    document = document_or_404(dossier, document_id) if document_id else None
    decision = dossier_access.decide_and_journal(ctx(), actor, action, dossier, document)
    if not decision.allowed:
        abort(refused(decision))
    notices.dossier_opened(ctx(), actor, dossier)  # the patient who asked it is told (1 message an hour)
    if action == "read_dossier":
        recent_patients.opened(ctx(), actor, dossier)  # « Mes patients récents »
    return actor, dossier, document




@bp.route("/trouver", methods=["GET", "POST"])
@login_required
def find():
    actor = current_actor()
    if actor.kind in FORBIDDEN_KINDS:
        return render_template("pages/pro/forbidden.html", actor=actor, reason=REASONS["forbidden_actor"]), 403
    form = PatientSearchForm()
    if form.validate_on_submit():
        dossier = dossier_access.find_dossier(ctx(), form.identifier.data, form.birth_date.data)
        if dossier is None:
            form.identifier.errors = ["Aucun DMP ne correspond à ce numéro et à cette date de naissance"]
        else:
            return redirect(url_for("pro.dossier", dossier_id=dossier.id))
    return render_template("pages/pro/find.html", form=form)


# The categories as a professional reads them: the patient's own documents are the patient's.
PRO_CATEGORY_LABELS = {**{c: c.label for c in Category}, Category.MINE: "Documents ajoutés par le patient"}


@bp.get("/dmp/<dossier_id>")
@login_required
def dossier(dossier_id):
    """The documents by category, newest first in each, with a filter by category (?categorie=)."""
    typed = request.args.get("categorie", "")
    chosen = next((c for c in Category if c.value == typed), None)
    if typed and chosen is None:
        abort(404)
    actor, dossier, _ = decided("read_dossier", dossier_id)
    documents, left_out = dossier_access.visible_documents(ctx(), actor, dossier)
    groups = dossier_access.documents_page(documents, 1, per_page=max(1, len(documents))).groups
    person = ctx().register.get(dossier.holder_nir)
    return render_template(
        "pages/pro/dossier.html", actor=actor, dossier=dossier, person=person, documents=documents,
        groups=[g for g in groups if chosen is None or g[0] is chosen], chosen=chosen,
        categories=[g[0] for g in groups], category_labels=PRO_CATEGORY_LABELS,
        left_out=left_out, types=DOCUMENT_TYPES, shown=wishes.shown_to_professional(ctx(), actor, dossier),
        emergency=dossier_access.emergency_in_force(ctx(), actor, dossier),
        may_open_emergency=actor.emergency_regulator or may_break_glass(actor.profession),
    )


@bp.route("/dmp/<dossier_id>/accord", methods=["GET", "POST"])
@login_required
def consent(dossier_id):
    """Outside the care team, a professional notes that the patient agreed before the first read."""
    actor = current_actor()
    dossier = _dossier(dossier_id)
    if not dossier_access.needs_consent(ctx(), actor, dossier):
        return redirect(url_for("pro.dossier", dossier_id=dossier.id))
    form = CareTeamConsentForm()
    if request.method == "GET":
        # The patient's name shows here: the visit is a refused opening, journaled (who looked).
        dossier_access.decide_and_journal(ctx(), actor, "read_dossier", dossier)
    if form.validate_on_submit():
        decision = dossier_access.record_consent(ctx(), actor, dossier)
        if not decision.allowed:
            return refused(decision)
        flash("L’accord du patient est noté. Vous êtes dans son équipe de soins.", "success")
        return redirect(url_for("pro.dossier", dossier_id=dossier.id))
    return render_template("pages/pro/consent.html", form=form, dossier=dossier,
                           person=ctx().register.get(dossier.holder_nir),
                           may_open_emergency=actor.emergency_regulator or may_break_glass(actor.profession))


@bp.get("/dmp/<dossier_id>/documents/<document_id>")
@login_required
def document(dossier_id, document_id):
    actor, dossier, document = decided("read_document", dossier_id, document_id)
    repo = ctx().repos.documents
    return render_template(
        "pages/pro/document.html", dossier=dossier, document=document, types=DOCUMENT_TYPES,
        text=repo.text(dossier.id, document.id), file=repo.file(dossier.id, document.id),
        may_release=dossier_access.allowed_unjournaled(ctx(), actor, "release_document", dossier, document),
    )


@bp.get("/dmp/<dossier_id>/documents/<document_id>/fichier")
@login_required
def document_file(dossier_id, document_id):
    _, dossier, document = decided("read_document", dossier_id, document_id)
    return send_document_file(dossier, document)


def _writable_types(actor):
    return [SelectChoice(code, t.label) for code, t in DOCUMENT_TYPES.items()
            if isinstance(actor, Professional) and allows(actor.profession, code, "write")]


@bp.route("/dmp/<dossier_id>/deposer", methods=["GET", "POST"])
@login_required
def deposit(dossier_id):
    actor, dossier, _ = decided("read_dossier", dossier_id)
    form = DepositForm()
    form.type_code.choices = _writable_types(actor)
    if form.validate_on_submit():
        upload, data = checked_upload(form.file)
        if not form.file.errors:
            result = dossier_access.deposit(
                ctx(), actor, dossier, type_code=form.type_code.data, title=form.title.data,
                document_date=form.document_date.data, text=form.text.data or "", upload=upload, data=data,
                pending_explanation=form.pending_explanation.data,
                hidden_from_representatives=form.hidden_from_representatives.data,
            )
            if not result.decision.allowed:
                return refused(result.decision)
            flash("Le document est ajouté au DMP.", "success")
            return redirect(url_for("pro.dossier", dossier_id=dossier.id))
    return render_template("pages/pro/deposit.html", form=form, dossier=dossier)


@bp.post("/dmp/<dossier_id>/documents/<document_id>/montrer")
@login_required
def release(dossier_id, document_id):
    actor = current_actor()
    dossier = _dossier(dossier_id)
    document = document_or_404(dossier, document_id)
    decision = dossier_access.release(ctx(), actor, dossier, document)
    if not decision.allowed:
        return refused(decision)
    flash("Le patient peut maintenant voir ce document.", "success")
    return redirect(url_for("pro.document", dossier_id=dossier.id, document_id=document.id))


@bp.route("/dmp/<dossier_id>/urgence", methods=["GET", "POST"])
@login_required
def emergency(dossier_id):
    actor = current_actor()
    dossier = _dossier(dossier_id)
    if not isinstance(actor, Professional):
        return refused(dossier_access.decide_and_journal(ctx(), actor, "read_dossier", dossier))
    form = EmergencyForm()
    if form.validate_on_submit():
        decision = dossier_access.open_emergency(ctx(), actor, dossier, form.reason.data)
        if not decision.allowed:
            return refused(decision)
        flash("L’accès en urgence est ouvert pour 24 heures. Le patient est prévenu.", "success")
        return redirect(url_for("pro.dossier", dossier_id=dossier.id))
    return render_template("pages/pro/emergency.html", form=form, dossier=dossier, regulator=actor.emergency_regulator,
                           may_break_glass=may_break_glass(actor.profession),
                           who_may=professions_in_words(BREAK_GLASS_PROFESSIONS))
