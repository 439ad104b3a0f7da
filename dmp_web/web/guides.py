"""The easy-to-read guides: a list, one page per guide, and their booklets to print (PDF).

The guides are files of content/falc/ read by services/guides.py. A slug from the URL is only
compared with the slugs of the loaded guides: it never becomes a path.
"""
from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template

from ..services import guides
from .deps import content_disposition

bp = Blueprint("guides", __name__, url_prefix="/guides")


def _guide_or_404(slug: str) -> guides.Guide:
    guide = guides.guide_by_slug(slug)
    if guide is None:
        abort(404)
    return guide


def _pdf(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    # inline: the browser opens it in its viewer, where the print button is
    response.headers["Content-Disposition"] = content_disposition(filename, inline=True)
    return response


@bp.get("")
def index():
    return render_template("pages/guides/index.html", guides=guides.load_guides())


@bp.get(f"/{guides.ALL_GUIDES_SLUG}.pdf")
def all_booklet():
    return _pdf(guides.booklet_pdf(guides.load_guides(), all_guides=True), "guides-dmp-faciles-a-lire.pdf")


@bp.get("/<slug>.pdf")
def booklet(slug):
    guide = _guide_or_404(slug)
    return _pdf(guides.booklet_pdf([guide]), f"guide-dmp-{guide.slug}.pdf")


@bp.get("/<slug>")
def guide(slug):
    guide = _guide_or_404(slug)
    all_guides = guides.load_guides()
    position = all_guides.index(guide)
    following = all_guides[position + 1] if position + 1 < len(all_guides) else None
    return render_template("pages/guides/guide.html", guide=guide, following=following)
