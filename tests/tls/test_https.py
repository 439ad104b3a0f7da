"""The TLS tier: gunicorn with gunicorn.conf.py, in production mode, over real HTTPS.

A patient logs in with the code sent by e-mail, adds a document with a file and logs out with a
client that sends a Referer only as the page's Referrer-Policy allows; a professional does the
same in Chromium. With «Referrer-Policy: no-referrer», every one of these forms is refused."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..browser.harness import click_and_wait, missing_browser, start_chromium, stop_chromium
from ..browser.walker import Walker
from ..smtp_server import free_port, running_smtp_server
from ..web.pro_journey import DURAND, FATIMA_BIRTH, FATIMA_NIR
from .browserlike import BrowserLike
from .server import make_certificate, production_environment, seed_demo_dossier, start_gunicorn

PATIENT_EMAIL = DEMO_LOGIN["email"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILE_NAME = "Échographie du cœur.pdf"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    root = tmp_path_factory.mktemp("tls")
    cert, key = make_certificate(root)
    with running_smtp_server() as smtp:
        environment = production_environment(root, smtp, free_port())
        seed_demo_dossier(environment)
        server = start_gunicorn(root, environment, cert, key)
        server.smtp = smtp
        try:
            yield server
        finally:
            server.stop()


def last_code(smtp, to: str) -> str:
    """The 8-digit code of the last e-mail this address received."""
    for message, recipients in zip(reversed(smtp.messages), reversed(smtp.recipients)):
        if to in recipients:
            return re.search(r"\b(\d{8})\b", message.get_body(("plain",)).get_content()).group(1)
    raise AssertionError(f"no e-mail to {to}")


def log_records(server, since: int) -> list[dict]:
    return [json.loads(line) for line in server.log_lines()[since:] if line.startswith("{")]


@pytest.fixture(scope="module")
def patient_journey(tls):
    """Run the patient's journey once over HTTPS; the tests below check what it gave."""
    start = len(tls.log_lines())
    client = BrowserLike(tls.ssl_context)
    pages = {"login": client.get(tls.url + "/connexion")}
    pages["wrong password"] = client.submit("main form", {"login_id": DEMO_LOGIN["login_id"], "password": "pas le bon"})
    pages["code"] = client.submit("main form", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    code = last_code(tls.smtp, PATIENT_EMAIL)
    pages["home"] = client.submit("main form", {"code": code})
    pages["add"] = client.get("/mon-dmp/documents/ajouter")
    pages["added"] = client.submit("main form", {"title": "Mes analyses de 2025", "text": ""},
                                   files={"file": (FILE_NAME, PDF, "application/pdf")})
    document_link = pages["added"].soup.find("a", string=re.compile("Mes analyses de 2025"))
    pages["document"] = client.get(document_link["href"]) if document_link else None
    file_link = pages["document"].soup.find("a", href=re.compile("/fichier$")) if pages["document"] else None
    pages["file"] = client.get(file_link["href"]) if file_link else None
    forged = client.get("/mon-dmp/documents/ajouter")
    pages["forged"] = client.submit("main form", {"title": "x", "text": "y", "csrf_token": "forged"})
    client.page = forged
    pages["logout"] = client.submit("form[action='/deconnexion']", {})
    pages["after logout"] = client.get("/mon-dmp")
    return {"pages": pages, "code": code, "log": log_records(tls, start)}


def test_over_https_a_patient_logs_in_with_the_code_adds_a_file_and_logs_out(patient_journey):
    pages = patient_journey["pages"]
    assert pages["code"].url.endswith("/connexion/code"), pages["code"].h1
    assert pages["home"].url.endswith("/mon-dmp"), pages["home"].h1
    assert pages["added"].url.endswith("/mon-dmp/documents"), pages["added"].h1
    assert "Votre document est ajouté." in pages["added"].soup.get_text()
    assert pages["file"].body == PDF
    assert "filename*=UTF-8''%C3%89chographie" in pages["file"].headers["Content-Disposition"]
    assert pages["forged"].status == 400 and pages["forged"].h1 == "Votre page a expiré"
    assert pages["logout"].url == pages["login"].url.replace("/connexion", "/")
    assert urlsplit(pages["after logout"].url).path == "/connexion"  # logged out: sent back to log in


def test_production_pages_carry_hsts_secure_cookies_and_a_request_id(patient_journey):
    login = patient_journey["pages"]["login"]
    assert login.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert login.headers["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", login.headers["X-Request-Id"])


def test_the_request_log_has_a_line_per_step_with_the_refusals(patient_journey):
    log = patient_journey["log"]
    routes = [(r["method"], r["route"], r["status"]) for r in log]
    for step in [("GET", "auth.login", 200), ("POST", "auth.login", 302), ("POST", "auth.login_code", 302),
                 ("POST", "patient.add_document", 302), ("GET", "patient.document_file", 200),
                 ("POST", "patient.add_document", 400), ("POST", "auth.logout", 302)]:
        assert step in routes, step
    refusals = {r["route"]: r.get("refusal") for r in log if r.get("refusal")}
    assert refusals["auth.login"] == "wrong_credentials"
    assert refusals["patient.add_document"] == "csrf"
    kinds = {r["actor_kind"] for r in log if r["route"] == "patient.add_document"}
    assert kinds == {"holder"}
    assert {"request_id", "duration_ms"} <= set(log[0])


def test_the_request_log_holds_no_nir_code_name_or_title(patient_journey, tls):
    text = "\n".join(tls.log_lines())
    for secret in (FATIMA_NIR, patient_journey["code"], DEMO_LOGIN["login_id"], DEMO_PASSWORD, "Fatima",
                   "ROCHE", PATIENT_EMAIL, "Mes analyses", "chographie", DEMO_LOGIN["dossier_id"]):
        assert secret not in text, secret


@pytest.fixture(scope="module")
def tls_browser():
    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)
    driver = start_chromium(accept_insecure_certs=True)
    yield driver
    stop_chromium(driver)


