"""Every page read by w3m, a text browser with no CSS and no JavaScript; lynx presses the yes/no questions."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from .test_every_page import VISITS

TEXT_VISITS = [v for v in VISITS if not v.submit_empty and v.login is None]


def squash(text: str) -> str:
    return " ".join(text.split())


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} introuvable. Installez-le : sudo apt-get install -y {name} "
                    "(ou lancez bash scripts/test.sh).", pytrace=False)
    return path


@pytest.fixture(scope="session")
def w3m():
    return _tool("w3m")


@pytest.mark.parametrize("visit", TEXT_VISITS, ids=[v.name for v in TEXT_VISITS])
def test_page_reads_as_plain_text(w3m, live_server, visit):
    url = live_server.url + visit.path
    dumped = subprocess.run(
        [w3m, "-dump", "-cols", "80", "-O", "UTF-8", url], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    html = subprocess.run(
        [w3m, "-dump_source", url], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    main = BeautifulSoup(html, "html.parser").find("main")
    heading = squash(main.find("h1").get_text(" "))
    first_paragraph = squash(main.find("p").get_text(" "))
    text = squash(dumped)
    assert heading in text
    assert first_paragraph in text
    assert text.index("Aller au contenu") < text.index(heading)  # the skip link reads first


# -- lynx: a question with consequences is never answered by default (issue 17, item 5) ----------
# lynx pre-selects the first radio of a group with no default: « Valider » left untouched sent
# « Oui ». The questions are now pressed as buttons (forms/buttons.py); lynx drives them here.

@pytest.fixture(scope="session")
def lynx():
    return _tool("lynx")


def _lynx_cookies(tmp_path, live_server, client) -> str:
    """A lynx configuration that sends the test client's session cookie (the same server-side
    session): lynx reads a cookie file only when its cookies are persistent."""
    host = live_server.url.split("//")[1].split(":")[0]
    value = client.get_cookie("dmp_session").value
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(f"{host}\tFALSE\t/\tFALSE\t2147483647\tdmp_session\t{value}\n")
    config = tmp_path / "lynx.cfg"
    config.write_text(f"PERSISTENT_COOKIES:TRUE\nCOOKIE_FILE:{cookies}\nCOOKIE_SAVE_FILE:{cookies}\n"
                      "ACCEPT_ALL_COOKIES:TRUE\nCHARACTER_SET:utf-8\n")
    return str(config)


def _lynx_dump(lynx, url, config) -> str:
    return subprocess.run([lynx, f"-cfg={config}", "-dump", "-number_fields", "-width=200",
                           "-display_charset=utf-8", url], capture_output=True, text=True, timeout=30,
                          check=True).stdout


def _lynx_press(lynx, tmp_path, url, config, number: int) -> None:
    """Open url in lynx, move down to link or field `number` (-number_fields counts both; lynx starts
    on the 1st) and press it."""
    script = tmp_path / "keys.txt"
    script.write_text("key Down Arrow\n" * (number - 1) + "key ^J\nkey q\nkey y\n")
    subprocess.run([lynx, f"-cfg={config}", f"-cmd_script={script}", url], capture_output=True, timeout=30,
                   check=False, env={**os.environ, "TERM": "vt100"})


def test_in_lynx_the_desk_consent_is_answered_only_by_a_press(lynx, live_server, tmp_path):
    from ..web.test_desk_creation import DESK_AGENT, MARCEL
    from .test_history import Visitor

    visitor = Visitor(live_server.app, live_server.app.extensions["dmp.notifier"])
    visitor.log_in("/pro/connexion", DESK_AGENT)
    card = visitor.submit("/pro/creer", {"nir": MARCEL.nir, "vitale_serial": MARCEL.vitale_serial})
    assert card.headers["Location"] == "/pro/creer/accord"
    cookies = _lynx_cookies(tmp_path, live_server, visitor.client)
    url = live_server.url + "/pro/creer/accord"
    dumped = _lynx_dump(lynx, url, cookies)
    assert "L’accord de la personne" in dumped
    assert "(*)" not in dumped and "BUTTON) Valider" not in dumped  # nothing pre-selected, no « Valider »
    no = re.search(r"\(\[(\d+)\]no\) Non", dumped)
    assert re.search(r"\(\[\d+\]yes\) Oui", dumped) and no, dumped
    _lynx_press(lynx, tmp_path, url, cookies, int(no.group(1)))
    # lynx sent the button pressed: « Non », so the journey ended and no DMP was made
    assert visitor.client.get("/pro/creer/telephone").headers["Location"] == "/pro/creer"
    assert live_server.app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir) is None


def test_in_lynx_no_emergency_question_starts_on_an_answer(lynx, live_server, tmp_path):
    from dmp_web.demo import DEMO_LOGIN

    from .test_history import Visitor

    visitor = Visitor(live_server.app, live_server.app.extensions["dmp.notifier"])
    visitor.log_in("/connexion", DEMO_LOGIN["login_id"])
    cookies = _lynx_cookies(tmp_path, live_server, visitor.client)
    url = live_server.url + "/mon-dmp/gestion/urgence"
    dumped = _lynx_dump(lynx, url, cookies)
    assert "Question 1 sur 3" in dumped and "(*)" not in dumped and "( )" not in dumped
    yes = re.search(r"\(\[(\d+)\]yes\) Oui", dumped)
    assert yes, dumped
    _lynx_press(lynx, tmp_path, url, cookies, int(yes.group(1)))
    # lynx's press answered question 1: question 2 opens (else it sends back to question 1)
    assert visitor.client.get("/mon-dmp/gestion/urgence?question=2").status_code == 200


def test_in_lynx_a_helped_visit_reads_first_and_finir_l_aide_ends_it(lynx, live_server, tmp_path):
    """« Je me fais aider » (issue 18, item 5): with no CSS, the banner comes before the page's
    heading, and its « Finir l’aide » works as a plain button."""
    from dmp_web.demo import DEMO_LOGIN

    from .test_history import Visitor

    visitor = Visitor(live_server.app, live_server.app.extensions["dmp.notifier"])
    visitor.log_in("/connexion", DEMO_LOGIN["login_id"])
    cookies = _lynx_cookies(tmp_path, live_server, visitor.client)
    page = squash(_lynx_dump(lynx, live_server.url + "/mon-dmp/je-me-fais-aider", cookies))
    assert "Je me fais aider" in page and "Commencer l’aide" in page
    assert "Le prénom et le nom de la personne qui vous aide" in page and "D’où vient cette personne ?" in page
    started = visitor.submit("/mon-dmp/je-me-fais-aider", {"name": "Marie DUPONT", "organisation": "France Services"})
    assert started.status_code == 302
    url = live_server.url + "/mon-dmp"
    dumped = _lynx_dump(lynx, url, cookies)
    text = squash(dumped)
    said = "En ce moment, Marie DUPONT (France Services) vous aide."
    assert said in text and text.index(said) < text.index("Bonjour")  # before the page's own words
    finish = re.search(r"\(\[(\d+)\]BUTTON\) Finir l’aide", dumped)
    assert finish, dumped
    _lynx_press(lynx, tmp_path, url, cookies, int(finish.group(1)))
    assert "aide-en-cours" not in visitor.client.get("/mon-dmp").get_data(as_text=True)  # ended by lynx's press


def test_in_lynx_a_carer_reads_the_banner_first_and_accepts_a_second_invitation(lynx, live_server, tmp_path):
    """The carer's side (issue 18): with no CSS and no JavaScript, « Vous agissez pour … » reads
    before the documents, and « Accepter l’invitation » works as a plain button."""
    from dmp_web.demo import DEMO_LOGIN

    from .test_carer_journey import CARER_MOBILE, OTHER, PASSWORD, _invite, _second_dmp
    from .test_history import Visitor

    app = live_server.app
    notifier = app.extensions["dmp.notifier"]
    visitor = Visitor(app, notifier)
    first = _invite(app, DEMO_LOGIN["dossier_id"], "read", "letter")
    assert visitor.submit("/aidant/accepter", {"code": first.code}).status_code == 302
    visitor.submit("/aidant/accepter/contact", {"mobile": CARER_MOBILE, "email": ""})
    visitor.submit("/aidant/accepter/mot-de-passe", {"new_password": PASSWORD, "new_password_confirm": PASSWORD})
    assert visitor.submit("/aidant/accepter/code", {"code": notifier.last_otp()}).status_code == 302
    cookies = _lynx_cookies(tmp_path, live_server, visitor.client)
    text = squash(_lynx_dump(lynx, f"{live_server.url}/aidant/dmp/{DEMO_LOGIN['dossier_id']}", cookies))
    said = "Vous agissez pour Fatima ROCHE. Vous l’aidez avec son DMP."
    assert said in text and text.index(said) < text.index("Les documents") < text.index("Consultation du 12 octobre")

    _second_dmp(app)
    second = _invite(app, OTHER, "read", "letter")
    assert visitor.submit("/aidant/accepter", {"code": second.code}).status_code == 302
    url = live_server.url + "/aidant/accepter/invitation"
    dumped = _lynx_dump(lynx, url, cookies)
    accept = re.search(r"\(\[(\d+)\]BUTTON\) Accepter l’invitation", dumped)
    assert accept, dumped
    _lynx_press(lynx, tmp_path, url, cookies, int(accept.group(1)))
    grant = app.extensions["dmp.repos"].dossiers.get(OTHER).carer_grant(second.grant.id)
    assert grant.accepted_at is not None  # accepted by lynx's press
