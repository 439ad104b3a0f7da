"""Enrolling the people of the directory in production: no demo data, the RPPS extract, an
activation link to choose a password, desk agents, deactivation, the operators' journal."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from dmp_web import create_app
from dmp_web.domain.actors import Profession
from dmp_web.settings import Settings
from dmp_web.store.crypto import Sealer, encode_key

from ..fakes import FakeClock
from ..store_files import store_files
from ..identities import rpps_key

SITE = "https://dmp.example.org"
# The real extract has dozens of columns; these, with two we do not read, in its own order.
HEADER = ("Type d'identifiant PP|Identifiant PP|Identification nationale PP|Libellé civilité d'exercice|"
          "Nom d'exercice|Prénom d'exercice|Code profession|Libellé profession|Code savoir-faire|"
          "Libellé savoir-faire|Raison sociale site|Enseigne commerciale site|"
          "Libellé commune (coord. structure)|Adresse e-mail (coord. structure)|")


def rpps(n: int) -> str:
    first = f"1{n:09d}"
    return first + rpps_key(first)


def line(number: str, last: str, first: str, code: str, label: str, specialty: str = "", site: str = "",
         town: str = "PARIS", email: str = "", id_type: str = "8") -> str:
    return "|".join([id_type, number, id_type + number, "Docteur" if code == "10" else "", last, first, code,
                     label, "", specialty, site, "", town, email, ""])  # the e-mail column is not read


GOOD = [
    line(rpps(1), "MARTIN", "Alice", "10", "Médecin", "Spécialiste en Médecine Générale", "CABINET DU PARC",
         email="alice.martin@cabinet.example.org"),
    line(rpps(1), "MARTIN", "Alice", "10", "Médecin", "Spécialiste en Médecine Générale", "Hôpital Nord"),
    line(rpps(2), "DE LA FONTAINE", "Jean-Luc", "21", "Pharmacien", "", "Pharmacie du Port", "MARSEILLE",
         email="pharmacie@port.example.org"),
    line(rpps(3), "ROUSSEAU", "Léa", "60", "Infirmier", "", "", "LYON"),
    line(rpps(4), "PETIT", "Marc", "91", "Orthophoniste", "", "", "NANTES"),
    line(rpps(5), "LEROY", "Anne", "10", "Médecin", "Néphrologie", "CHU", "LILLE"),
    line(rpps(6), "BLANC", "Paul", "10", "Médecin", "Médecine du travail", "Service de santé au travail"),
    line("123456789", "ANCIEN", "Numéro", "60", "Infirmier", "", id_type="0"),
]


def write_extract(path, lines) -> str:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def production(tmp_path, smtp_server):
    """The app in production mode, sending real e-mail to a test SMTP server."""
    settings = Settings.from_env({
        "DMP_SECRET_KEY": "p" * 40, "DMP_DATA_KEYS": encode_key(Sealer.generate_key()), "DMP_SITE_URL": SITE,
        "DMP_JOURNAL_KEY": encode_key(Sealer.generate_key()),
        "DMP_SMTP_HOST": smtp_server.host, "DMP_SMTP_PORT": str(smtp_server.port),
        "DMP_SMS_EMAIL_DOMAIN": "sms.example.org", "DMP_SMTP_FROM": "ne-pas-repondre@dmp.example.org",
        "DMP_CONTACT_EMAIL": "contact@dmp.example.org",
        "DMP_RATELIMIT_STORAGE_URL": "memory://", "DMP_WORKERS": "1",
        "DMP_DATA_DIR": str(tmp_path / "data"), "DMP_EXPORTS_DIR": str(tmp_path / "exports"),
    })
    app = create_app(settings)
    app.extensions["dmp.clock"] = FakeClock()
    app.smtp = smtp_server
    return app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def mail_to(app, address: str):
    for message, recipients in zip(reversed(app.smtp.messages), reversed(app.smtp.recipients), strict=True):
        if address in recipients:
            return message.get_body(("plain",)).get_content()
    raise AssertionError(f"no e-mail to {address}")


class HttpsBrowser:
    """The test client as a browser on the HTTPS site: the host, and a Referer from it."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, path):
        return self.client.get(path, base_url=SITE)

    def post(self, path, data):
        page = BeautifulSoup(self.get(path).get_data(as_text=True), "html.parser")
        token = page.find("input", attrs={"name": "csrf_token"})["value"]
        return self.client.post(path, base_url=SITE, data={"csrf_token": token, **data},
                                headers={"Referer": SITE + path})


