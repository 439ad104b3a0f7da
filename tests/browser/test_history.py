"""«Historique des accès» in Chromium: the carers' list (the default), page 2, the emergencies
filtered by htmx in place and by plain links, then «Tout voir»; axe and our layout rules pass on
every one of them."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..pages import journey_steps_of
from ..web.patient_journey import EMERGENCY_SWITCHES, answer_emergency
from ..web.pro_journey import BERNARD, DOSSIER, PETIT
from .harness import click_and_wait
from .walker import Walker

CONSULTATION = "d0c0000000000001"
LAB = "d0c0000000000002"  # prise de sang, which a nurse may read


class Visitor:
    """Someone else using the same server through its real routes, quickly (no browser)."""

    def __init__(self, app, notifier):
        self.client = app.test_client()
        self.notifier = notifier

    def submit(self, path: str, data: dict, action: str | None = None):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get(path).get_data(as_text=True))
        return self.client.post(action or path, data={"csrf_token": token.group(1), **data})

    def log_in(self, path: str, login_id: str) -> None:
        assert self.submit(path, {"login_id": login_id, "password": DEMO_PASSWORD}).status_code == 302
        assert self.submit(f"{path}/code", {"code": self.notifier.last_otp()}).status_code == 302

    def log_out(self, page: str) -> None:
        self.submit(page, {}, action="/deconnexion")


def produce_history(w: Walker) -> None:
    """A refused pharmacist, a bris de glace and 21 emergency reads: 2 pages, even filtered."""
    visitor = Visitor(w.server.app, w.notifier)
    visitor.log_in("/connexion", DEMO_LOGIN["login_id"])
    # the patient allows emergency access
    assert answer_emergency(visitor, "/mon-dmp/gestion/urgence", EMERGENCY_SWITCHES).status_code == 302
    visitor.log_out("/mon-dmp")
    visitor.log_in("/pro/connexion", PETIT)
    assert visitor.client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403
    visitor.log_out("/pro")
    visitor.log_in("/pro/connexion", BERNARD)  # a nurse: her profession may break glass
    assert visitor.submit(f"/pro/dmp/{DOSSIER}/urgence",
                          {"reason": "Patiente inconsciente à domicile"}).status_code == 302
    for _ in range(21):  # within a nurse's rights, each read journaled as an emergency one
        assert visitor.client.get(f"/pro/dmp/{DOSSIER}/documents/{LAB}").status_code == 200
    visitor.log_out("/pro")


def click_link(w: Walker, text: str, state: str) -> None:
    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, f"//main//a[normalize-space()='{text}']"))
    w.check(state)


def query(w: Walker) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(w.browser.current_url).query).items()}


def heading(browser) -> str:
    """The list's heading, read in one step (htmx may swap the list between two steps)."""
    return browser.execute_script("return document.querySelector('#historique-liste h2').textContent.trim()")


def entries(w: Walker):
    return w.browser.find_elements(By.CSS_SELECTOR, "#historique-liste li.history-entry")


def test_the_history_pages_pass_axe_with_the_filter_and_page_2(walker):
    w = walker
    produce_history(w)
    w.go("/connexion", "connexion")
    w.submit({"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    click_link(w, "Historique des accès", "historique des accès")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Historique des accès"
    assert heading(w.browser) == "Seulement les soignants" and len(entries(w)) == 20
    label = w.browser.find_element(By.CSS_SELECTOR, "li.history-entry--emergency strong")
    assert label.is_displayed() and label.text == "Accès en urgence"

    click_link(w, "Page suivante", "historique, page 2")
    assert query(w).keys() == {"page", "lignes"} and query(w)["page"] == "2"
    main = w.browser.find_element(By.TAG_NAME, "main").text
    assert "Claire Petit (pharmacienne) a essayé de lire « Consultation du 12 octobre 2026 »" in main
    click_link(w, "Page précédente", "historique, page 1 de nouveau")

    # htmx: the list is swapped in place, the focus stays on «Filtrer», the change is announced
    html = w.browser.find_element(By.TAG_NAME, "html")
    w.browser.find_element(By.XPATH, "//label[normalize-space()='Seulement les accès en urgence']").click()
    button = w.browser.find_element(By.XPATH, "//main//button[normalize-space()='Filtrer']")
    button.click()
    WebDriverWait(w.browser, 10).until(lambda d: heading(d) == "Seulement les accès en urgence")
    assert html == w.browser.find_element(By.TAG_NAME, "html")  # no page load
    assert w.browser.switch_to.active_element == button
    assert w.browser.find_element(By.ID, "flash-area").text == "La liste montre seulement les accès en urgence."
    assert all("history-entry--emergency" in li.get_attribute("class") for li in entries(w))
    w.check("historique, accès en urgence (htmx)")

    click_link(w, "Page suivante", "historique, accès en urgence, page 2")
    assert query(w).keys() == {"page", "acces", "lignes"} and query(w)["acces"] == "urgence"
    # each entry: its date on the first line, then «Accès en urgence» on a line of its own
    assert entries(w) and all(li.text.splitlines()[1] == "Accès en urgence" for li in entries(w))
    checked = w.browser.find_element(By.CSS_SELECTOR, "input[name=acces]:checked")
    assert checked.get_attribute("value") == "urgence"  # the plain page shows the choice it applies

    w.browser.find_element(By.XPATH, "//label[normalize-space()='Tout voir']").click()
    w.browser.find_element(By.XPATH, "//main//button[normalize-space()='Filtrer']").click()
    WebDriverWait(w.browser, 10).until(lambda d: heading(d) == "Tout l’historique")
    assert len(entries(w)) == 20
    w.check("historique, tout voir (htmx)")
    click_link(w, "Page suivante", "historique, tout voir, page 2")
    assert query(w)["acces"] == "tous"
    assert "Vous vous êtes connectée" in w.browser.find_element(By.TAG_NAME, "main").text
    w.go("/mon-dmp/historique?page=999", "historique, page qui n’existe pas")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Page introuvable"

    assert w.problems == [], "\n".join(w.problems)
    assert journey_steps_of(w.server.app, {"history"}) == {"/mon-dmp/historique"}
    assert journey_steps_of(w.server.app, {"history"}) - w.visited == set()
