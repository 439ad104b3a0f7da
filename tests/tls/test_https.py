"""The TLS tier: gunicorn with gunicorn.conf.py, in production mode, over real HTTPS.

A patient logs in with the code sent by e-mail, adds a document with a file and logs out with a
client that sends a Referer only as the page's Referrer-Policy allows; a professional does the
same in Chromium. With «Referrer-Policy: no-referrer», every one of these forms is refused."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..browser.harness import click_and_wait, missing_browser, start_chromium, stop_chromium
from ..browser.walker import Walker
from ..smtp_server import free_port, running_smtp_server
from ..web.pro_journey import DURAND, FATIMA_BIRTH, FATIMA_NIR
from .journeys import PATIENT_EMAIL, PDF, assert_journey_worked, last_code, patient_journey
from .server import make_certificate, production_environment, seed_demo_dossier, start_gunicorn


@pytest.fixture(scope="module")
def tls(tmp_path_factory, redis_url):
    root = tmp_path_factory.mktemp("tls")
    cert, key = make_certificate(root)
    with running_smtp_server() as smtp:
        environment = production_environment(root, smtp, free_port(), redis_url)
        seed_demo_dossier(environment)
        server = start_gunicorn(root, environment, cert, key)
        server.smtp = smtp
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def journey(tls):
    """The patient's journey, run once over HTTPS; the tests below check what it gave."""
    return patient_journey(tls.url, tls.ssl_context, tls.smtp, tls)


def test_over_https_a_patient_logs_in_with_the_code_adds_a_file_and_logs_out(journey):
    assert_journey_worked(journey)


def test_production_pages_carry_hsts_secure_cookies_and_a_request_id(journey):
    login = journey["pages"]["login"]
    assert login.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert login.headers["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", login.headers["X-Request-Id"])


def test_the_request_log_has_a_line_per_step_with_the_refusals(journey):
    log = journey["log"]
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


def test_the_request_log_holds_no_nir_code_name_or_title(journey, tls):
    text = "\n".join(tls.log_lines())
    for secret in (FATIMA_NIR, journey["code"], DEMO_LOGIN["login_id"], DEMO_PASSWORD, "Fatima",
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
