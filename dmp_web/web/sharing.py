"""Sharing codes (domain/sharing.py): the patient's page «Donner un code de partage» (make a code,
see it once, cancel it) and the professional's form «J’ai un code de partage» (the code and the
patient's birth date open the DMP for 24 hours, within the profession's rights).

The code made is sealed in the session for the next page only: shown once, after a redirect, so a
reload neither shows it again nor makes another one."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import login_required

from ..domain.actors import Professional
from ..domain.sharing import CODE_VALIDITY
from ..formatting import date_fr, time_fr
from ..forms.sharing import MakeSharingCodeForm, UseSharingCodeForm
from ..services import sharing
from .deps import ctx, seal, unseal
from .patient import current_dossier, holder, only_the_holder
from .pro import current_actor, refused
from .request_log import refuse

bp = Blueprint("sharing", __name__)

SHOWN = "sharing_code_shown"


def _until(at) -> str:
    return f"{date_fr(at)} à {time_fr(at)}"


# -- the patient -----------------------------------------------------------------------------

@bp.route("/mon-dmp/gestion/partage", methods=["GET", "POST"])
def patient_page():
    guard = only_the_holder()
    if guard is not None:
        return guard
    dossier = current_dossier()
    form = MakeSharingCodeForm()
    if form.validate_on_submit():
        made = sharing.make_code(ctx(), holder(), dossier)
        if not made.decision.allowed:
            flash(made.decision.reason, "error")
        else:
            seal(SHOWN, {"code": made.code, "until": _until(made.expires_at)})
        return redirect(url_for("sharing.patient_page"))
    shown = unseal(SHOWN, int(CODE_VALIDITY.total_seconds()))
    session.pop(SHOWN, None)  # once
    state = sharing.state_of(ctx(), dossier)
    directory = ctx().repos.directory
    return render_template("pages/patient/sharing.html", form=form, shown=shown, state=state, dossier=dossier,
                           who={s.rpps: directory.professional(s.rpps) for s in state.shares})


@bp.post("/mon-dmp/gestion/partage/annuler")
def cancel():
    guard = only_the_holder()
    if guard is not None:
        return guard
    code_id = request.form.get("code", "")
    result = sharing.cancel_code(ctx(), holder(), current_dossier(), code_id) \
        if re.fullmatch(r"[0-9a-f]{16}", code_id) else "unknown"
    if result == "unknown":
        abort(404)
    if not result.allowed:
        abort(403)
    flash("Ce code est annulé. Il ne marche plus.", "success")
    return redirect(url_for("sharing.patient_page"))


# -- the professional ------------------------------------------------------------------------

@bp.route("/pro/code-de-partage", methods=["GET", "POST"])
@login_required
def use():
    actor = current_actor()
    if not isinstance(actor, Professional):  # a desk agent, or an actor the law keeps out
        refuse("forbidden")
        abort(403)
    form = UseSharingCodeForm()
    if form.validate_on_submit():
        used = sharing.use_code(ctx(), actor, form.code.data, form.birth_date.data)
        if used is None:
            refuse("wrong_code")
            form.code.errors = ["Ce code ne marche pas avec cette date de naissance. "
                                "Vérifiez les 2 avec le patient"]
        elif not used.decision.allowed:
            return refused(used.decision)
        else:
            flash(f"Le code est bon. Vous pouvez lire ce DMP jusqu’au {_until(used.until)}.", "success")
            return redirect(url_for("pro.dossier", dossier_id=used.dossier.id))
    return render_template("pages/pro/sharing_code.html", form=form)
