"""«Les mots difficiles»: the glossary page, built from content/glossary.yaml."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..texts.glossary import sorted_terms

bp = Blueprint("glossary", __name__)


@bp.get("/glossaire")
def index():
    return render_template("pages/glossary/index.html", terms=sorted_terms())
