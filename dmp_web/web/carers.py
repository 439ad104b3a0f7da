"""The carers' space (/aidant): accept an invitation with its code and make an account of one's
own, log in with one's own codes, choose whose DMP, and act on it within what the patient allowed
(services/carer_accounts.py; the policy decides each act: domain/access.py)."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..domain.carers import CarerRefusal
from ..domain.documents import DOCUMENT_TYPES
from ..forms.accounts import PatientDocumentForm
from ..forms.carer_space import (CarerContactForm, CarerForgottenPasswordForm, CarerLoginForm, CarerPasswordForm,
                            InvitationCodeForm)
from ..services import carer_accounts, dossier_access
from ..services import login as logins
from ..services.login import masked_contact
from .auth import CarerUser, code_page, give_back_kept_form, pending_login, resend, sent_again, start_session
from .deps import checked_upload, ctx, document_or_404, hidden_as_not_found, seal, send_document_file, unseal
from .messages import login_refused, show_password_refusal
from .request_log import refuse

bp = Blueprint("carer", __name__, url_prefix="/aidant")

INVITATION = "carer_invitation"  # the invitation found with its code (sealed): its ids only
CONTACT = "carer_contact"  # the contact typed, until the password page (sealed)
PENDING = "pending_carer_account"  # the new account waiting for its code
WELCOME = "carer_welcome"  # the identifier, shown once after the account opens
KEPT = 3600  # seconds: the acceptance's steps are done in one sitting
CODE_STEP = "pages/auth/code_step.html"


def carer_source():
    return carer_accounts.CarerAccounts(ctx(), ctx().repos.directory)


def current_carer():
    """The logged-in carer; anyone else is sent to the carers' login."""
    user = current_user._get_current_object()
    if not isinstance(user, CarerUser):
        return None
    return ctx().repos.directory.actor(user.login_id)


# -- logging in -------------------------------------------------------------------------------

@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if isinstance(current_user._get_current_object(), CarerUser):
        return redirect(url_for("carer.home"))
    form = CarerLoginForm()
    if form.validate_on_submit():
        try:
            started = logins.start_login(ctx(), carer_source(), form.login_id.data, form.password.data)
        except logins.Refused as refusal:
            login_refused(form, refusal)
        else:
            session["pending_carer_login"] = pending_login(started)
            return redirect(url_for("carer.login_code"))
    return render_template("pages/carers/login.html", form=form)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    def logged_in(pending):
        start_session(CarerUser(ctx().repos.directory.actor(pending["dossier"])))
        return give_back_kept_form() or redirect(url_for("carer.home"))

    return code_page("pending_carer_login", "login", "carer.login", CODE_STEP, logged_in, source=carer_source,
                     action=url_for("carer.login_code"), resend=url_for("carer.resend_login_code"), button="Valider")


@bp.post("/connexion/code/nouveau")
def resend_login_code():
    return resend("pending_carer_login", "login", "carer.login_code", "carer.login", source=carer_source)


# -- a forgotten password ----------------------------------------------------------------------

RESET = "carer_password_reset"


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten_password():
    form = CarerForgottenPasswordForm()
    if form.validate_on_submit():
        # the code page follows whatever was typed: an identifier that is nobody's reads the same
        key = carer_accounts.start_password_reset(ctx(), form.login_id.data)
        session[RESET] = {"dossier": key, "verified": False, "tries": 0}
        return redirect(url_for("carer.forgotten_password_code"))
    return render_template("pages/carers/forgotten_password.html", form=form)


@bp.route("/mot-de-passe-oublie/code", methods=["GET", "POST"])
def forgotten_password_code():
    def verified(pending):
        session[RESET] = {**pending, "verified": True}
        return redirect(url_for("carer.forgotten_password_new"))

    return code_page(RESET, "reset", "carer.forgotten_password", CODE_STEP, verified, source=carer_source,
                     action=url_for("carer.forgotten_password_code"), resend=url_for("carer.resend_reset_code"),
                     button="Valider")


@bp.post("/mot-de-passe-oublie/code/nouveau")
def resend_reset_code():
    return resend(RESET, "reset", "carer.forgotten_password_code", "carer.forgotten_password", source=carer_source)


@bp.route("/mot-de-passe-oublie/nouveau", methods=["GET", "POST"])
def forgotten_password_new():
    pending = session.get(RESET)
    if not pending or not pending.get("verified"):
        return redirect(url_for("carer.forgotten_password"))
    form = CarerPasswordForm()
    if form.validate_on_submit():
        try:
            carer_accounts.finish_password_reset(ctx(), pending["dossier"], form.new_password.data)
        except logins.Refused as refusal:
            show_password_refusal(form, refusal)
        else:
            session.pop(RESET, None)
            flash("Votre mot de passe est changé. Connectez-vous avec votre nouveau mot de passe.", "success")
            return redirect(url_for("carer.login"))
    return render_template("pages/auth/forgotten_password_new.html", form=form,
                           action=url_for("carer.forgotten_password_new"))


