"""Anonymous forms reveal nothing: the page that follows is the same, byte for byte (but the
CSRF token), whether the NIR has a DMP, is insured without one, or is unknown."""
from __future__ import annotations

import re

import pytest

from dmp_web.demo import DEMO_LOGIN

from dmp_web.web.creation import NO_MATCH

from ..conftest import CheckedClient, field_error
from .patient_journey import submit_creation

HAS_DMP = DEMO_LOGIN["nir"]  # Fatima Roche
INSURED = "148086912304582"  # Marcel Dupuis, no DMP yet
MINOR = "112013306307811"  # Lucas Moreau, born 2012
UNKNOWN = "155017512345624"  # a valid number nobody in the register has
KINDS = {"has a DMP": HAS_DMP, "insured, no DMP": INSURED, "a minor": MINOR, "unknown": UNKNOWN}


def without_tokens(html: str) -> str:
    return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]+"', r'\1TOKEN"', html)


def answers(app, path: str, data_for, reached: str) -> dict[str, str]:
    """The page after the form, for each kind of NIR; each must be the step `reached` (its h1 or
    the code's error), so that a form refused for everyone does not pass as «the same page»."""
    app.test_client_class = CheckedClient
    pages = {}
    for kind, nir in KINDS.items():
        client = app.test_client()
        if path == "/creer/dossier":  # one question per page, then « Vérifiez vos réponses »
            page = submit_creation(client, data_for(nir), follow_redirects=True)
        else:
            page = client.submit(path, data_for(nir), follow_redirects=True)
        summary = [a.get_text(strip=True) for a in page.soup.select(".error-summary a")]
        assert reached in (page.soup.h1.get_text(strip=True), field_error(page.soup, "code"), *summary), (
            kind, page.soup.h1)
        # what the person typed comes back in the form: that is not the answer
        pages[kind] = without_tokens(page.get_data(as_text=True)).replace(nir, "NIR")
    return pages


@pytest.mark.parametrize("path, data_for, reached", [
    ("/creer/code", lambda nir: {"nir": nir, "nir_confirm": nir}, "Votre demande est faite"),
    ("/creer/dossier", lambda nir: {"code": "ABCD EFGH JKLM", "nir": nir, "vitale_type": "with_photo",
                                    "vitale_serial": "1234567890123456", "mobile": "0612345678",
                                    "email": "", "accept_terms": "y"}, NO_MATCH),
], ids=["code request", "creation"])
def test_the_page_after_an_anonymous_form_is_the_same_for_every_kind_of_nir(app, path, data_for, reached):
    pages = answers(app, path, data_for, reached)
    assert len(set(pages.values())) == 1, {kind: len(page) for kind, page in pages.items()}


@pytest.mark.parametrize("path, data_for, reached", [
    ("/mot-de-passe-oublie", lambda nir: {"login_id": DEMO_LOGIN["login_id"], "nir": nir},
     "Mot de passe oublié : écrire le code reçu"),
    ("/identifiant-oublie", lambda nir: {"nir": nir, "vitale_serial": "3234567890123456", "channel": "sms"},
     "Votre demande est faite"),
], ids=["forgotten password", "forgotten identifier"])
def test_the_forgotten_forms_answer_the_same_page_for_every_kind_of_nir(app, path, data_for, reached):
    pages = answers(app, path, data_for, reached)
    assert len(set(pages.values())) == 1, {kind: len(page) for kind, page in pages.items()}


def test_a_wrong_code_reads_the_same_whether_or_not_the_numbers_were_a_dmp_s(app):
    app.test_client_class = CheckedClient
    pages = []
    for nir in (HAS_DMP, UNKNOWN):
        client = app.test_client()
        client.submit("/mot-de-passe-oublie", {"login_id": DEMO_LOGIN["login_id"], "nir": nir})
        for _ in range(5):
            page = client.submit("/mot-de-passe-oublie/code", {"code": "00000000"})
        resent = client.submit("/mot-de-passe-oublie/code", {}, action="/mot-de-passe-oublie/code/nouveau",
                               follow_redirects=True)
        pages.append((without_tokens(page.get_data(as_text=True)), without_tokens(resent.get_data(as_text=True))))
    assert pages[0] == pages[1]


def test_the_real_person_still_gets_the_code_and_the_identifier(client, notifier, app):
    client.submit("/mot-de-passe-oublie", {"login_id": DEMO_LOGIN["login_id"], "nir": HAS_DMP})
    assert client.submit("/mot-de-passe-oublie/code", {"code": notifier.last_otp()}).headers["Location"] == (
        "/mot-de-passe-oublie/nouveau")
    asked = {"nir": HAS_DMP, "vitale_serial": "3234567890123456", "channel": "sms"}
    client.submit("/identifiant-oublie", asked)
    assert DEMO_LOGIN["login_id"] in notifier.outbox[-1].body and notifier.outbox[-1].to == DEMO_LOGIN["mobile"]
    with app.extensions["dmp.repos"].accounts.updating(DEMO_LOGIN["dossier_id"]) as account:
        account.mobile = ""
    client.submit("/identifiant-oublie", asked)  # no mobile any more: it goes by e-mail instead
    assert DEMO_LOGIN["login_id"] in notifier.outbox[-1].body and notifier.outbox[-1].to == DEMO_LOGIN["email"]
