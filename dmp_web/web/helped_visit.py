"""« Je me fais aider »: the patient starts a helped visit for someone who sits beside them,
and ends it (domain/helped_visit.py). The visit lives in the patient's session, sealed
(web/deps.py); the banner of every page says it (templates/base.html)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user

from ..domain.helped_visit import DURATION_HOURS, ENDED_AFTER_DURATION, ENDED_BY_PATIENT, Helper
from ..forms.helped_visit import HelperForm
from ..services import helped_visits
from .deps import HELPED_VISIT, ctx, end_helped_visit, helped_visit_in_session, keep_helped_visit
from .auth import PatientUser
from .patient import only_the_holder

bp = Blueprint("helped_visit", __name__, url_prefix="/mon-dmp/je-me-fais-aider")
bp.before_request(only_the_holder)


def in_force():
    """This session's helped visit while it runs, else None."""
    visit = helped_visit_in_session()
    return visit if visit is not None and visit.in_force(ctx().now()) else None


@bp.route("", methods=["GET", "POST"])
def start():
    visit = in_force()
    form = HelperForm()
    # one at a time: while one runs, the page says who helps and offers to end it
    if visit is None and form.validate_on_submit():
        helper = Helper.typed(form.name.data, form.organisation.data)
        keep_helped_visit(helped_visits.start(ctx(), current_user.key, helper))
        flash("La visite avec de l’aide commence. Votre historique dira qui vous aide.", "success")
        return redirect(url_for("patient.home"))
    return render_template("pages/patient/helped_visit.html", form=form, visit=visit,
                           hours=DURATION_HOURS)


@bp.post("/finir")
def finish():
    """« Finir l’aide », in the banner of every page and on the page above."""
    if end_helped_visit(current_user.key, ENDED_BY_PATIENT):
        flash("L’aide est finie. La suite de votre historique ne nomme plus cette personne.", "success")
    return redirect(url_for("patient.home"))


@bp.before_app_request
def end_after_its_time():
    """Once its time has passed, the helped visit is journaled as ended at the next request."""
    if HELPED_VISIT not in session or getattr(session, "idle_expired", False):
        return  # an idle session's end ends it too (web/auth.py), with its own reason
    user = current_user._get_current_object()
    visit = helped_visit_in_session()
    if visit is None or not isinstance(user, PatientUser):  # not this account's: nothing to journal
        session.pop(HELPED_VISIT, None)
    elif not visit.in_force(ctx().now()):
        end_helped_visit(user.key, ENDED_AFTER_DURATION)

