"""Creating a DMP with a professional, in Chromium: zero axe violations and our layout rules on
every step and every error state, for an adult (desk agent) and a minor (pharmacien)."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD, INSURED

from ..pages import journey_steps_of
from ..web.test_desk_creation import DESK_AGENT, FATIMA, LUCAS, MUTUELLE, PHARMACIEN, REPRESENTATIVE, UNKNOWN_NIR
from .harness import click_and_wait
from .walker import Walker

# People who have no DMP yet in the demo data.
ANTOINE = next(p for p in INSURED if p.birth_name == "SANTONI")
JEANNE = next(p for p in INSURED if p.birth_name == "MARTIN")


def pro_log_in(w: Walker, login_id: str) -> None:
    w.go("/pro/connexion", "connexion des professionnels")
    w.submit({"login_id": login_id, "password": DEMO_PASSWORD}, "code de connexion du professionnel")
    w.submit({"code": w.notifier.last_otp()}, "espace des professionnels")


def click(w: Walker, link_text: str, state: str) -> None:
    click_and_wait(w.browser, lambda: w.browser.find_element(By.LINK_TEXT, link_text))
    w.check(state)


def h1(w: Walker) -> str:
    return w.browser.find_element(By.TAG_NAME, "h1").text


def letter_starts_as_a_pdf(w: Walker) -> list:
    return w.browser.execute_async_script(
        "const done = arguments[0]; fetch('/pro/creer/lettre.pdf').then(async (r) =>"
        " done([r.headers.get('content-type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))]));"
    )


def test_an_adult_s_dmp_created_at_the_desk_passes_axe_on_every_step_and_error(walker):
    w = walker
    pro_log_in(w, DESK_AGENT)
    click(w, "Créer un DMP", "la carte Vitale")
    w.submit({}, "carte Vitale : champs vides")
    assert w.title().startswith("Erreur : ")
    w.submit({"nir": UNKNOWN_NIR, "vitale_serial": "1234567890123456"}, "carte Vitale : personne inconnue")
    assert "n’est pas connue" in w.text("nir-error")
    w.submit({"nir": ANTOINE.nir, "vitale_serial": JEANNE.vitale_serial}, "carte Vitale : la carte ne correspond pas")
    assert "n’est pas celui de la carte" in w.text("vitale_serial-error")
    w.submit({"nir": FATIMA.nir, "vitale_serial": FATIMA.vitale_serial}, "carte Vitale : déjà un DMP")
    assert "a déjà un DMP" in w.text("nir-error")
    w.submit({"nir": ANTOINE.nir, "vitale_serial": ANTOINE.vitale_serial}, "l’accord de la personne")
    assert h1(w) == "L’accord de la personne"
    assert w.browser.find_elements(By.CSS_SELECTOR, "main input[type=radio]") == []  # nothing chosen by default
    w.submit_without_button("accord : sans réponse")
    assert w.title().startswith("Erreur : ")
    w.submit({}, "le téléphone", button="Oui")
    w.submit({"mobile": "01 23", "email": "antoine@"}, "téléphone : erreurs")
    assert w.title().startswith("Erreur : ")
    w.submit({"mobile": "06 12 34 56 78", "email": ""}, "le DMP est créé")
    assert h1(w) == "Le DMP est créé"
    assert len(w.text("identifiant")) == 7
    assert letter_starts_as_a_pdf(w) == ["application/pdf", "%PDF-"]

    click(w, "Créer un autre DMP", "la carte Vitale, personne suivante")
    w.submit({"nir": JEANNE.nir, "vitale_serial": JEANNE.vitale_serial}, "l’accord de la personne suivante")
    w.submit({}, "le DMP n’est pas créé", button="Non")
    assert h1(w) == "Le DMP n’est pas créé"

    assert w.problems == [], "\n".join(w.problems)
    desk_pages = journey_steps_of(w.server.app, {"desk"})
    assert len(desk_pages) == 6 and desk_pages - w.visited == {"/pro/creer/representant"}  # a minor's step
    app = w.server.app
    assert app.extensions["dmp.repos"].dossiers.find_by_nir(ANTOINE.nir).consent.channel == "desk"
    assert app.extensions["dmp.repos"].dossiers.find_by_nir(JEANNE.nir) is None


def test_a_minor_s_dmp_created_at_the_pharmacy_passes_axe_on_every_step_and_error(walker):
    w = walker
    pro_log_in(w, PHARMACIEN)
    click(w, "Créer un DMP", "la carte Vitale")
    w.submit({"nir": LUCAS.nir, "vitale_serial": LUCAS.vitale_serial}, "le représentant légal")
    assert h1(w) == "Le représentant légal"
    w.submit({}, "représentant légal : champs vides")
    assert w.title().startswith("Erreur : ")
    w.submit({"representative_name": REPRESENTATIVE, "representative_link": "mother"},
             "l’accord du représentant légal")
    assert h1(w) == "L’accord du représentant légal"
    w.submit_without_button("accord du représentant : sans réponse")
    assert w.title().startswith("Erreur : ")
    w.submit({}, "le téléphone du représentant légal", button="Oui")
    w.submit({}, "téléphone du représentant : vide")
    assert w.title().startswith("Erreur : ")
    w.submit({"mobile": "07 98 76 54 32"}, "le DMP de l’enfant est créé")
    assert "Le DMP de Lucas MOREAU est créé." in w.browser.find_element(By.TAG_NAME, "main").text
    assert letter_starts_as_a_pdf(w) == ["application/pdf", "%PDF-"]

    assert w.problems == [], "\n".join(w.problems)
    assert journey_steps_of(w.server.app, {"desk"}) - w.visited == {"/pro/creer/pas-cree"}
    dossier = w.server.app.extensions["dmp.repos"].dossiers.find_by_nir(LUCAS.nir)
    assert dossier.consent.given_by == "legal_representative"


def test_the_refusal_pages_pass_axe_for_a_mutual_insurer_and_a_patient(walker):
    w = walker
    pro_log_in(w, MUTUELLE)
    w.go("/pro/creer", "création refusée à une mutuelle")
    assert h1(w) == "Vous ne pouvez pas créer de DMP ici"
    w.browser.delete_all_cookies()
    w.go("/connexion", "connexion du patient")
    w.submit({"login_id": DEMO_LOGIN["login_id"], "password": DEMO_LOGIN["password"]}, "code du patient")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.go("/pro/creer", "création refusée au patient")
    assert h1(w) == "Vous ne pouvez pas créer de DMP ici"
    assert w.problems == [], "\n".join(w.problems)


def test_a_desk_agent_helps_a_person_who_already_has_a_dmp_and_every_step_passes_axe(walker):
    w = walker
    pro_log_in(w, DESK_AGENT)
    click(w, "Aider une personne qui a déjà un DMP", "aider : la carte Vitale")
    w.submit({}, "aider : champs vides")
    assert w.title().startswith("Erreur : ")
    w.submit({"nir": FATIMA.nir, "nir_again": ANTOINE.nir, "vitale_serial": FATIMA.vitale_serial},
             "aider : les 2 numéros ne sont pas les mêmes")
    assert "ne sont pas les mêmes" in w.text("nir_again-error")
    w.submit({"nir": FATIMA.nir, "nir_again": FATIMA.nir, "vitale_serial": JEANNE.vitale_serial},
             "aider : pas de DMP avec ces numéros")
    assert "Nous ne trouvons pas de DMP" in w.text("vitale_serial-error")
    w.submit({"nir": FATIMA.nir, "nir_again": FATIMA.nir, "vitale_serial": FATIMA.vitale_serial},
             "aider : vérifier la carte")
    assert h1(w) == "Vérifier la carte Vitale"
    w.submit({}, "aider : la case n’est pas cochée")
    assert w.title().startswith("Erreur : ")
    w.submit({"seen": "y"}, "aider : les actions")
    assert h1(w) == "Aider Fatima ROCHE"
    w.submit({}, "aider : identifiant sans choix", button="Envoyer l’identifiant")
    assert w.title().startswith("Erreur : ")
    w.submit({"channel": "sms"}, "aider : identifiant envoyé", button="Envoyer l’identifiant")
    click(w, "Changer le portable ou l’e-mail", "aider : changer le portable ou l’e-mail")
    w.submit({"mobile": "01 23"}, "aider : portable faux")
    assert w.title().startswith("Erreur : ")
    w.submit({"mobile": "07 11 22 33 44"}, "aider : portable changé")
    click(w, "Fermer le DMP", "aider : fermer le DMP")
    w.submit({}, "aider : DMP fermé", button="Fermer le DMP")
    assert w.text("etat") == "Son DMP est fermé."
    w.submit({}, "aider : DMP rouvert", button="Rouvrir le DMP")
    assert w.text("etat") == "Son DMP est ouvert."
    w.submit({}, "aider : la nouvelle lettre", button="Faire une nouvelle lettre")
    assert h1(w) == "La nouvelle lettre est prête"
    assert len(w.text("identifiant")) == 7
    click(w, "Retour aux actions", "aider : retour aux actions")
    w.submit({}, "aider : la visite est finie", button="J’ai fini")
    assert h1(w) != "Aider Fatima ROCHE"

    assert w.problems == [], "\n".join(w.problems)
    assert journey_steps_of(w.server.app, {"desk_help"}) - w.visited == set()


def test_a_minor_s_second_representative_is_added_at_the_desk_and_logs_in_under_the_banner(walker):
    w = walker
    pro_log_in(w, PHARMACIEN)
    click(w, "Créer un DMP", "la carte Vitale")
    w.submit({"nir": LUCAS.nir, "vitale_serial": LUCAS.vitale_serial}, "le représentant légal")
    w.submit({"representative_name": REPRESENTATIVE, "representative_link": "mother"},
             "l’accord du représentant légal")
    w.submit({}, "le téléphone du représentant légal", button="Oui")
    w.submit({"mobile": "07 98 76 54 32"}, "le DMP de l’enfant est créé")
    w.browser.delete_all_cookies()
    pro_log_in(w, DESK_AGENT)
    click(w, "Aider une personne qui a déjà un DMP", "aider : la carte Vitale")
    w.submit({"nir": LUCAS.nir, "nir_again": LUCAS.nir, "vitale_serial": LUCAS.vitale_serial},
             "aider : vérifier la carte")
    w.submit({"seen": "y"}, "aider : les actions d’un mineur")
    click(w, "Ajouter le 2e représentant légal", "aider : le 2e représentant légal")
    w.submit({}, "aider : 2e représentant, champs vides")
    assert w.title().startswith("Erreur : ")
    w.submit({"representative_name": "Marc MOREAU", "representative_link": "father", "mobile": "06 11 22 33 44"},
             "aider : la lettre du 2e représentant")
    assert h1(w) == "La nouvelle lettre est prête"
    login_id, password = w.text("identifiant"), w.text("mot-de-passe")
    click(w, "Retour aux actions", "aider : les actions, 2 représentants légaux")
    w.submit({}, "aider : le 2e représentant est à la caisse", button="Marc MOREAU")
    assert w.text("aide").startswith("Vous aidez Marc MOREAU.")
    w.browser.delete_all_cookies()
    w.go("/connexion", "connexion du 2e représentant")
    w.submit({"login_id": login_id, "password": password}, "code du 2e représentant")
    w.submit({"code": w.notifier.last_otp()}, "première connexion du 2e représentant, sous le bandeau")
    banner = w.browser.find_element(By.CLASS_NAME, "acting-for").text
    assert banner == "Vous agissez pour Lucas MOREAU. Vous êtes son père."

    assert w.problems == [], "\n".join(w.problems)
    assert journey_steps_of(w.server.app, {"desk_help.second_representative"}) - w.visited == set()