# -- accepting an invitation ------------------------------------------------------------------

@bp.route("/accepter", methods=["GET", "POST"])
def accept():
    form = InvitationCodeForm()
    if form.validate_on_submit():
        found = carer_accounts.find_invitation(ctx(), form.code.data)
        if found is None:
            refuse("wrong_code")
            form.code.errors = ["Ce code ne marche pas. Vérifiez chaque lettre. "
                                "Une invitation marche 30 jours, et une seule fois"]
        else:
            seal(INVITATION, {"dossier": found.dossier_id, "grant": found.grant_id})
            return redirect(url_for("carer.invitation"))
    return render_template("pages/carers/accept.html", form=form)


def _invitation():
    kept = unseal(INVITATION, KEPT)
    return carer_accounts.invitation(ctx(), kept["dossier"], kept["grant"]) if kept else None


@bp.route("/accepter/invitation", methods=["GET", "POST"])
def invitation():
    found = _invitation()
    if found is None:
        return _start_again()
    person = current_carer()
    if request.method == "POST":  # the form's CSRF is checked app-wide
        if person is None:
            return redirect(url_for("carer.new_contact"))
        try:
            carer_accounts.accept(ctx(), person, found)
        except CarerRefusal as refusal:
            return _refused_acceptance(refusal)
        session.pop(INVITATION, None)
        flash(f"Vous aidez maintenant {found.patient_name}.", "success")
        return redirect(url_for("carer.home"))
    return render_template("pages/carers/invitation.html", found=found, person=person)


def _start_again():
    flash("Écrivez de nouveau le code de l’invitation.", "info")
    return redirect(url_for("carer.accept"))


def _refused_acceptance(refusal: CarerRefusal):
    session.pop(INVITATION, None)
    refuse("invitation_void")
    return render_template("pages/carers/accept_refused.html", code=refusal.code), 409


@bp.route("/accepter/contact", methods=["GET", "POST"])
def new_contact():
    if _invitation() is None:
        return _start_again()
    form = CarerContactForm()
    if form.validate_on_submit():
        seal(CONTACT, {"channel": form.channel(), "mobile": form.mobile.data or "",
                       "email": (form.email.data or "").strip()})
        return redirect(url_for("carer.new_password"))
    return render_template("pages/carers/contact.html", form=form)


@bp.before_request
def count_the_new_account_by_its_contact():
    """The new account's limit by target (web/limits.py) counts the contact its code goes to."""
    if request.endpoint == "carer.new_password" and request.method == "POST":
        contact = unseal(CONTACT, KEPT) or {}
        g.limit_target = contact.get("mobile") if contact.get("channel") == "sms" else contact.get("email", "")


@bp.route("/accepter/mot-de-passe", methods=["GET", "POST"])
def new_password():
    found, contact = _invitation(), unseal(CONTACT, KEPT)
    if found is None:
        return _start_again()
    if contact is None:
        return redirect(url_for("carer.new_contact"))
    form = CarerPasswordForm()
    if form.validate_on_submit():
        try:
            login_id = carer_accounts.start_account(ctx(), found, channel=contact["channel"], mobile=contact["mobile"],
                                                    email=contact["email"], password=form.new_password.data)
        except logins.Refused as refusal:
            show_password_refusal(form, refusal)
        else:
            session.pop(CONTACT, None)
            account = ctx().repos.directory.account(login_id)
            session[PENDING] = {"dossier": login_id, "channel": account.otp_channel,
                                "masked": masked_contact(account, account.otp_channel), "sent": True}
            return redirect(url_for("carer.new_account_code"))
    return render_template("pages/carers/password.html", form=form)


@bp.route("/accepter/code", methods=["GET", "POST"])
def new_account_code():
    found = _invitation()
    if found is None:
        return _start_again()

    def confirmed(pending):
        login_id = pending["dossier"]
        try:
            person = carer_accounts.confirm_account(ctx(), login_id, found)
        except CarerRefusal as refusal:
            start_session(CarerUser(ctx().repos.directory.actor(login_id)))
            return _refused_acceptance(refusal)
        start_session(CarerUser(person))
        session[WELCOME] = login_id
        return redirect(url_for("carer.welcome"))

    return code_page(PENDING, "login", "carer.new_password", CODE_STEP, confirmed,
                     source=lambda: logins.DirectoryAccounts(ctx(), ctx().repos.directory),
                     action=url_for("carer.new_account_code"), resend=url_for("carer.resend_new_account_code"),
                     button="Créer mon compte", intro="Ce code montre que le portable ou l’e-mail est bien le vôtre.")


