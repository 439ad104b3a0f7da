"""« Je me fais aider » in Chromium: the page, its error state, a helped visit started, the
banner on the pages of the patient's space, the history that names the helper, then « Finir
l’aide »; axe, our layout rules and the easy-to-read check pass on every one of them."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..pages import journey_steps_of

BANNER = "En ce moment, Marie DUPONT (France Services) vous aide."


def banner(w) -> str:
    found = w.browser.find_elements(By.ID, "aide-en-cours")
    return " ".join(found[0].text.split()) if found else ""


def test_a_helped_visit_passes_axe_from_its_start_to_its_end(walker):
    w = walker
    w.go("/connexion", "connexion")
    w.submit({"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.follow("Je me fais aider", "je me fais aider")
    w.submit({}, "je me fais aider : rien écrit")
    assert w.title().startswith("Erreur : ")
    w.submit({"name": "Marie DUPONT", "organisation": "France Services"}, "mon DMP, avec de l’aide",
             button="Commencer l’aide")
    assert banner(w).startswith(BANNER)
    w.go("/mon-dmp/documents", "documents, avec de l’aide")
    assert banner(w).startswith(BANNER)
    w.go("/mon-dmp/je-me-fais-aider", "je me fais aider : l’aide en cours")
    w.go("/mon-dmp/historique?acces=tous", "historique, avec de l’aide")
    assert "C’était avec l’aide de Marie DUPONT (France Services)." in w.text("historique-liste")
    w.submit({}, "mon DMP, l’aide finie", button="Finir l’aide")
    assert banner(w) == "" and "L’aide est finie." in w.text("flash-area")
    w.go("/mon-dmp/historique?acces=tous", "historique, l’aide finie")
    assert "Vous avez appuyé sur « Finir l’aide »." in " ".join(w.text("historique-liste").split())
    assert w.problems == [], "\n".join(w.problems)
    mine = {"/mon-dmp/je-me-fais-aider"}
    assert mine == journey_steps_of(w.server.app, {"helped_visit"}) and mine <= w.visited
