"""The patient's documents in Chromium: htmx swaps the row in place, the focus stays on the
button, the message is announced; axe passes on every page and error state."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ..pages import journey_steps_of

LAB = "d0c0000000000002"


def button_text(driver) -> str:
    # read in one step: the row may be swapped between a find and a read
    return driver.execute_script(
        "const b = document.getElementById(arguments[0]); return b ? b.textContent : '';", f"acces-{LAB}")


def test_hiding_a_document_swaps_its_row_and_keeps_the_focus(walker):
    w = walker
    w.go("/connexion", "connexion")
    w.submit({"login_id": "fro7510", "password": "demo-dmp-2026"}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.follow("Documents", "mes documents")
    html = w.browser.find_element(By.TAG_NAME, "html")
    button = w.browser.find_element(By.ID, f"acces-{LAB}")
    button.click()
    WebDriverWait(w.browser, 10).until(lambda d: "Autoriser" in button_text(d))
    assert html == w.browser.find_element(By.TAG_NAME, "html")  # no page load: htmx swapped the row
    # htmx gives the focus back once the swap has settled, a moment after the new row shows
    WebDriverWait(w.browser, 5).until(
        lambda d: d.execute_script("return document.activeElement && document.activeElement.id") == f"acces-{LAB}")
    WebDriverWait(w.browser, 5).until(
        lambda d: "caché aux professionnels" in d.find_element(By.ID, "flash-area").text)
    w.check("mes documents, un document caché")
    w.browser.find_element(By.ID, f"acces-{LAB}").click()
    WebDriverWait(w.browser, 10).until(lambda d: "Interdire" in button_text(d))

    w.follow("Ajouter un document", "ajouter un document")
    w.submit({}, "ajouter un document : vide")
    w.submit({"title": "Mes allergies", "text": "Pénicilline."}, "document ajouté")
    assert w.problems == [], "\n".join(w.problems)
    assert {"/mon-dmp/documents", "/mon-dmp/documents/ajouter"} <= w.visited
    assert {"/mon-dmp/documents", "/mon-dmp/documents/ajouter"} <= journey_steps_of(
        w.server.app, {"patient.documents", "patient.add_document"})
