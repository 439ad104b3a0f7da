"""The site map: every page a visitor can reach without a link from another page.

A test checks that each page without parameters appears here, so no page is orphaned.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from ..domain.carers import grant_of
from ..domain.dates import local_day


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str


SECTIONS: list[tuple[str, list[Link]]] = [
    (
        "Mon DMP",
        [
            Link("creation.start", "Créer votre DMP"),
            Link("creation.request_code", "Demander un code pour créer votre DMP"),
            Link("creation.create", "J’ai mon code : créer mon DMP"),
            Link("creation.terms", "Conditions d’utilisation du DMP"),
            Link("auth.login", "Me connecter"),
            Link("auth.forgotten_password", "Mot de passe oublié"),
            Link("auth.forgotten_identifier", "Identifiant oublié"),
        ],
    ),
    (
        "Pour les aidants",
        [
            Link("carer.accept", "J’ai reçu une invitation d’aidant"),
            Link("carer.login", "Connexion des aidants"),
            Link("carer.forgotten_password", "Aidants : mot de passe oublié"),
        ],
    ),
    (
        "Pour les soignants et les agents de la caisse",
        [
            Link("pro.login", "Connexion des professionnels"),
        ],
    ),
    (
        "Informations",
        [
            Link("public.home", "Accueil"),
            Link("guides.index", "Les guides faciles à lire"),
            Link("guides.all_booklet", "Tous les guides à imprimer (PDF)"),
            Link("public.rights", "Qui peut voir quoi dans mon DMP"),
            Link("glossary.index", "Les mots difficiles"),
            Link("public.accessibility", "Accessibilité du site"),
            Link("public.legal", "Mentions légales"),
            Link("public.sitemap", "Plan du site"),
            Link("public.contact", "Nous contacter"),  # the help line (issue 17, item 5)
        ],
    ),
]


def site_map() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(title, [(url_for(link.endpoint), link.label) for link in links]) for title, links in SECTIONS]


def endpoints_in_site_map() -> set[str]:
    return {link.endpoint for _title, links in SECTIONS for link in links}

# The few links in the header of every page; the site map holds the rest.
MAIN_MENU: list[Link] = [
    Link("public.home", "Accueil"),
    Link("creation.start", "Créer mon DMP"),
    Link("auth.login", "Me connecter"),
    Link("guides.index", "Guides"),
    Link("public.sitemap", "Plan du site"),
]
MENU_LOGGED_IN: list[Link] = [
    Link("patient.home", "Mon DMP"),
    Link("patient.account", "Mon compte"),
    Link("public.sitemap", "Plan du site"),
]
MENU_CARER: list[Link] = [
    Link("carer.home", "Les DMP que j’aide"),
    Link("public.sitemap", "Plan du site"),
]
MENU_PRO: list[Link] = [
    Link("pro.home", "Espace des professionnels"),
    Link("public.sitemap", "Plan du site"),
]


def init_app(app) -> None:
    from flask_login import current_user

    app.context_processor(helped_visit_banner)

    @app.context_processor
    def menu():
        if not current_user.is_authenticated:
            links = MAIN_MENU
        else:
            links = (MENU_PRO if current_user.id.startswith("pro:") else
                     MENU_CARER if current_user.id.startswith("carer:") else MENU_LOGGED_IN)
        from .auth import notice_delay

        return {"main_menu": [(link.endpoint, link.label) for link in links],
                "session_notice_delay": notice_delay() if current_user.is_authenticated else None,
                "acting_for": _acting_for(current_user)}


@dataclass(frozen=True)
class ActingFor:
    """Someone acting for another (a minor's legal representative, a carer on the DMP they help
    with): the banner of every page says for whom they act."""

    child: str  # the full name of the person they act for
    name: str  # the representative's, or the carer's
    their_link: str  # «sa mère»; "" for a carer
    you_are: str  # the banner's second sentence: «Vous êtes sa mère.»


def _acting_for(user) -> ActingFor | None:
    from .auth import CarerUser, PatientUser

    user = getattr(user, "_get_current_object", lambda: user)()
    if isinstance(user, CarerUser):
        return _carer_acting_for(user)
    if not isinstance(user, PatientUser):
        return None
    repos = current_app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(user.dossier_id)
    representative = dossier.representative_in(user.account.slot) if dossier else None
    if representative is None:
        return None
    person = current_app.extensions["dmp.register"].get(dossier.holder_nir)
    return ActingFor(person.full_name if person else "", representative.full_name, representative.their_link,
                     f"Vous êtes {representative.their_link}.")


def _carer_acting_for(user) -> ActingFor | None:
    """On the pages of a DMP the carer helps with (web/carers.py, under /aidant/dmp/<id>)."""
    from flask import request

    dossier_id = (request.view_args or {}).get("dossier_id") if request.blueprint == "carer" else None
    dossier = current_app.extensions["dmp.repos"].dossiers.get(dossier_id) if dossier_id else None
    grant = grant_of(dossier, user.login_id) if dossier is not None else None
    if grant is None or not grant.in_force(local_day(current_app.extensions["dmp.clock"]())):
        return None  # its page refuses, and says why
    person = current_app.extensions["dmp.register"].get(dossier.holder_nir)
    return ActingFor(person.full_name if person else "", user.actor.name, "", "Vous l’aidez avec son DMP.")


def helped_visit_banner() -> dict:
    """« Je me fais aider » (web/helped_visit.py): who sits beside the patient, for the banner
    of every page (templates/base.html); None when nobody does."""
    from .deps import helper_in_force

    return {"helped_by": helper_in_force()}