def test_in_chromium_over_https_a_professional_logs_in_deposits_a_file_and_logs_out(tls, tls_browser, tmp_path):
    w = Walker(tls_browser, tls)
    w.go("/pro/connexion", "TLS : connexion des professionnels")
    w.submit({"login_id": DURAND, "password": DEMO_PASSWORD}, "TLS : code")
    assert w.browser.current_url.endswith("/pro/connexion/code"), w.browser.find_element(By.TAG_NAME, "h1").text
    w.submit({"code": last_code(tls.smtp, "pro01@example.org")}, "TLS : espace des professionnels")
    assert w.browser.current_url.endswith("/pro"), w.browser.find_element(By.TAG_NAME, "h1").text
    w.go("/pro/trouver", "TLS : trouver")
    w.submit({"identifier": FATIMA_NIR, "birth_date": FATIMA_BIRTH}, "TLS : le DMP")
    click_and_wait(w.browser, lambda: w.browser.find_element(By.LINK_TEXT, "Ajouter un document"))
    upload = tmp_path / "compte-rendu.pdf"
    upload.write_bytes(PDF)
    w.browser.find_element(By.CSS_SELECTOR, "input[name='type_code'][value='consultation_report']").click()
    w.fill({"title": "Consultation par le web sécurisé", "document_date": "23/11/2026"})
    w.browser.find_element(By.CSS_SELECTOR, "input[name='file']").send_keys(str(upload))
    click_and_wait(w.browser, lambda: w.browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    w.check("TLS : document ajouté")
    assert "Consultation par le web sécurisé" in w.browser.find_element(By.TAG_NAME, "main").text
    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, "//button[normalize-space()='Me déconnecter']"))
    assert w.browser.find_element(By.TAG_NAME, "h1").text != "Votre page a expiré"
    w.go("/pro", "TLS : après la déconnexion")
    assert "/pro/connexion" in w.browser.current_url
    assert w.problems == [], "\n".join(w.problems)
