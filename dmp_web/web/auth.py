"""Logging in: identifier and password, then a one-time code. Logging out, idle sessions,
forgotten password and forgotten identifier.

Longer than 300 lines: the patients' and professionals' login journeys share the code step and the
session end."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from .. import htmx, login_manager
from ..domain.actors import CarerPerson
from ..domain.accounts import KEPT_FORM_FOR, OTP_MAX_TRIES, Account, CodeCheck, session_owner
from ..forms.accounts import ForgottenIdentifierForm, LoginForm, NewPasswordForm, OtpForm, PasswordResetStartForm
from ..forms.base import KEPT_FORM
from ..services import login as logins, patient_login
from ..services.holder import account_key, split_account_key
from ..domain.helped_visit import ENDED_AT_LOGOUT, ENDED_WITH_SESSION
from .deps import ctx, end_helped_visit
from .messages import code_wait_message, login_refused, otp_message, show_password_refusal
from .request_log import refuse
from .sessions import rotate

bp = Blueprint("auth", __name__)

# The first connection's steps (web/patient.py): a login lands on the one not done yet, so an
# interrupted first connection goes on where it stopped.
FIRST_CONNECTION_STEPS = {
    1: "patient.first_connection", 2: "patient.first_connection_password", 3: "patient.first_connection_emergency",
}

class PatientUser(UserMixin):
    login_endpoint = "auth.login"

    def __init__(self, account: Account):
        self.account = account
        self.id = session_owner("patient", account.dossier_id, account.slot)

    @property
    def dossier_id(self) -> str:
        return self.account.dossier_id

    @property
    def key(self) -> str:
        """The account's key for the services: the dossier's first account, or a second representative's."""
        return account_key(self.account.dossier_id, self.account.slot)

    def record_logout(self, expired: bool = False) -> None:
        # a helped visit ends with the session: its end is journaled first, the logout without the helper
        end_helped_visit(self.key, ENDED_WITH_SESSION if expired else ENDED_AT_LOGOUT)
        patient_login.record_logout(ctx(), self.key, expired=expired)


class DirectoryUser(UserMixin):
    """A professional, a desk agent, or one of the actors the law keeps out."""

    login_endpoint = "pro.login"

    def __init__(self, actor, login_id: str):
        self.actor = actor
        self.login_id = login_id
        self.id = session_owner("pro", login_id)

    def record_logout(self, expired: bool = False) -> None:
        pass  # logging in or out touches no dossier


class CarerUser(UserMixin):
    """A carer (domain/carers.py), with an account of their own in the directory: they act on
    the DMP of the patients who invited them, each under its own grant (web/carers.py)."""

    login_endpoint = "carer.login"

    def __init__(self, actor):
        self.actor = actor
        self.login_id = actor.id
        self.id = session_owner("carer", actor.id)

    def record_logout(self, expired: bool = False) -> None:
        pass  # as for the directory's others: logging in or out touches no DMP


@login_manager.user_loader
def load_user(user_id: str):
    """Whose session this is, read in the stores of the app serving the request: the one
    LoginManager of the module serves every app of the process (tests, tools), so never a closure."""
    repos = current_app.extensions["dmp.repos"]
    kind, _, dossier_id = user_id.partition(":")
    if kind == "patient":
        account = repos.accounts.get(*split_account_key(dossier_id))
        # an ended representative's account (at 18) opens nothing, even by a session the batch missed
        return PatientUser(account) if account and account.deactivated_at is None else None
    if kind == "pro":
        # read on every request: a deactivated account's sessions end at its next click
        actor = repos.directory.active_actor(dossier_id)
        return DirectoryUser(actor, dossier_id) if actor and not isinstance(actor, CarerPerson) else None
    if kind == "carer":
        actor = repos.directory.active_actor(dossier_id)
        return CarerUser(actor) if isinstance(actor, CarerPerson) else None
    return None


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.blueprint_login_views = {"pro": "pro.login", "desk": "pro.login", "carer": "carer.login"}
    login_manager.login_message = "Connectez-vous pour voir cette page."
    login_manager.login_message_category = "info"

    @app.before_request
    def end_idle_sessions():
        if not (session.idle_expired and current_user.is_authenticated):
            return None
        login_endpoint = current_user.login_endpoint
        kept = keep_posted_form(current_user.id)
        current_user.record_logout(expired=True)
        logout_user()
        session.clear()
        rotate(session)
        minutes = current_app.config["DMP_SETTINGS"].session_idle_minutes
        # words that need no agreement with the person («déconnecté» or «déconnectée»)
        flash(f"Vous n’avez rien fait pendant {minutes} minutes. Pour votre sécurité, la connexion est "
              "fermée.", "info")
        if kept:
            flash("Nous avons gardé ce que vous avez écrit, pendant 1 heure. Reconnectez-vous pour le "
                  "retrouver.", "info")
        refuse("session_expired")
        if htmx and not htmx.boosted:  # a fragment asked for: the whole page goes to the login
            return current_app.response_class("", headers={"HX-Redirect": url_for(login_endpoint)})
        return redirect(url_for(login_endpoint))


