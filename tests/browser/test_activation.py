"""The page where a professional or a desk agent chooses a first password, from the link an
operator's command sent: the form, its error state, and a link that no longer works."""
from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from ..pages import JOURNEY_PAGES

KINE = "10001000057"  # a demo professional: Sophie Laurent, kinésithérapeute


def test_the_activation_page_and_its_errors_pass_axe(walker):
    w = walker
    from dmp_web.services.enrolment import send_activation
    from dmp_web.web.deps import ctx

    with w.server.app.app_context():
        send_activation(ctx(), KINE, "sophie.laurent@example.org")
    link = re.search(r"(/pro/activation/[A-Za-z0-9_-]{43})", w.notifier.outbox[-1].body).group(1)
    w.go(link, "activation")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Choisir votre mot de passe"
    assert KINE in w.browser.find_element(By.TAG_NAME, "main").text
    w.submit({}, "activation : vide")
    w.submit({"new_password": "court", "new_password_confirm": "court"}, "activation : trop court")
    assert "Erreur" in w.title()
    w.go("/pro/activation/" + "x" * 43, "activation : lien qui ne marche plus")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Ce lien ne marche plus"
    assert w.problems == [], "\n".join(w.problems)
    assert JOURNEY_PAGES["pro.activation"] == "tests/browser/test_activation.py"
