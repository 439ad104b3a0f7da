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
    Link("creation.start", "Créer mon DMP"),
    Link("auth.login", "Me connecter"),
    Link("guides.index", "Guides"),
    Link("public.sitemap", "Plan du site"),
]
MENU_LOGGED_IN: list[Link] = [
    Link("patient.home", "Mon DMP"),
    Link("public.sitemap", "Plan du site"),
]
MENU_PRO: list[Link] = [
    Link("pro.home", "Espace des professionnels"),
    Link("public.sitemap", "Plan du site"),
]


def init_app(app) -> None:
    from flask_login import current_user

    @app.context_processor
    def menu():
        if not current_user.is_authenticated:
            links = MAIN_MENU
        else:
            links = MENU_PRO if current_user.id.startswith("pro:") else MENU_LOGGED_IN
        from .auth import notice_delay

        return {"main_menu": [(l.endpoint, l.label) for l in links],
                "session_notice_delay": notice_delay() if current_user.is_authenticated else None}

# Pages that are steps of a journey (they need what the step before put in the session) or
# that only answer POST: they are reached from their journey, not from the site map.
JOURNEY_STEPS: dict[str, str] = {
    "creation.code_sent": "after asking for a creation code",
    "creation.done": "after creating the DMP",
    "creation.letter": "the PDF letter, after creating the DMP",
    "auth.login_code": "after identifier and password",
    "auth.resend_login_code": "a button of the code page (POST)",
    "auth.logout": "the logout button (POST)",
    "auth.session_notice": "asked by htmx 2 minutes before the session ends, after logging in",
    "auth.stay_logged_in": "the button of that notice (POST)",
    "auth.forgotten_password_code": "after the forgotten-password form",
    "auth.resend_reset_code": "a button of the code page (POST)",
    "auth.forgotten_password_new": "after the code of the forgotten-password journey",
    "auth.identifier_sent": "after the forgotten-identifier form",
    "patient.home": "after logging in",
    "patient.attending_doctor": "the patient's space, after logging in",
    "patient.documents": "the patient's space, after logging in",
    "patient.add_document": "the patient's space, after logging in",
    "patient.management": "the patient's space, after logging in",
    "patient.block_search": "the patient's space, after logging in",
    "patient.grant_rights": "the patient's space, after logging in",
    "patient.emergency_choice": "the patient's space, after logging in",
    "patient.alerts": "the patient's space, after logging in",
    "patient.close": "the patient's space, after logging in",
    "patient.account": "the patient's space, after logging in (Mon compte)",
    "patient.close_other_sessions": "a button of Mon compte (POST)",
    "reimbursements.index": "the patient's space, after logging in",
    "history.history": "the patient's space, after logging in (Historique des accès)",
    "wishes.informations": "the patient's space, after logging in (Mes informations)",
    "wishes.new_mobile": "Mes informations, after logging in",
    "wishes.mobile_code": "after typing a new mobile twice (the pending number is in the session)",
    "wishes.resend_mobile_code": "a button of the new mobile's code page (POST)",
    "wishes.new_email": "Mes informations, after logging in",
    "wishes.email_code": "after typing a new e-mail twice (the pending address is in the session)",
    "wishes.resend_email_code": "a button of the new e-mail's code page (POST)",
    "wishes.summary": "Mes informations, after logging in (Volontés et droits)",
    "wishes.trusted_person": "Volontés et droits, after logging in",
    "wishes.emergency_contact": "Volontés et droits, after logging in",
    "wishes.advance_directives": "Volontés et droits, after logging in",
    "wishes.organ_donation": "Volontés et droits, after logging in",
    "wishes.health_facts": "Volontés et droits, after logging in",
    "patient.first_connection": "first connection, step 1, after logging in",
    "patient.first_connection_password": "first connection, step 2",
    "patient.first_connection_emergency": "first connection, step 3",
    "pro.login_code": "after a professional's identifier and password",
    "pro.resend_login_code": "a button of the code page (POST)",
    "pro.home": "after a professional logs in",
    "pro.find": "a professional's page, after logging in",
    "desk.card": "creation at a desk, step 1 (Vitale card), after a professional logs in",
    "desk.consent": "creation at a desk, step 2 (consent), after the Vitale card",
    "desk.contact": "creation at a desk, step 3 (mobile), after the consent",
    "desk.done": "after creating a DMP at a desk",
    "desk.letter": "the PDF credential letter, after creating a DMP at a desk",
    "desk.declined": "after the consent was refused at a desk",
    "copies.index": "the patient's space, after logging in (Copie de mon DMP)",
    "copies.waiting": "Copie de mon DMP: after asking for a copy (it waits, then offers the download)",
    "copies.pdf_copy": "a download (PDF attachment) of the Copie de mon DMP page",
    "copies.archive": "a download (ZIP attachment) of the Copie de mon DMP page",
    "copies.by_post": "Copie de mon DMP: the confirmation page of the copy by post",
    "copies.posted": "after the copy by post was queued (its arrival date is in the session)",
}