# POSTs that are not a form of the person's own words: nothing to keep.
NOT_KEPT = {"auth.logout", "patient.close_other_sessions"}


def keep_posted_form(account: str) -> bool:
    """A form posted after the session ended: keep what it held (never a password or a code)."""
    if request.method != "POST" or request.endpoint in NOT_KEPT or not request.path.startswith("/"):
        return False
    values = {name: request.form.getlist(name) for name in request.form
              if name != "csrf_token" and "password" not in name and name != "code"}
    if not values and not request.files:
        return False
    ctx().repos.sessions.keep_form(account, {"path": request.path, "form": values,
                                             "files": any(f.filename for f in request.files.values())},
                                   ctx().now())
    return True


def give_back_kept_form():
    """After a login: the page of the form the session's end kept, filled in again; else None."""
    kept = ctx().repos.sessions.take_form(current_user.id, ctx().now(), KEPT_FORM_FOR)
    if not kept or not kept["path"].startswith("/") or kept["path"].startswith("//"):
        return None
    session[KEPT_FORM] = {"path": kept["path"], "form": kept["form"]}
    flash("Voici ce que vous aviez écrit. Vérifiez-le, puis envoyez-le de nouveau.", "info")
    if kept["files"]:
        flash("Le fichier joint n’a pas pu être gardé : joignez-le de nouveau.", "info")
    return redirect(kept["path"])


def start_session(user) -> None:
    if current_user.is_authenticated:  # someone else logs in on this browser: the one before logs out
        current_user.record_logout()  # (a patient's helped visit ends, journaled, before the session goes)
    session.clear()  # a fresh session at login: nothing from before carries over
    rotate(session)  # and a new id: one known before the login opens nothing after it
    login_user(user)


def _after_login():
    if isinstance(current_user._get_current_object(), DirectoryUser):
        return give_back_kept_form() or redirect(url_for("pro.home"))
    if isinstance(current_user._get_current_object(), CarerUser):
        return give_back_kept_form() or redirect(url_for("carer.home"))
    if not current_user.account.first_connection_done:
        return redirect(url_for(FIRST_CONNECTION_STEPS[current_user.account.first_connection_step]))
    return give_back_kept_form() or redirect(url_for("patient.home"))


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return _after_login()
    form = LoginForm()
    if form.validate_on_submit():
        try:
            started = patient_login.start_login(ctx(), form.login_id.data, form.password.data)
        except logins.Refused as refusal:
            login_refused(form, refusal)
        else:
            session["pending_login"] = pending_login(started)
            return redirect(url_for("auth.login_code"))
    return render_template("pages/auth/login.html", form=form)


def pending_login(started) -> dict:
    """What the code step needs: whose code, where it went, whether one was sent just now."""
    return {"dossier": started.key, "channel": started.channel, "masked": started.masked_contact,
            "sent": started.sent}


def patient_source():
    return logins.PatientAccounts(ctx())


def code_page(session_key: str, purpose: str, start_again: str, template: str, on_success, source=patient_source,
              **shown):
    """The one-time code step of a journey: check the code, or say why it failed. `shown`: what
    a shared template needs besides (pages/auth/code_step.html: its action, resend, button)."""
    pending = session.get(session_key)
    if not pending:
        return redirect(url_for(start_again))
    form = OtpForm()
    if form.validate_on_submit():
        if pending["dossier"] is None:  # the numbers typed are nobody's: every code is wrong, alike
            tries = pending.get("tries", 0) + 1
            session[session_key] = {**pending, "tries": tries}
            check = CodeCheck.WRONG if tries < OTP_MAX_TRIES else CodeCheck.EXHAUSTED
            tries_left = max(0, OTP_MAX_TRIES - tries)
        else:
            check, tries_left = logins.check_otp(ctx(), source(), pending["dossier"], form.code.data, purpose)
        if check is CodeCheck.OK:
            return on_success(pending)
        refuse("wrong_code")
        form.code.errors = [otp_message(check, tries_left)]
    return render_template(template, form=form, pending=pending, **shown)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    def logged_in(pending):
        start_session(PatientUser(ctx().repos.accounts.get(*split_account_key(pending["dossier"]))))
        return _after_login()

    return code_page("pending_login", "login", "auth.login", "pages/auth/login_code.html", logged_in)


@bp.post("/connexion/code/nouveau")
def resend_login_code():
    return resend("pending_login", "login", "auth.login_code", "auth.login")


