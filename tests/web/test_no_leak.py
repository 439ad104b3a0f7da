"""Nothing refused leaks: forbidden actors walk every route; every professional tries every
document by URL, and the routes agree with the access policy."""
import re

import pytest

from dmp_web.demo import DEMO_DOCUMENTS, DIRECTORY
from dmp_web.domain.access import decide
from dmp_web.domain.actors import Professional

from .pro_journey import DOSSIER, FORBIDDEN, pro_log_in

SAMPLE_VALUES = {"dossier_id": DOSSIER, "document_id": DEMO_DOCUMENTS[0][0], "kind": "panne", "slug": "mes-documents",
                 "which": "a-imprimer",
                 "token": "x" * 43,
                 "seq": "1", "report_id": "0123456789abcdef",  # « je ne connais pas cette personne »
                 "grant_id": "0123456789abcdef"}  # « Mes aidants »


def _secrets_of_the_dossier(app):
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    titles = [d.title for d in repos.documents.list(DOSSIER)]
    return [dossier.ins_c, "Fatima", "ROCHE", "Roche", *titles]


def _url(rule):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: SAMPLE_VALUES[m.group(1)], rule.rule)


@pytest.mark.parametrize("login_id", FORBIDDEN)
def test_a_forbidden_actor_walking_every_route_never_sees_the_dossier(client, notifier, app, login_id):
    pro_log_in(client, notifier, login_id)
    secrets = _secrets_of_the_dossier(app)
    before = len(app.extensions["dmp.repos"].journal.entries(DOSSIER))
    walked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.logout") or rule.endpoint.startswith("sample."):
            continue
        url = _url(rule)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": client.csrf_token("/"), "reason": "x" * 20,
                                              "type_code": "lab_results", "title": "t", "text": "t",
                                              "document_date": "01/11/2026"})
        walked += 1
        assert response.status_code < 500, (url, response.status_code)
        if not response.mimetype.startswith("text/"):
            # only the public guide booklets and the health check are not pages: a dossier's copy
            # never reaches them
            assert response.status_code == 200 and (url.startswith("/guides/") or url == "/sante"), url
            continue
        body = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, f"{url} shows {secret!r} to {login_id}"
        if url.startswith(("/pro/dmp", "/mon-dmp", "/pro/trouver", "/pro/creer", "/pro/signalements")) or url == "/pro":
            assert response.status_code in (302, 403), (url, response.status_code)
    assert walked > 30
    repos = app.extensions["dmp.repos"]
    refusals = repos.journal.entries(DOSSIER)[before:]
    assert refusals and all(not e.allowed and e.actor_id == login_id for e in refusals)
    assert len(repos.documents.list(DOSSIER)) == len(DEMO_DOCUMENTS)  # nothing was deposited


PROFESSIONALS = [a for a in DIRECTORY if isinstance(a, Professional)]


@pytest.mark.parametrize("actor", PROFESSIONALS, ids=[a.rpps for a in PROFESSIONALS])
def test_every_document_by_url_agrees_with_the_access_policy(client, notifier, app, clock, actor):
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    pro_log_in(client, notifier, actor.rpps)
    listing = client.get(f"/pro/dmp/{DOSSIER}").get_data(as_text=True)
    checked = 0
    for document in repos.documents.list(DOSSIER):
        decision = decide(actor, "read_document", dossier, document, now=clock())
        page = client.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}")
        # outside the care team, the consent step first (and nothing of the document)
        expected = 302 if decision.reason_code == "consent_needed" else 200 if decision.allowed else 403
        assert page.status_code == expected, (actor.name, document.title)
        assert (document.title in listing) == decision.allowed, (actor.name, document.title)
        if not decision.allowed:
            assert document.title not in page.get_data(as_text=True)
        checked += 1
    assert checked == len(DEMO_DOCUMENTS)
