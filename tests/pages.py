"""The pages the browser and text-browser tests visit, built from the app itself.

Every GET route without parameters is visited. A route with parameters, or one that needs a
logged-in user, must be listed in SAMPLE_VISITS (with sample values) or in NOT_PAGES (with the
reason it is not an HTML page): a test fails on any route that is in neither, so no new page
escapes the accessibility checks.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    endpoint: str
    login: str | None = None  # a key of tests.browser's login helpers, later issues add them
    submit_empty: bool = False  # also check the page shown after sending its form empty
    fields: dict = field(default_factory=dict)


# Endpoints that do not answer an HTML page, and why.
NOT_PAGES: dict[str, str] = {
    "static": "stylesheets, scripts and fonts",
    "pro.document_file": "a file download (attachment), checked in tests/web/test_professionals.py",
    "pro.release": "a button (POST) of the document page",
    "patient.document_file": "a file download (attachment), checked in tests/web/test_professionals.py",
    "copies.pdf_copy": "a file download (PDF attachment), checked in tests/web/test_copies.py",
    "copies.archive": "a file download (ZIP attachment), checked in tests/web/test_copies.py",
    "guides.booklet": "a guide's booklet (PDF), checked in tests/web/test_guides.py; its waiting page "
                      "is checked in tests/browser/test_patient_copies.py",
    "guides.all_booklet": "the booklet of every guide (PDF), checked in tests/web/test_guides.py; its "
                          "waiting page is checked in tests/browser/test_patient_copies.py",
    "ops.health_check": "JSON for load balancers, checked in tests/web/test_operations.py",
    "sample.bad_page": "a page broken on purpose, to prove the browser checks catch faults",
    "sample.bad_page_css": "the stylesheet of that broken page",
}

# Journey steps (dmp_web.web.navigation.JOURNEY_STEPS) by area: an area is a blueprint, or one
# endpoint when a blueprint is walked by several tests. The browser test that walks an area
# asserts it visited every GET step of it; a web test checks every step has an area.
JOURNEY_AREAS: dict[str, str] = {
    "creation": "tests/browser/test_patient_journey.py",
    "auth": "tests/browser/test_patient_journey.py",
    "patient": "tests/browser/test_patient_journey.py",
    "patient.documents": "tests/browser/test_patient_documents.py",
    "patient.add_document": "tests/browser/test_patient_documents.py",
    "patient.management": "tests/browser/test_management.py",
    "patient.block_search": "tests/browser/test_management.py",
    "patient.grant_rights": "tests/browser/test_management.py",
    "patient.emergency_choice": "tests/browser/test_management.py",
    "patient.alerts": "tests/browser/test_management.py",
    "patient.close": "tests/browser/test_management.py",
    "pro": "tests/browser/test_professional_journey.py",
    "desk": "tests/browser/test_desk_journey.py",
    "reimbursements": "tests/browser/test_reimbursements.py",
    "history": "tests/browser/test_history.py",
    "wishes": "tests/browser/test_wishes.py",
    "copies": "tests/browser/test_patient_copies.py",
}


def area_of(endpoint: str) -> str | None:
    """The most specific area an endpoint belongs to."""
    if endpoint in JOURNEY_AREAS:
        return endpoint
    blueprint = endpoint.split(".")[0]
    return blueprint if blueprint in JOURNEY_AREAS else None


def journey_steps_of(app, areas: set[str]) -> set[str]:
    """The paths of the GET journey steps of these areas (no parameters: they are pages;
    a PDF or ZIP download is not)."""
    from flask import url_for

    from dmp_web.web.navigation import JOURNEY_STEPS

    with app.test_request_context():
        return {
            url_for(rule.endpoint) for rule in app.url_map.iter_rules()
            if rule.endpoint in JOURNEY_STEPS and area_of(rule.endpoint) in areas
            and "GET" in rule.methods and not rule.arguments and not rule.rule.endswith((".pdf", ".zip"))
        }


# Pages with parameters that a browser journey test visits; that test asserts it saw each.
JOURNEY_PAGES: dict[str, str] = {
    "pro.dossier": "tests/browser/test_professional_journey.py",
    "pro.document": "tests/browser/test_professional_journey.py",
    "pro.deposit": "tests/browser/test_professional_journey.py",
    "pro.emergency": "tests/browser/test_professional_journey.py",
    "patient.document": "tests/browser/test_professional_journey.py",
    "guides.guide": "tests/browser/test_guides.py",
    "copies.waiting": "tests/browser/test_patient_copies.py",
    "pro.activation": "tests/browser/test_activation.py",
}

# Pages that need parameters or a logged-in user; later issues add theirs here.
SAMPLE_VISITS: list[Visit] = [
    Visit("formulaire d'essai, vide", "/essai/formulaire", "sample.form"),
    Visit("formulaire d'essai, erreurs", "/essai/formulaire", "sample.form", submit_empty=True),
    # every form page, sent empty: its error state
    Visit("demander un code, erreurs", "/creer/code", "creation.request_code", submit_empty=True),
    Visit("créer le DMP, erreurs", "/creer/dossier", "creation.create", submit_empty=True),
    Visit("connexion, erreurs", "/connexion", "auth.login", submit_empty=True),
    Visit("mot de passe oublié, erreurs", "/mot-de-passe-oublie", "auth.forgotten_password", submit_empty=True),
    Visit("identifiant oublié, erreurs", "/identifiant-oublie", "auth.forgotten_identifier", submit_empty=True),
    # the error pages, each through its real handler
    Visit("erreur du serveur", "/essai/erreur/panne", "sample.error"),
    Visit("message non envoyé", "/essai/erreur/envoi", "sample.error"),
    Visit("formulaire expiré", "/essai/erreur/formulaire-expire", "sample.error"),
    Visit("fichier trop gros", "/essai/erreur/trop-gros", "sample.error"),
    Visit("accès refusé", "/essai/erreur/refuse", "sample.error"),
    Visit("trop de demandes", "/essai/erreur/trop-de-demandes", "sample.error"),
    Visit("en travaux", "/essai/erreur/en-travaux", "sample.error"),
]


def get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()):
            yield rule


def pages_to_visit(app) -> list[Visit]:
    """Pages reachable by a plain visit; journey steps are covered by the journey tests."""
    from dmp_web.web.navigation import JOURNEY_STEPS

    visits: list[Visit] = []
    for rule in sorted(get_rules(app), key=lambda r: r.rule):
        if rule.endpoint in NOT_PAGES or rule.endpoint in JOURNEY_STEPS or rule.arguments:
            continue
        visits.append(Visit(rule.rule, rule.rule, rule.endpoint))
    visits += SAMPLE_VISITS
    # the error pages, reached the way a visitor reaches them
    visits.append(Visit("page introuvable", "/cette-page-n-existe-pas", "404"))
    return visits


def unvisited_endpoints(app) -> set[str]:
    """GET endpoints that neither the visits above nor a browser journey test cover."""
    from dmp_web.web.navigation import JOURNEY_STEPS

    covered = {v.endpoint for v in pages_to_visit(app)} | set(JOURNEY_STEPS) | set(JOURNEY_PAGES)
    return {
        r.endpoint for r in get_rules(app) if r.endpoint not in covered and r.endpoint not in NOT_PAGES
    }