def test_demo_data_is_refused_in_production_and_journaled(production):
    result = run(production, "demo-data")
    assert result.exit_code == 1
    assert "jamais chargées en production" in result.output
    assert production.extensions["dmp.repos"].directory.actor("10001000016") is None  # no demo doctor
    (entry,) = production.extensions["dmp.repos"].operators.entries()
    assert (entry.action, entry.allowed, entry.actor_kind) == ("demo_data_loaded", False, "operator")


def test_the_directory_import_maps_professions_and_lists_what_it_does_not_know(production, tmp_path):
    result = run(production, "import-directory", write_extract(tmp_path / "rpps.txt", GOOD))
    assert result.exit_code == 0, result.output
    directory = production.extensions["dmp.repos"].directory
    alice = directory.professional(rpps(1))
    assert (alice.name, alice.profession, alice.specialty, alice.workplace) == (
        "Dr Alice Martin", Profession.MEDECIN, "medecine_generale", "Cabinet du Parc, Paris")
    assert directory.professional(rpps(2)).name == "Jean-Luc De la Fontaine"
    assert directory.professional(rpps(3)).profession is Profession.INFIRMIER
    for unknown in (rpps(4), rpps(5), rpps(6)):
        assert directory.actor(unknown) is None  # listed, not guessed
    assert "3 professionnel(s) ajouté(s), 0 mis à jour, 0 sans changement." in result.output
    assert "Profession non reprise dans le DMP : 91 « Orthophoniste » (1 ligne(s)), non importée." in result.output
    assert "Spécialité de médecin inconnue : « Néphrologie »" in result.output
    assert "1 médecin(s) du travail" in result.output and "numéro ADELI" in result.output
    assert "send-activation RPPS --email ADRESSE" in result.output
    # the extract's e-mail is the place of practice's, read by many: no link goes there
    assert production.smtp.messages == []
    assert directory.account(rpps(1)).email == "" and directory.account(rpps(1)).password_hash == ""
    assert directory.search_professionals("fontaine")[0].rpps == rpps(2)


def test_the_import_lists_the_professionals_the_extract_no_longer_holds(production, tmp_path):
    run(production, "import-directory", write_extract(tmp_path / "rpps.txt", GOOD))
    later = [GOOD[0], GOOD[3]]  # the pharmacist is gone
    result = run(production, "import-directory", write_extract(tmp_path / "rpps2.txt", later))
    assert f"1 professionnel(s) de l’annuaire absent(s) de ce fichier ou plus importable(s) : {rpps(2)}" in (
        result.output)
    assert production.extensions["dmp.repos"].directory.active_actor(rpps(2)) is not None  # listed, not removed


def test_importing_the_same_extract_again_changes_nothing(production, tmp_path):
    extract = write_extract(tmp_path / "rpps.txt", GOOD)
    run(production, "import-directory", extract)
    before = store_files(tmp_path / "data")
    again = run(production, "import-directory", extract)
    assert "0 professionnel(s) ajouté(s), 0 mis à jour, 3 sans changement." in again.output
    assert store_files(tmp_path / "data") == before
    moved = [GOOD[0].replace("CABINET DU PARC", "MAISON DE SANTÉ"), *GOOD[2:]]
    assert "0 professionnel(s) ajouté(s), 1 mis à jour, 2 sans changement." in run(
        production, "import-directory", write_extract(tmp_path / "rpps2.txt", moved)).output
    assert production.extensions["dmp.repos"].directory.professional(rpps(1)).workplace == "Maison de Santé, Paris"


