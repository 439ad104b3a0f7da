"""Pages anyone can read: home, site map, accessibility, legal notice."""
from __future__ import annotations

from flask import Blueprint, render_template

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
