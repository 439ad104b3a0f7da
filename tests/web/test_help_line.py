"""A help line the person can reach (issue 17, item 5): a telephone number and its hours in the
settings (DMP_HELP_PHONE, DMP_HELP_HOURS), on every letter, the guides and their booklets, the
contact page and the error pages."""
from __future__ import annotations

import dataclasses
import io
import re

import pdfplumber
import pytest

from dmp_web.settings import Settings, SettingsError
from dmp_web.texts import guides
from dmp_web.texts.page_text import check_page

from ..conftest import CheckedClient, make_app
from .patient_journey import create_dossier

PHONE, HOURS = "01 23 45 67 89", "du lundi au samedi, de 9 h à 18 h"


@pytest.fixture
def helped(tmp_path):
    """The app with a help line of its own and a site address, as a deployment sets them."""
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)  # the 500 page, as a visitor sees it
    settings = app.config["DMP_SETTINGS"]
    app.config["DMP_SETTINGS"] = dataclasses.replace(settings, help_phone=PHONE, help_hours=HOURS,
                                                     site_url="https://dmp.exemple.fr")
    app.test_client_class = CheckedClient
    return app


def _panel(page) -> str:
    return re.sub(r"\s+([.,])", r"\1", " ".join(page.soup.find(id="aide").get_text(" ", strip=True).split()))


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(" ".join(page.extract_text() for page in pdf.pages).split())


def test_the_help_line_is_read_from_the_environment_with_defaults():
    assert Settings.from_env({"DMP_ENV": "development"}).help_line.phone == "0 810 331 133"
    read = Settings.from_env({"DMP_ENV": "development", "DMP_HELP_PHONE": PHONE, "DMP_HELP_HOURS": HOURS})
    assert (read.help_line.phone, read.help_line.hours, read.help_line.tel) == (PHONE, HOURS, "tel:0123456789")
    assert Settings.from_env({"DMP_ENV": "development", "DMP_HELP_PHONE": "36 46"}).problems() == []


@pytest.mark.parametrize("environ, message", [
    ({"DMP_HELP_PHONE": "12 34"}, "DMP_HELP_PHONE : écrivez un numéro de 10 chiffres qui commence par 0"),
    ({"DMP_HELP_PHONE": "01 23 45"}, "DMP_HELP_PHONE : écrivez un numéro de 10 chiffres qui commence par 0"),
    ({"DMP_HELP_HOURS": "x" * 81}, "DMP_HELP_HOURS : écrivez les horaires en 80 caractères au plus"),
])
def test_a_wrong_help_line_stops_the_start_with_a_french_message(environ, message):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"DMP_ENV": "development", **environ})
    assert any(problem.startswith(message) for problem in refused.value.problems), refused.value.problems


def test_the_contact_page_gives_the_help_line_and_the_site(helped):
    page = helped.test_client().get("/nous-contacter")
    assert page.status_code == 200 and page.soup.h1.get_text(strip=True) == "Nous contacter"
    phone = page.soup.find(id="telephone")
    assert (phone.get_text(strip=True), phone["href"]) == (PHONE, "tel:0123456789")
    assert page.soup.find(id="horaires").get_text(strip=True) == HOURS
    assert page.soup.find(id="site").get_text(strip=True) == "dmp.exemple.fr"
    assert helped.test_client().get("/plan-du-site").soup.find("a", href="/nous-contacter")
    report = check_page(page.get_data(as_text=True))
    assert report.ok, report.findings


@pytest.mark.parametrize("path", ["/cette-page-n-existe-pas", "/essai/erreur/panne", "/essai/erreur/refuse",
                                  "/essai/erreur/trop-de-demandes", "/essai/erreur/en-travaux"])
def test_every_error_page_gives_the_help_line(helped, path):
    page = helped.test_client().get(path)
    assert page.status_code >= 400
    assert _panel(page) == (f"Besoin d’aide ? Appelez le {PHONE}. Nos conseillers répondent {HOURS}. "
                            "Le site internet du DMP : dmp.exemple.fr.")
    report = check_page(page.get_data(as_text=True))
    assert report.ok, (path, report.findings)


@pytest.mark.parametrize("path", ["/guides", "/guides/creer-mon-dmp"])
def test_the_guides_name_the_website_and_the_help_line(helped, path):
    page = helped.test_client().get(path)
    assert PHONE in _panel(page) and "dmp.exemple.fr" in _panel(page)


def test_a_printed_guide_ends_on_the_site_and_the_help_line():
    from dmp_web.domain.help_line import HelpLine

    chosen = [guides.guide_by_slug("creer-mon-dmp")]
    text = _pdf_text(guides.booklet_pdf(chosen, help_line=HelpLine(PHONE, HOURS), site_address="dmp.exemple.fr"))
    assert (f"Besoin d’aide ? Le site internet du DMP est dmp.exemple.fr. Vous pouvez aussi appeler le {PHONE}. "
            f"Nos conseillers répondent {HOURS}.") in text
    every = _pdf_text(guides.booklet_pdf(guides.load_guides(), all_guides=True))
    assert every.count("Besoin d’aide ?") == len(guides.load_guides())  # at the end of each guide
    assert "0 810 331 133" in every


def test_a_booklet_is_made_again_when_the_help_line_changes(helped, tmp_path):
    from dmp_web.services import copy_jobs
    from dmp_web.web.deps import ctx

    with helped.test_request_context():
        first = copy_jobs.booklet_mark(ctx(), "creer-mon-dmp")
        settings = helped.config["DMP_SETTINGS"]
        helped.config["DMP_SETTINGS"] = dataclasses.replace(settings, help_phone="01 99 99 99 99")
        assert copy_jobs.booklet_mark(ctx(), "creer-mon-dmp") != first


def test_the_credential_letter_made_online_prints_the_deployment_s_help_line(helped):
    client = helped.test_client()
    create_dossier(client, helped.extensions["dmp.notifier"])
    text = _pdf_text(client.get("/creer/lettre.pdf").data)
    assert f"Besoin d’aide ? Appelez le {PHONE}. Nos conseillers répondent {HOURS}." in text
    assert "Le site internet du DMP : dmp.exemple.fr." in text
