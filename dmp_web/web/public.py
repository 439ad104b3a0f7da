"""Pages anyone can read: home, site map, accessibility, legal notice, contact."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..domain.actors import PROFESSION_LABELS, Profession
from ..domain.documents import DOCUMENT_TYPES
from ..domain.habilitations import BREAK_GLASS_PROFESSIONS, professions_in_words, types_with
from ..domain.wishes import WishItem
from .navigation import site_map

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("pages/public/home.html")


@bp.get("/plan-du-site")
def sitemap():
    return render_template("pages/public/sitemap.html", sections=site_map())


@bp.get("/accessibilite")
def accessibility():
    return render_template("pages/public/accessibility.html")


@bp.get("/mentions-legales")
def legal():
    return render_template("pages/public/legal.html")


@bp.get("/nous-contacter")
def contact():
    """The help line and its hours (DMP_HELP_PHONE, DMP_HELP_HOURS), the site, the places to go."""
    return render_template("pages/public/contact.html")


@bp.get("/qui-voit-mon-dmp")
def rights():
    """The habilitation matrix, who may open a dossier in an emergency and who sees each of the
    wishes, in plain words, built from the same tables the policy reads."""
    rows = [
        (PROFESSION_LABELS[profession], [DOCUMENT_TYPES[c].label for c in types_with(profession, "read")],
         [DOCUMENT_TYPES[c].label for c in types_with(profession, "write")])
        for profession in Profession
    ]
    return render_template("pages/public/rights.html", rows=rows, wish_items=list(WishItem),
                           break_glass_professions=professions_in_words(BREAK_GLASS_PROFESSIONS))
