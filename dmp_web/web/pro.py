"""The space of professionals and desk agents: log in, then find or create a DMP."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from ..domain.actors import FORBIDDEN_KINDS, DeskAgent, Professional
from ..domain.access import REASONS
from ..forms.pro import ProLoginForm
from ..services import login as logins
from .auth import DirectoryUser, code_page, resend, start_session
from .deps import ctx

bp = Blueprint("pro", __name__, url_prefix="/pro")


def directory_source():
    return logins.DirectoryAccounts(ctx(), ctx().repos.directory)


def current_actor():
    """The logged-in directory actor; anyone else is sent to log in here."""
    if not isinstance(current_user._get_current_object(), DirectoryUser):
        abort(403)
    return current_user.actor


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = ProLoginForm()
    locked_until = None
    if form.validate_on_submit():
        try:
            started = logins.start_login(ctx(), directory_source(), form.login_id.data, form.password.data)
        except logins.Refused as refusal:
            if refusal.code == "locked":
                locked_until = refusal.details.get("until")
                form.password.errors = ["Après 5 mots de passe faux, votre compte est bloqué pendant 15 minutes"]
            else:
                form.password.errors = ["L’identifiant ou le mot de passe n’est pas le bon. Vérifiez les 2"]
        else:
            session["pending_pro_login"] = {
                "dossier": started.key, "channel": started.channel, "masked": started.masked_contact,
            }
            return redirect(url_for("pro.login_code"))
    return render_template("pages/pro/login.html", form=form, locked_until=locked_until)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    def logged_in(pending):
        login_id = pending["dossier"]
        start_session(DirectoryUser(ctx().repos.directory.actor(login_id), login_id))
        return redirect(url_for("pro.home"))

    return code_page("pending_pro_login", "login", "pro.login", "pages/pro/login_code.html", logged_in,
                     source=directory_source)


@bp.post("/connexion/code/nouveau")
def resend_login_code():
    return resend("pending_pro_login", "login", "pro.login_code", "pro.login", source=directory_source)


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
    )
