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
    "carer.document_file": "a file download (attachment) of a document a carer may read, checked in "
                           "tests/web/test_carer_space.py",
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
    "carers_patient.letter": "a file download (PDF attachment) right after an invitation by letter, its code "
                             "sealed in the session; checked in tests/web/test_carers_pages.py",
    "wishes.emergency_card_pdf": "« Ma carte d’urgence » as a PDF (attachment), read back from the PDF in "
                                 "tests/web/test_emergency_card.py",
}

# Journey steps (JOURNEY_STEPS below) by area: an area is a blueprint, or one
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
    "desk_help": "tests/browser/test_desk_journey.py",
    "desk_help.second_representative": "tests/browser/test_desk_journey.py",  # on a minor's DMP
    "reimbursements": "tests/browser/test_reimbursements.py",
    "history": "tests/browser/test_history.py",
    "wishes": "tests/browser/test_wishes.py",
    "copies": "tests/browser/test_patient_copies.py",
    "reports": "tests/browser/test_reports.py",
    # sharing codes: the patient's page in the management journey, the professional's form in theirs
    "sharing.patient_page": "tests/browser/test_management.py",
    "sharing.cancel": "tests/browser/test_management.py",
    "sharing.use": "tests/browser/test_professional_journey.py",
    "carer": "tests/browser/test_carer_journey.py",
    "helped_visit": "tests/browser/test_helped_visit.py",  # « Je me fais aider »: started, banner, ended
    # « Mes aidants », the patient's side (web/carers_patient.py)
    "carers_patient": "tests/browser/test_carers_pages.py",
}


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
    "patient.change_password": "Mon compte, after logging in (Changer mon mot de passe)",
    "patient.otp_channel": "Mon compte, after logging in (Recevoir mes codes par SMS ou par e-mail)",
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
    "wishes.emergency_card": "Volontés et droits, after logging in (Ma carte d’urgence); its page, empty and "
                             "with errors, is in SAMPLE_VISITS too",
    "wishes.emergency_card_pdf": "a download (PDF attachment) of Ma carte d’urgence",
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
    "reports.queue": "a desk agent's page, after logging in (Signalements des patients)",
    # sharing codes (web/sharing.py)
    "sharing.patient_page": "Gestion du DMP, after logging in (Donner un code de partage)",
    "sharing.cancel": "a button of Donner un code de partage (POST)",
    "sharing.use": "a professional's page, after logging in (J’ai un code de partage)",
    # a desk agent helps a person who already has a DMP (web/desk_help.py)
    "desk_help.find": "a desk agent's page, after logging in (Aider une personne qui a déjà un DMP)",
    "desk_help.identity": "after the Vitale card was found (the card's numbers are in the session)",
    "desk_help.actions": "after the desk agent ticked that they saw the card",
    "desk_help.new_letter": "a button of the actions page (POST)",
    "desk_help.letter_page": "after a new letter was made (its password is in the session)",
    "desk_help.letter": "the PDF credential letter, after a new letter was made",
    "desk_help.contact": "a link of the actions page, after the card was seen",
    "desk_help.second_representative": "a link of the actions page, on a minor's DMP with 1 legal representative",
    "desk_help.identifier": "a form of the actions page (POST)",
    "desk_help.whom": "the buttons of the actions page on a minor's DMP with 2 representatives (POST)",
    "desk_help.close": "a link of the actions page, after the card was seen",
    "desk_help.reopen": "a button of the actions page (POST)",
    "desk_help.end": "a button of the actions page (POST)",
    # one question per page (issue 17, item 5: fewer ways to fail)
    "desk.representative": "creation at a desk for a minor, step 2 (the legal representative), after the card",
    "creation.check": "Créer votre DMP: « Vérifiez vos réponses », after the 6 questions (answers in the session)",
    # the carers' side (web/carers.py, issue 18)
    "carer.invitation": "after an invitation's code was typed (its ids are in the session)",
    "carer.new_contact": "after the invitation page, for a carer without an account",
    "carer.new_password": "after the carer's contact (sealed in the session)",
    "carer.new_account_code": "after the carer's password (the new account waits for its code)",
    "carer.resend_new_account_code": "a button of that code page (POST)",
    "carer.welcome": "after the new account's code (its identifier is in the session)",
    "carer.login_code": "after a carer's identifier and password",
    "carer.resend_login_code": "a button of the code page (POST)",
    "carer.home": "after a carer logs in (Les DMP que j’aide)",
    "carer.forgotten_password_code": "after a carer's forgotten-password form",
    "carer.resend_reset_code": "a button of that code page (POST)",
    "carer.forgotten_password_new": "after the code of a carer's forgotten-password journey",
    # « Je me fais aider » (web/helped_visit.py); its page, empty and with errors, is in SAMPLE_VISITS too
    "helped_visit.start": "the patient's space, after logging in (Je me fais aider)",
    "helped_visit.finish": "the button « Finir l’aide » of the banner and of the page (POST)",
    # « Mes aidants » (web/carers_patient.py): the first 2 are SAMPLE_VISITS too
    "carers_patient.index": "Gestion du DMP, after logging in (Mes aidants)",
    "carers_patient.invite": "Mes aidants, after logging in (Inviter un aidant: 1 question per page)",
    "carers_patient.check": "Inviter un aidant: « Vérifiez vos réponses », after the questions (answers in session)",
    "carers_patient.invited": "after an invitation (what the page says is sealed in the session)",
    "carers_patient.letter": "the PDF letter, right after an invitation by letter",
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
    "pro.consent": "tests/browser/test_professional_journey.py",
    "patient.document": "tests/browser/test_professional_journey.py",
    "guides.guide": "tests/browser/test_guides.py",
    "copies.waiting": "tests/browser/test_patient_copies.py",
    "pro.activation": "tests/browser/test_activation.py",
    "reports.report": "tests/browser/test_reports.py",
    "reports.handle": "tests/browser/test_reports.py",
    "carers_patient.end": "tests/browser/test_carers_pages.py",
    # a DMP the carer helps with (web/carers.py): its documents, one of them, adding one
    "carer.dossier": "tests/browser/test_carer_journey.py",
    "carer.document": "tests/browser/test_carer_journey.py",
    "carer.add_document": "tests/browser/test_carer_journey.py",
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
    # the patient's space, logged in as the demo patient (tests/browser/test_every_page.py LOGINS)
    Visit("mes aidants", "/mon-dmp/gestion/aidants", "carers_patient.index", login="patient"),
    Visit("inviter un aidant", "/mon-dmp/gestion/aidants/inviter", "carers_patient.invite", login="patient"),
    Visit("inviter un aidant, erreurs", "/mon-dmp/gestion/aidants/inviter", "carers_patient.invite",
          login="patient", submit_empty=True),
    # the error pages, each through its real handler
    Visit("erreur du serveur", "/essai/erreur/panne", "sample.error"),
    Visit("message non envoyé", "/essai/erreur/envoi", "sample.error"),
    Visit("formulaire expiré", "/essai/erreur/formulaire-expire", "sample.error"),
    Visit("fichier trop gros", "/essai/erreur/trop-gros", "sample.error"),
    Visit("accès refusé", "/essai/erreur/refuse", "sample.error"),
    Visit("trop de demandes", "/essai/erreur/trop-de-demandes", "sample.error"),
    Visit("en travaux", "/essai/erreur/en-travaux", "sample.error"),
    # « Je me fais aider » (issue 18, item 5): the page, and its form sent empty
    Visit("je me fais aider", "/mon-dmp/je-me-fais-aider", "helped_visit.start", login="patient"),
    Visit("je me fais aider, erreurs", "/mon-dmp/je-me-fais-aider", "helped_visit.start", login="patient",
          submit_empty=True),
    # « Ma carte d’urgence » (issue 19, item 6): the page, and its form sent with nothing ticked
    Visit("ma carte d'urgence", "/mon-dmp/volontes/carte-d-urgence", "wishes.emergency_card", login="patient"),
    Visit("ma carte d'urgence, erreurs", "/mon-dmp/volontes/carte-d-urgence", "wishes.emergency_card",
          login="patient", submit_empty=True),
]


def get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()):
            yield rule


def pages_to_visit(app) -> list[Visit]:
    """Pages reachable by a plain visit; journey steps are covered by the journey tests."""
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
    covered = {v.endpoint for v in pages_to_visit(app)} | set(JOURNEY_STEPS) | set(JOURNEY_PAGES)
    return {
        r.endpoint for r in get_rules(app) if r.endpoint not in covered and r.endpoint not in NOT_PAGES
    }
