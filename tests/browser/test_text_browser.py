"""Every page read by w3m, a text browser with no CSS and no JavaScript."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from .test_every_page import VISITS

TEXT_VISITS = [v for v in VISITS if not v.submit_empty and v.login is None]


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="session")
def w3m():
    path = shutil.which("w3m")
    if not path:
        pytest.fail("w3m introuvable. Installez-le : sudo apt-get install -y w3m "
                    "(ou lancez bash scripts/test.sh).", pytrace=False)
    return path


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