def test_an_extract_with_a_bad_line_is_refused_whole_with_line_numbers(production, tmp_path):
    bad = [GOOD[0], line("12345678901", "FAUX", "Numéro", "60", "Infirmier"), GOOD[2],
           line(rpps(7), "", "Sans nom", "60", "Infirmier"), line(rpps(8), "X", "Y", "6O", "Infirmier"),
           line(rpps(9), "X", "Y\x1b[31m", "60", "Infirmier"), "trop|peu|de|colonnes"]
    result = run(production, "import-directory", write_extract(tmp_path / "rpps.txt", bad))
    assert result.exit_code == 1
    assert "ligne 3 : le numéro RPPS « 12345678901 » n’est pas valide" in result.output
    assert "ligne 5 : le nom est vide" in result.output
    assert "ligne 6 : le code de profession « 6O » n’est pas un nombre" in result.output
    assert "ligne 7 : la colonne « Prénom d'exercice » est trop longue ou a des caractères de contrôle" in (
        result.output)
    assert "ligne 8 : 4 colonnes au lieu de 15" in result.output
    assert "Aucune ligne importée." in result.output
    assert production.extensions["dmp.repos"].directory.actor(rpps(1)) is None


def test_an_extract_without_the_columns_or_not_in_utf8_is_refused(production, tmp_path):
    other = tmp_path / "autre.csv"
    other.write_text("nir;nom\n1;2\n", encoding="utf-8")
    assert "il manque les colonnes « Identifiant PP »" in run(production, "import-directory", str(other)).output
    latin = tmp_path / "latin1.txt"
    latin.write_bytes((HEADER + "\n").encode("utf-8") + GOOD[0].encode("latin-1"))  # one line in Latin-1
    assert ("ligne 2 : le fichier doit être enregistré en UTF-8"
            in run(production, "import-directory", str(latin)).output)


def activation_link(app, address: str) -> str:
    return re.search(r"https://dmp\.example\.org(/pro/activation/[A-Za-z0-9_-]{43})", mail_to(app, address)).group(1)


def enrol(app, tmp_path, number: str, address: str) -> None:
    """Import the extract, then send the professional their link at the address checked with them."""
    run(app, "import-directory", write_extract(tmp_path / "rpps.txt", GOOD))
    result = run(app, "send-activation", number, "--email", address)
    assert result.exit_code == 0, result.output


