"""« Je ne connais pas cette personne »: the patient's report of a professional from the history
of accesses, and the desk agents' queue of open reports (list, handle with a note).

The patient's page is in the patient's space (the holder logged in, `only_the_holder`); the queue
is the desk agents' alone: anyone else logged in is refused with a 403, without reading a dossier."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required

from ..domain.reports import ReportRefused
from ..forms.reports import MESSAGES, HandleReportForm, ReportForm
from ..services import reports
from .deps import ctx
from .patient import current_dossier, holder, only_the_holder
from .pro import current_actor
from .request_log import refuse

bp = Blueprint("reports", __name__)


# -- the patient -----------------------------------------------------------------------------

@bp.route("/mon-dmp/historique/signaler/<int:seq>", methods=["GET", "POST"])
def report(seq: int):
    guard = only_the_holder()
    if guard is not None:
        return guard
    dossier = current_dossier()
    try:
        target = reports.reportable(ctx(), holder(), dossier, seq)
    except reports.NotReportable:
        abort(404)
    form = ReportForm()
    if target.open_report is None and form.validate_on_submit():
        try:
            done = reports.report(ctx(), holder(), dossier, seq, sentence=form.sentence.data or "",
                                  block=bool(form.block.data) and not target.attending_doctor)
        except ReportRefused as refused:
            if refused.code not in MESSAGES:  # reported meanwhile (another tab): the page says so
                return redirect(url_for("reports.report", seq=seq))
            form.sentence.errors = [MESSAGES[refused.code]]
        else:
            flash("Votre signalement est envoyé à la caisse.", "success")
            if done.blocked and not target.blocked:
                flash("Ce soignant est bloqué. Il ne peut plus ouvrir votre DMP.", "success")
            if done.block_refused:
                flash(done.block_refused, "error")
            return redirect(url_for("history.history"))
    return render_template("pages/reports/report.html", form=form, target=target)


# -- the desk agents -------------------------------------------------------------------------

def _desk_agent():
    """The logged-in desk agent; a professional, a forbidden actor or a patient gets a 403."""
    actor = current_actor()
    if not reports.may_handle_reports(actor):
        refuse("forbidden")
        abort(403)
    return actor


@bp.get("/pro/signalements")
@login_required
def queue():
    items = reports.queue(ctx(), _desk_agent())
    return render_template("pages/reports/queue.html", items=items)


@bp.route("/pro/signalements/<report_id>", methods=["GET", "POST"])
@login_required
def handle(report_id: str):
    agent = _desk_agent()
    if not re.fullmatch(r"[0-9a-f]{16}", report_id):
        abort(404)
    try:
        item = reports.queued(ctx(), agent, report_id)
    except reports.NoSuchReport:
        abort(404)
    form = HandleReportForm()
    if item.report.is_open and form.validate_on_submit():
        try:
            reports.handle(ctx(), agent, report_id, form.note.data)
        except ReportRefused as refused:
            if refused.code not in MESSAGES:  # handled meanwhile by another agent: the page says so
                return redirect(url_for("reports.handle", report_id=report_id))
            form.note.errors = [MESSAGES[refused.code]]
        else:
            flash("Le signalement est traité. Le patient verra votre réponse dans son historique.", "success")
            return redirect(url_for("reports.queue"))
    return render_template("pages/reports/handle.html", form=form, item=item)
