"""The easy-to-read guides: a list, one page per guide, and their booklets to print (PDF).

The guides are files of content/falc/ read by texts/guides.py. A slug from the URL is only
compared with the slugs of the loaded guides: it never becomes a path.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..services import copy_jobs
from ..texts import guides
from .copies import NO_REFRESH, refresh_seconds
from .deps import content_disposition, ctx

bp = Blueprint("guides", __name__, url_prefix="/guides")


def _guide_or_404(slug: str) -> guides.Guide:
    guide = guides.guide_by_slug(slug)
    if guide is None:
        abort(404)
    return guide


def _booklet(slug: str, filename: str, title: str):
    """The booklet made by the background worker; until it is, a page that waits for it."""
    status = copy_jobs.ask_booklet(ctx(), slug)
    kept = copy_jobs.booklet_bytes(ctx(), status) if status.state == copy_jobs.READY else None
    if kept is not None:
        response = current_app.response_class(kept.chunks, direct_passthrough=True, mimetype="application/pdf")
        response.content_length = kept.size
        # inline: the browser opens it in its viewer, where the print button is
        response.headers["Content-Disposition"] = content_disposition(filename, inline=True)
        return response
    failed = status.state == copy_jobs.FAILED_STATE
    auto = request.args.get("auto") != NO_REFRESH and not failed
    # 202 Accepted with Retry-After: a script saving the PDF is told to come back later
    response = current_app.make_response((render_template(
        "pages/guides/waiting.html", title=title, auto=auto, failed=failed, refresh_seconds=refresh_seconds(),
        url=request.path), 202))
    response.headers["Retry-After"] = str(refresh_seconds())
    if auto:
        response.headers["Refresh"] = str(refresh_seconds())
    return response


@bp.get("")
def index():
    return render_template("pages/guides/index.html", guides=guides.load_guides())


@bp.get(f"/{guides.ALL_GUIDES_SLUG}.pdf")
def all_booklet():
    return _booklet(guides.ALL_GUIDES_SLUG, "guides-dmp-faciles-a-lire.pdf", "Tous les guides")


@bp.get("/<slug>.pdf")
def booklet(slug):
    guide = _guide_or_404(slug)
    return _booklet(guide.slug, f"guide-dmp-{guide.slug}.pdf", guide.title)


@bp.get("/<slug>")
def guide(slug):
    guide = _guide_or_404(slug)
    all_guides = guides.load_guides()
    position = all_guides.index(guide)
    following = all_guides[position + 1] if position + 1 < len(all_guides) else None
    return render_template("pages/guides/guide.html", guide=guide, following=following)