def test_a_new_professional_activates_with_the_link_then_logs_in_with_a_code(production, tmp_path):
    enrol(production, tmp_path, rpps(1), "alice.martin@cabinet.example.org")
    email = mail_to(production, "alice.martin@cabinet.example.org")
    assert "Votre identifiant est : " + rpps(1) in email
    assert "mot de passe" in email and not re.search(r"mot de passe (initial|provisoire) ?:", email)
    link = activation_link(production, "alice.martin@cabinet.example.org")
    browser = HttpsBrowser(production)

    refused = browser.post("/pro/connexion", {"login_id": rpps(1), "password": "anything-at-all-12"})
    assert "L’identifiant ou le mot de passe n’est pas le bon" in refused.get_data(as_text=True)  # no password yet

    page = browser.get(link)
    assert page.status_code == 200 and "Choisir votre mot de passe" in page.get_data(as_text=True)
    short = browser.post(link, {"new_password": "court", "new_password_confirm": "court"})
    assert "au moins 12 caractères" in short.get_data(as_text=True)
    chosen = browser.post(link, {"new_password": "Un mot de passe bien long", "new_password_confirm":
                                 "Un mot de passe bien long"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/pro/connexion"
    again = browser.get(link)
    assert again.status_code == 404 and "Ce lien ne marche plus" in again.get_data(as_text=True)

    started = browser.post("/pro/connexion", {"login_id": rpps(1), "password": "Un mot de passe bien long"})
    assert started.headers["Location"] == "/pro/connexion/code"
    code = re.search(r"\b(\d{8})\b", mail_to(production, "alice.martin@cabinet.example.org")).group(1)
    logged_in = browser.post("/pro/connexion/code", {"code": code})
    assert logged_in.headers["Location"] == "/pro"
    assert "Bonjour Dr Alice Martin." in browser.get("/pro").get_data(as_text=True)


def test_an_activation_link_expires_after_72_hours_and_a_new_one_replaces_it(production, tmp_path):
    enrol(production, tmp_path, rpps(2), "pharmacie@port.example.org")
    first = activation_link(production, "pharmacie@port.example.org")
    production.extensions["dmp.clock"].advance(hours=72)
    expired = HttpsBrowser(production).get(first)
    assert expired.status_code == 404 and "plus de 3 jours" in expired.get_data(as_text=True)
    result = run(production, "send-activation", rpps(2))
    assert result.exit_code == 0 and "p•••@port.example.org" in result.output
    second = activation_link(production, "pharmacie@port.example.org")
    assert second != first and HttpsBrowser(production).get(second).status_code == 200


def test_the_link_goes_only_to_an_address_the_operator_gives(production, tmp_path):
    run(production, "import-directory", write_extract(tmp_path / "rpps.txt", GOOD))
    refused = run(production, "send-activation", rpps(3))
    assert refused.exit_code == 1 and "donnez-la avec --email" in refused.output
    sent = run(production, "send-activation", rpps(3), "--email", "lea@soins.example.org")
    assert sent.exit_code == 0 and "Les codes de connexion iront aussi à cette adresse." in sent.output
    assert HttpsBrowser(production).get(activation_link(production, "lea@soins.example.org")).status_code == 200


def test_a_desk_agent_is_added_by_command_and_activates_without_any_password_printed(production):
    result = run(production, "add-desk-agent", "--name", "Nadia Benoît", "--organisation", "CPAM de Paris",
                 "--email", "nadia.benoit@cpam.example.org")
    assert result.exit_code == 0, result.output
    login_id = re.search(r"identifiant (ag\d{6})", result.output).group(1)
    assert "mot de passe :" not in result.output.lower()
    agent = production.extensions["dmp.repos"].directory.actor(login_id)
    assert (agent.name, agent.caisse, agent.kind.value) == ("Nadia Benoît", "CPAM de Paris", "desk_agent")
    link = activation_link(production, "nadia.benoit@cpam.example.org")
    browser = HttpsBrowser(production)
    assert browser.post(link, {"new_password": "Agent de la caisse 2026",
                               "new_password_confirm": "Agent de la caisse 2026"}).status_code == 302
    assert browser.post("/pro/connexion", {"login_id": login_id, "password": "Agent de la caisse 2026"}).headers[
        "Location"] == "/pro/connexion/code"


def test_a_deactivated_professional_loses_access_at_once_and_their_session_ends(production, tmp_path):
    enrol(production, tmp_path, rpps(1), "alice.martin@cabinet.example.org")
    browser = HttpsBrowser(production)
    password = "Un mot de passe bien long"
    browser.post(activation_link(production, "alice.martin@cabinet.example.org"),
                 {"new_password": password, "new_password_confirm": password})
    browser.post("/pro/connexion", {"login_id": rpps(1), "password": password})
    code = re.search(r"\b(\d{8})\b", mail_to(production, "alice.martin@cabinet.example.org")).group(1)
    browser.post("/pro/connexion/code", {"code": code})
    assert browser.get("/pro").status_code == 200

    result = run(production, "deactivate-actor", rpps(1))
    assert result.exit_code == 0, result.output
    assert browser.get("/pro").headers["Location"].startswith("/pro/connexion")  # the open session ended
    refused = HttpsBrowser(production).post("/pro/connexion", {"login_id": rpps(1), "password": password})
    assert "Ce compte est fermé" in refused.get_data(as_text=True)
    assert run(production, "send-activation", rpps(1)).exit_code == 1
    assert run(production, "deactivate-actor", "inconnu01").exit_code == 1


def test_every_operator_action_is_in_the_operators_journal_and_the_chain_holds(production, tmp_path):
    run(production, "import-directory", write_extract(tmp_path / "rpps.txt", GOOD))
    run(production, "send-activation", rpps(3), "--email", "lea@soins.example.org")
    run(production, "add-desk-agent", "--name", "Nadia Benoît", "--organisation", "CPAM de Paris",
        "--email", "nadia.benoit@cpam.example.org")
    run(production, "deactivate-actor", rpps(2))
    entries = production.extensions["dmp.repos"].operators.entries()
    assert [e.action for e in entries] == ["directory_imported", "activation_sent", "desk_agent_added",
                                           "actor_deactivated"]
    assert all(e.actor_kind == "operator" and e.actor_id for e in entries)
    assert entries[0].detail == "rpps.txt : 3 ajoutés, 0 mis à jour, 0 absents"
    assert production.extensions["dmp.repos"].operators.check() is None
    assert run(production, "journal-check").exit_code == 0


def test_check_config_accepts_a_good_configuration(production):
    result = run(production, "check-config")
    assert result.exit_code == 0 and result.output.startswith("Configuration correcte (production)")
