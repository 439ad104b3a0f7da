"""The site map: every page a visitor can reach without a link from another page.

A test checks that each page without parameters appears here, so no page is orphaned.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str


SECTIONS: list[tuple[str, list[Link]]] = [
    (
        "Informations",
        [
            Link("public.home", "Accueil"),
            Link("public.accessibility", "Accessibilité du site"),
            Link("public.legal", "Mentions légales"),
            Link("public.sitemap", "Plan du site"),
        ],
    ),
]


def site_map() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(title, [(url_for(l.endpoint), l.label) for l in links]) for title, links in SECTIONS]


def endpoints_in_site_map() -> set[str]:
    return {link.endpoint for _title, links in SECTIONS for link in links}

# The few links in the header of every page; the site map holds the rest.
MAIN_MENU: list[Link] = [
    Link("public.home", "Accueil"),
    Link("public.sitemap", "Plan du site"),
]


def init_app(app) -> None:
    @app.context_processor
    def menu():
        return {"main_menu": [(l.endpoint, l.label) for l in MAIN_MENU]}
