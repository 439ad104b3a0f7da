"""«Copie de mon DMP»: a PDF to print, the same copy by post, an archive with every file.

Each copy is built on demand by services/copies.py, which asks the access policy ("export")
and journals the decision; a download is an attachment, the post a POST after a confirmation page.
"""
from __future__ import annotations

from datetime import date

from typing import IO

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from werkzeug.wsgi import wrap_file

from ..forms.copies import CopyByPostForm
from ..services import copies
from .deps import content_disposition, ctx
from .patient import current_dossier, holder, only_the_holder

bp = Blueprint("copies", __name__, url_prefix="/mon-dmp/copie")
bp.before_request(only_the_holder)

_POSTED = "copies.expected_by"  # the arrival date the last posted copy promised, for its page


def _download(body: bytes | IO[bytes], content_type: str, stem: str, extension: str):
    """An attachment: bytes, or a file sent in blocks and closed once sent (the ZIP)."""
    if isinstance(body, bytes):
        response = make_response(body)
    else:
        response = current_app.response_class(wrap_file(request.environ, body), direct_passthrough=True)
    response.headers["Content-Type"] = content_type
    filename = f"{stem}-{copies.today(ctx()).isoformat()}.{extension}"
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


@bp.get("")
def index():
    return render_template("pages/copies/index.html", expected_by=copies.arrival_date(ctx()))


@bp.get("/copie-dmp.pdf")
def pdf_copy():
    made = copies.pdf_copy(ctx(), holder(), current_dossier())
    if not made.decision.allowed:
        abort(403)
    return _download(made.data, "application/pdf", "copie-dmp", "pdf")


@bp.get("/archive-dmp.zip")
def archive():
    made = copies.archive_copy(ctx(), holder(), current_dossier())
    if not made.decision.allowed:
        abort(403)
    return _download(made.file, "application/zip", "archive-dmp", "zip")


@bp.route("/courrier", methods=["GET", "POST"])
def by_post():
    """The confirmation page (address, arrival date), then the POST that queues the letter."""
    dossier = current_dossier()
    form = CopyByPostForm()
    if form.validate_on_submit():
        posted = copies.post_copy(ctx(), holder(), dossier)
        if not posted.decision.allowed:
            abort(403)
        session[_POSTED] = posted.expected_by.isoformat()
        return redirect(url_for("copies.posted"))
    return render_template("pages/copies/by_post.html", form=form,
                           address=copies.postal_address(ctx(), dossier), expected_by=copies.arrival_date(ctx()))


@bp.get("/courrier/envoyee")
def posted():
    expected = session.get(_POSTED)
    if not expected:
        return redirect(url_for("copies.by_post"))
    return render_template("pages/copies/posted.html", expected_by=date.fromisoformat(expected),
                           address=copies.postal_address(ctx(), current_dossier()))
