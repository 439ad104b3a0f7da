"""«Copie de mon DMP»: a PDF to print, the same copy by post, an archive with every file.

Asking is a POST (services/copy_jobs.py: the policy decides the "export", it is journaled, a job
is queued); the background worker makes the copy. The waiting page reloads itself until the copy
is ready, then offers the download, which sends the kept copy as it is unsealed, in blocks.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from ..domain.dates import local_day
from ..forms.copies import CopyForm
from ..services import copies, copy_jobs
from .deps import content_disposition, ctx
from .patient import current_dossier, holder, only_the_holder

bp = Blueprint("copies", __name__, url_prefix="/mon-dmp/copie")
bp.before_request(only_the_holder)

_POSTED = "copies.expected_by"  # the arrival date the last posted copy promised, for its page
_SENT = "copies.sent_at"  # when the same copy was sent already (none was sent again)
# The two copies to download: the word in their page's address, their file.
DOWNLOADS = {
    "a-imprimer": ("pdf", "application/pdf", "copie-dmp", "pdf"),
    "archive": ("archive", "application/zip", "archive-dmp", "zip"),
}
NO_REFRESH = "non"  # ?auto=non: the waiting page stops reloading itself


def refresh_seconds() -> int:
    """How often a waiting page reloads itself (DMP_REFRESH_SECONDS in the app's config, 10 by
    default: time enough to reach the link that stops it, the first thing after the heading)."""
    return int(current_app.config.get("DMP_REFRESH_SECONDS", 10))


def _download_or_404(which: str) -> tuple[str, str, str, str]:
    if which not in DOWNLOADS:
        abort(404)
    return DOWNLOADS[which]


@bp.get("")
def index():
    dossier = current_dossier()
    statuses = {which: copy_jobs.copy_status(ctx(), dossier, kind)
                for which, (kind, *_rest) in DOWNLOADS.items()}
    return render_template("pages/copies/index.html", expected_by=copies.arrival_date(ctx()),
                           statuses=statuses, form=CopyForm())


@bp.route("/<which>", methods=["GET", "POST"])
def waiting(which):
    """POST: ask for this copy. GET: where it is (waiting, ready, failed)."""
    kind = _download_or_404(which)[0]
    dossier = current_dossier()
    form = CopyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)  # only a missing CSRF token fails a form with no field
        again = request.form.get("nouvelle") == "1"  # «Préparer une nouvelle copie», on the ready page
        if not copy_jobs.ask_copy(ctx(), holder(), dossier, kind, again=again).decision.allowed:
            abort(403)
        return redirect(url_for("copies.waiting", which=which))
    status = copy_jobs.copy_status(ctx(), dossier, kind)
    if status is None:
        return redirect(url_for("copies.index"))
    auto = request.args.get("auto") != NO_REFRESH
    response = current_app.make_response(render_template(
        "pages/copies/waiting.html", which=which, status=status, form=form, auto=auto,
        refresh_seconds=refresh_seconds()))
    if status.state == copy_jobs.WAITING and auto:
        # a header, not <meta http-equiv="refresh">: the page says so and lets the reader stop it
        response.headers["Refresh"] = str(refresh_seconds())
    return response


def _send(which: str):
    kind, content_type, stem, extension = _download_or_404(which)
    kept = copy_jobs.kept_copy(ctx(), holder(), current_dossier(), kind)
    if kept is None:
        return redirect(url_for("copies.waiting", which=which))
    response = current_app.response_class(kept.chunks, direct_passthrough=True, mimetype=content_type)
    response.content_length = kept.size  # a copy cut on its way is a short download, never a whole one
    response.headers["Content-Disposition"] = content_disposition(
        f"{stem}-{local_day(ctx().now()).isoformat()}.{extension}")
    return response


@bp.get("/copie-dmp.pdf")
def pdf_copy():
    return _send("a-imprimer")


@bp.get("/archive-dmp.zip")
def archive():
    return _send("archive")


@bp.route("/courrier", methods=["GET", "POST"])
def by_post():
    """The confirmation page (address, arrival date), then the POST that queues the letter."""
    dossier = current_dossier()
    form = CopyForm()
    if form.validate_on_submit():
        asked = copy_jobs.ask_copy(ctx(), holder(), dossier, "post")
        if not asked.decision.allowed:
            abort(403)
        if asked.sent_at is not None:  # the same copy went by post a few days ago: not twice
            session[_SENT] = asked.sent_at.isoformat()
        else:
            session.pop(_SENT, None)
        session[_POSTED] = copies.arrival_date(ctx(), asked.sent_at).isoformat()
        return redirect(url_for("copies.posted"))
    return render_template("pages/copies/by_post.html", form=form,
                           address=copies.postal_address(ctx(), dossier), expected_by=copies.arrival_date(ctx()))


@bp.get("/courrier/envoyee")
def posted():
    expected = session.get(_POSTED)
    if not expected:
        return redirect(url_for("copies.by_post"))
    sent = session.get(_SENT)
    return render_template("pages/copies/posted.html", expected_by=date.fromisoformat(expected),
                           sent_on=datetime.fromisoformat(sent) if sent else None,
                           address=copies.postal_address(ctx(), current_dossier()))