@bp.post("/accepter/code/nouveau")
def resend_new_account_code():
    pending = session.get(PENDING)
    if not pending:
        return redirect(url_for("carer.accept"))
    return sent_again(lambda: carer_accounts.send_confirmation_code(ctx(), pending["dossier"]),
                      "carer.new_account_code")


@bp.get("/bienvenue")
@login_required
def welcome():
    person = current_carer()
    if person is None:
        return redirect(url_for("carer.login"))
    return render_template("pages/carers/welcome.html", person=person,
                           login_id=session.get(WELCOME) == person.id and person.id)


# -- the carer's home: whose DMP ---------------------------------------------------------------

@bp.get("")
@login_required
def home():
    person = current_carer()
    if person is None:
        return redirect(url_for("carer.login"))
    return render_template("pages/carers/home.html", person=person, helped=carer_accounts.helped(ctx(), person))


# -- a DMP the carer helps with ------------------------------------------------------------------

def _on(dossier_id: str):
    """(the carer as the policy judges them on this DMP, the DMP); a 404 for an id that is no DMP."""
    person = current_carer()
    if person is None:
        abort(403)
    dossier = ctx().repos.dossiers.get(dossier_id) if re.fullmatch(r"[0-9a-z]{8,40}", dossier_id) else None
    if dossier is None:
        hidden_as_not_found()
    return carer_accounts.carer_on(dossier, person), dossier


def _refused(decision, dossier):
    """Not this person's DMP: it does not exist for them. Theirs, but not now or not that: say why."""
    if decision.reason_code == "not_a_carer":
        hidden_as_not_found("policy")
    refuse("policy")
    return make_response(render_template("pages/carers/refused.html", decision=decision, dossier_id=dossier.id), 403)


@bp.get("/dmp/<dossier_id>")
@login_required
def dossier(dossier_id: str):
    carer, dossier = _on(dossier_id)
    typed = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", typed):
        abort(404)
    decision = dossier_access.decide_and_journal(ctx(), carer, "list_documents", dossier)
    if not decision.allowed:
        return _refused(decision, dossier)
    shown, _ = dossier_access.visible_documents(ctx(), carer, dossier)
    page = dossier_access.documents_page(shown, int(typed))
    if page is None:
        abort(404)
    grant = dossier.carer_grant(carer.grant_id)
    return render_template("pages/carers/dossier.html", dossier=dossier, grant=grant, page=page, types=DOCUMENT_TYPES)


@bp.get("/dmp/<dossier_id>/documents/<document_id>")
@login_required
def document(dossier_id: str, document_id: str):
    carer, dossier = _on(dossier_id)
    document = document_or_404(dossier, document_id)
    decision = dossier_access.decide_and_journal(ctx(), carer, "read_document", dossier, document)
    if not decision.allowed:
        hidden_as_not_found("policy")  # a document kept from the carer does not exist for them
    repo = ctx().repos.documents
    return render_template("pages/carers/document.html", dossier=dossier, document=document, types=DOCUMENT_TYPES,
                           text=repo.text(dossier.id, document.id), file=repo.file(dossier.id, document.id))


@bp.get("/dmp/<dossier_id>/documents/<document_id>/fichier")
@login_required
def document_file(dossier_id: str, document_id: str):
    carer, dossier = _on(dossier_id)
    document = document_or_404(dossier, document_id)
    decision = dossier_access.decide_and_journal(ctx(), carer, "read_document", dossier, document)
    if not decision.allowed:
        hidden_as_not_found("policy")
    return send_document_file(dossier, document)


@bp.route("/dmp/<dossier_id>/ajouter", methods=["GET", "POST"])
@login_required
def add_document(dossier_id: str):
    carer, dossier = _on(dossier_id)
    form = PatientDocumentForm()
    if form.validate_on_submit():
        upload, data = checked_upload(form.file)
        if not form.file.errors:
            result = dossier_access.deposit(
                ctx(), carer, dossier, type_code="patient_note", title=form.title.data,
                document_date=ctx().now().date(), text=form.text.data or "", upload=upload, data=data,
            )
            if not result.decision.allowed:
                return _refused(result.decision, dossier)
            flash("Le document est ajouté.", "success")
            return redirect(url_for("carer.dossier", dossier_id=dossier.id))
    elif request.method == "GET":
        # the form only for a carer the policy would let add (sending it is decided and journaled);
        # to the others, why not, before they type anything
        if not dossier_access.allowed_unjournaled(ctx(), carer, "read_dossier", dossier):
            return _refused(dossier_access.decide_and_journal(ctx(), carer, "read_dossier", dossier), dossier)
        if not dossier.carer_grant(carer.grant_id).rule.may_add:
            return render_template("pages/carers/may_not_add.html", dossier=dossier), 403
    return render_template("pages/carers/add_document.html", form=form, dossier=dossier)