def resend(session_key: str, purpose: str, back_to: str, start_again: str, source=patient_source):
    pending = session.get(session_key)
    if not pending:
        return redirect(url_for(start_again))

    def send():
        if pending["dossier"] is None:
            raise logins.Refused("too_soon", seconds=60)  # as a real one does, within a minute
        logins.resend_otp(ctx(), source(), pending["dossier"], purpose)

    return sent_again(send, back_to)


def sent_again(send, back_to: str):
    """The « new code » button of every code page: send, then say it went or how long to wait.
    A refusal that is not a wait is the caller's to handle."""
    try:
        send()
    except logins.Refused as refusal:
        if "seconds" not in refusal.details:
            raise
        refuse("rate_limit")
        flash(code_wait_message(refusal.details["seconds"]) + ".", "error")
    else:
        flash("Nous avons envoyé un nouveau code. Il remplace l’ancien.", "success")
    return redirect(url_for(back_to))


# -- the notice before a session ends (htmx asks for it; without JavaScript, the kept form) ------

NOTICE_BEFORE_END = 120  # seconds


def notice_delay() -> int:
    """When the page asks for the notice: 2 minutes before the idle end (at least 30 s in)."""
    return max(30, current_app.config["DMP_SETTINGS"].session_idle_minutes * 60 - NOTICE_BEFORE_END)


@bp.get("/session/avis")
@login_required
def session_notice():
    """«Votre session se ferme bientôt», with «Rester connecté». Reading it does not count as
    using the site (web/sessions.py does not touch the session for it)."""
    template = "partials/_session_notice.html" if htmx and not htmx.boosted else "pages/auth/session_notice.html"
    return render_template(template)


@bp.post("/session/rester-connecte")
@login_required
def stay_logged_in():
    if htmx and not htmx.boosted:
        return render_template("partials/_session_kept.html")
    flash("La connexion reste ouverte.", "success")
    return redirect(url_for(home_of(current_user._get_current_object())))


def home_of(user) -> str:
    """The first page of whoever is logged in."""
    if isinstance(user, DirectoryUser):
        return "pro.home"
    return "carer.home" if isinstance(user, CarerUser) else "patient.home"


@bp.post("/deconnexion")
@login_required
def logout():
    current_user.record_logout()
    logout_user()
    session.clear()
    flash("La connexion est fermée. À bientôt.", "success")  # no «déconnecté(e)» to agree
    return redirect(url_for("public.home"))


# -- forgotten password -----------------------------------------------------------------------

@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten_password():
    form = PasswordResetStartForm()
    if form.validate_on_submit():
        # The code page follows whatever was typed: a wrong pair must not read differently.
        key = patient_login.start_password_reset(ctx(), form.login_id.data, form.nir.data)
        session["password_reset"] = {"dossier": key, "verified": False, "tries": 0}
        return redirect(url_for("auth.forgotten_password_code"))
    return render_template("pages/auth/forgotten_password.html", form=form)


@bp.route("/mot-de-passe-oublie/code", methods=["GET", "POST"])
def forgotten_password_code():
    def verified(pending):
        session["password_reset"] = {**pending, "verified": True}
        return redirect(url_for("auth.forgotten_password_new"))

    return code_page("password_reset", "reset", "auth.forgotten_password",
                      "pages/auth/forgotten_password_code.html", verified)


@bp.post("/mot-de-passe-oublie/code/nouveau")
def resend_reset_code():
    return resend("password_reset", "reset", "auth.forgotten_password_code", "auth.forgotten_password")


@bp.route("/mot-de-passe-oublie/nouveau", methods=["GET", "POST"])
def forgotten_password_new():
    pending = session.get("password_reset")
    if not pending or not pending.get("verified"):
        return redirect(url_for("auth.forgotten_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            patient_login.finish_password_reset(ctx(), pending["dossier"], form.new_password.data)
        except logins.Refused as refusal:
            show_password_refusal(form, refusal)
        else:
            session.pop("password_reset", None)
            flash("Votre mot de passe est changé. Connectez-vous avec votre nouveau mot de passe.", "success")
            return redirect(url_for("auth.login"))
    return render_template("pages/auth/forgotten_password_new.html", form=form)


# -- forgotten identifier ---------------------------------------------------------------------

@bp.route("/identifiant-oublie", methods=["GET", "POST"])
def forgotten_identifier():
    form = ForgottenIdentifierForm()
    if form.validate_on_submit():
        patient_login.send_identifier(ctx(), form.nir.data, form.vitale_serial.data, form.channel.data)
        session["identifier_sent"] = form.channel.data  # what was asked: the same page either way
        return redirect(url_for("auth.identifier_sent"))
    return render_template("pages/auth/forgotten_identifier.html", form=form)


@bp.get("/identifiant-oublie/envoye")
def identifier_sent():
    where = session.get("identifier_sent")
    if not where:
        return redirect(url_for("auth.forgotten_identifier"))
    return render_template("pages/auth/identifier_sent.html", where=where)
