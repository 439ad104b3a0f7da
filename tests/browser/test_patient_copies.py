"""«Copie de mon DMP» in Chromium: the three choices, the post confirmation and its answer pass
axe and our layout rules; the two downloads answer attachments in the browser's own session."""
from selenium.webdriver.common.by import By

from dmp_web.worker import Worker

from ..pages import JOURNEY_PAGES, journey_steps_of

FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: "same-origin"}).then(async r => {
  const bytes = new Uint8Array(await r.arrayBuffer());
  done([r.status, r.headers.get("Content-Type"), r.headers.get("Content-Disposition"),
        String.fromCharCode(...bytes.slice(0, 4))]);
}, e => done(["error", String(e)]));
"""


def test_the_copy_pages_pass_axe_and_the_post_is_confirmed_then_queued(walker):
    w = walker
    app = w.server.app
    w.go("/connexion", "connexion")
    w.submit({"login_id": "fro7510", "password": "demo-dmp-2026"}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.follow("Copie de mon DMP", "copie de mon DMP")

    w.submit({}, "copie à imprimer : en préparation", button="Préparer la copie à imprimer (PDF)")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Votre copie est en préparation"
    w.follow("Arrêter la mise à jour de la page", "copie à imprimer : en préparation, sans mise à jour")
    Worker(app).run_pending()
    w.follow("Voir si elle est prête", "copie à imprimer : prête")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Votre copie est prête"
    pdf = w.browser.execute_async_script(FETCH, "/mon-dmp/copie/copie-dmp.pdf")
    assert pdf[0] == 200 and pdf[1] == "application/pdf" and pdf[2].startswith("attachment;") and pdf[3] == "%PDF"
    w.follow("Retour à la copie de mon DMP", "copie de mon DMP, copie prête")

    w.submit({}, "archive : en préparation", button="Préparer l’archive (ZIP)")
    Worker(app).run_pending()
    w.follow("Voir tout de suite si elle est prête", "archive : prête")
    archive = w.browser.execute_async_script(FETCH, "/mon-dmp/copie/archive-dmp.zip")
    assert archive[0] == 200 and archive[1] == "application/zip" and archive[2].startswith("attachment;")
    assert archive[3] == "PK\x03\x04"
    w.follow("Retour à la copie de mon DMP", "copie de mon DMP, archive prête")

    w.follow("Recevoir la copie par courrier", "copie par courrier : confirmation")
    letters_before = len(w.notifier.letters.list())
    w.submit({}, "copie par courrier : envoyée", button="Envoyer la copie par courrier")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Votre copie part par courrier"
    assert "1 semaine environ" in w.text("arrivee")
    Worker(app).run_pending()
    assert len(w.notifier.letters.list()) == letters_before + 1
    w.go("/mon-dmp/copie/courrier", "copie par courrier : confirmation, encore")
    w.submit({}, "copie par courrier : déjà partie", button="Envoyer la copie par courrier")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Votre copie est déjà partie par courrier"
    assert Worker(app).run_pending() == 0 and len(w.notifier.letters.list()) == letters_before + 1
    w.follow("Retour à mon DMP", "mon DMP, après la copie")

    assert w.problems == [], "\n".join(w.problems)
    mine = {"/mon-dmp/copie", "/mon-dmp/copie/courrier", "/mon-dmp/copie/courrier/envoyee"}
    assert mine == journey_steps_of(app, {"copies"}) and mine <= w.visited
    assert JOURNEY_PAGES["copies.waiting"] == "tests/browser/test_patient_copies.py"
    assert {"/mon-dmp/copie/a-imprimer", "/mon-dmp/copie/archive"} <= w.visited


def test_a_copy_and_a_booklet_that_fail_say_so_and_pass_axe(walker, monkeypatch):
    from dmp_web.services import copies
    from dmp_web.texts import guides

    def broken(*args, **kwargs):
        raise RuntimeError("the renderer is down")

    w = walker
    app = w.server.app
    w.go("/connexion", "connexion")
    w.submit({"login_id": "fro7510", "password": "demo-dmp-2026"}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    monkeypatch.setattr(copies, "render_copy", broken)
    monkeypatch.setattr(guides, "booklet_pdf", broken)
    w.go("/mon-dmp/copie", "copie de mon DMP")
    w.submit({}, "archive : demandée", button="Préparer l’archive (ZIP)")
    Worker(app).run_pending()
    w.go("/mon-dmp/copie/archive?auto=non", "archive : pas pu être préparée")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "La copie n’a pas pu être préparée"
    w.go("/guides/mes-droits.pdf", "livret : demandé")
    Worker(app).run_pending()
    w.go("/guides/mes-droits.pdf", "livret : pas prêt")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Le guide à imprimer n’est pas prêt"
    assert w.problems == [], "\n".join(w.problems)


def test_a_booklet_being_made_has_a_waiting_page_that_passes_axe(walker):
    w = walker
    w.go("/guides", "les guides")
    w.follow("Imprimer tous les guides (PDF)", "livret : en préparation")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Le guide à imprimer est en préparation"
    w.follow("Arrêter la mise à jour de la page", "livret : en préparation, sans mise à jour")
    assert w.problems == [], "\n".join(w.problems)
