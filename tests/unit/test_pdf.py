"""The PDF letters: readable on paper, tagged for screen readers, and unable to leak files.

Each PDF is opened and read back (pdfplumber, poppler's pdfinfo/pdffonts/pdfdetach/pdfimages).
"""
from __future__ import annotations

import datetime
import logging
import re
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from pdfminer.pdftypes import resolve1

from dmp_web import pdf as pdf_adapter
from dmp_web.domain.help_line import HelpLine
from dmp_web.formatting import date_fr
from dmp_web.pdf import render
from dmp_web.settings import PROJECT_ROOT

from ..pdf_logs import weasyprint_records

ADDRESS = ["12 rue des Lilas", "Appartement 3", "69003 Lyon"]
LOGIN_ID = "jmartin7Q4K"
PASSWORD = "Il1O0<&>q9"  # look-alike characters, and characters HTML would swallow
INS_C = "2850575123456789012345"
INS = "275051305511212"  # the INS matricule: here the NIR
CODE = "RMGADQEP2KRG"
DATED = datetime.date(2025, 3, 1)
SECRETS = (LOGIN_ID, PASSWORD, INS_C, CODE)
EMERGENCY_TOLD = ["Votre DMP a été ouvert en urgence le 1er mars 2025 à 10 h 00.",  # services/notice_texts.py
                  "Par : le docteur Karim Haddad (médecin, médecine d’urgence).",
                  "C’était pendant un appel au 15. Ce médecin répond aux appels du Centre 15.",
                  "Sa raison : « Malaise dans la rue »."]

# services/carers.py: the invitation a patient prints for a carer without e-mail (handed over: no address)
CARER_INVITATION = dict(inviter="Jeanne MARTIN", allowed="voir ses documents et en ajouter",
                        starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 6, 30), code="QYPS7KJ2",
                        accept_address="www.dmp.fr/aidant/accepter", until="31 mars 2025 à 10 h 00")

LETTERS = {
    "credential": lambda: pdf_adapter.credential_letter(
        full_name="Jeanne Martin", address_lines=ADDRESS, login_id=LOGIN_ID,
        initial_password=PASSWORD, ins_c=INS_C, ins=INS, created_on=datetime.date(2025, 3, 1), dated=DATED),
    "credential_for_a_minor": lambda: pdf_adapter.credential_letter(
        full_name="Jeanne Martin", address_lines=ADDRESS, login_id=LOGIN_ID,
        initial_password=PASSWORD, ins_c=INS_C, created_on=datetime.date(2025, 3, 1),
        for_minor_name="Léa Martin", dated=DATED),
    "creation_code": lambda: pdf_adapter.creation_code_letter(
        full_name="Jeanne Martin", address_lines=ADDRESS, code=CODE, expires_on=datetime.date(2025, 4, 1), dated=DATED),
    "identifier": lambda: pdf_adapter.identifier_letter(
        full_name="Jeanne Martin", address_lines=ADDRESS, login_id=LOGIN_ID, dated=DATED),
    "emergency_notice": lambda: pdf_adapter.emergency_notice_letter(
        full_name="Jeanne Martin", address_lines=ADDRESS, dated=DATED, told=EMERGENCY_TOLD),
    "carer_invitation": lambda: pdf_adapter.carer_invitation_letter(
        full_name="Paul Martin", address_lines=[], dated=DATED, **CARER_INVITATION),
}

# What each letter must print: the secrets it carries and the words that explain them.
EXPECTED_TEXT = {
    "credential": [LOGIN_ID, PASSWORD, "2850 5751 2345 6789 0123 45", "1er mars 2025",
                   "INS-C veut dire identifiant national de santé calculé", "10 minutes",
                   "8 chiffres", "loi Informatique et Libertés de 1978", "RGPD veut dire",
                   "directeur de votre caisse d’assurance maladie",
                   "Votre INS 2 75 05 13 055 112 12", "INS veut dire identifiant national de santé."],
    "credential_for_a_minor": [LOGIN_ID, PASSWORD, "représentant légal de Léa Martin",
                               "caisse d’assurance maladie de Léa Martin"],
    "creation_code": ["RMGA DQEP 2KRG", CODE, "1er avril 2025", "« créer votre DMP »",
                      "numéro de sécurité sociale", "carte Vitale"],
    "identifier": [LOGIN_ID, "mot de passe oublié"],
    "emergency_notice": ["ouvert en urgence le 1er mars 2025 à 10 h 00", "le docteur Karim Haddad",
                         "« Malaise dans la rue »", "Cet accès dure 24 heures", "caisse d’assurance maladie"],
    "carer_invitation": ["Paul Martin", "Jeanne MARTIN vous invite à l’aider dans son dossier médical partagé.",
                         "QYPS 7KJ2", "Vous pourrez voir ses documents et en ajouter.", "Il finit le 30 juin 2025.",
                         "Ce code marche jusqu’au 31 mars 2025 à 10 h 00.", "www.dmp.fr/aidant/accepter"],
}


@dataclass
class Rendered:
    pdf: bytes
    path: Path
    warnings: list[logging.LogRecord]

    def text(self) -> str:
        with pdfplumber.open(self.path) as doc:
            return " ".join(" ".join(page.extract_text() for page in doc.pages).split())


def poppler(tool: str, path: Path, *args: str) -> str:
    return subprocess.run([tool, *args, str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("letters")
    render._engine.cache_clear()  # so the stylesheet's own warnings are caught on the first letter
    rendered = {}
    for name, make in LETTERS.items():
        with weasyprint_records() as records:
            data = make()
        path = folder / f"{name}.pdf"
        path.write_bytes(data)
        rendered[name] = Rendered(data, path, [r for r in records if r.levelno >= logging.WARNING])
    return rendered


each_letter = pytest.mark.parametrize("name", LETTERS)


@each_letter
def test_each_letter_renders_without_any_weasyprint_warning(letters, name):
    assert [r.getMessage() for r in letters[name].warnings] == []


@each_letter
def test_each_letter_opens_and_prints_what_it_is_for(letters, name):
    text = letters[name].text()
    for expected in EXPECTED_TEXT[name]:
        assert expected in text, f"{expected!r} missing from the {name} letter"


@each_letter
def test_each_letter_is_tagged_in_french_and_titled(letters, name):
    info = poppler("pdfinfo", letters[name].path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+\S", info, re.M)
    assert re.search(r"^Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info, re.M)
    with pdfplumber.open(letters[name].path) as doc:
        assert resolve1(doc.doc.catalog["Lang"]) == b"fr"
        assert "StructTreeRoot" in doc.doc.catalog


@each_letter
def test_each_letter_embeds_only_atkinson_hyperlegible_regular_and_bold(letters, name):
    rows = poppler("pdffonts", letters[name].path).splitlines()[2:]
    fonts = {row.split()[0].split("+")[-1]: row.split()[-5] for row in rows}  # name -> "emb"
    assert fonts == {"Atkinson-Hyperlegible": "yes", "Atkinson-Hyperlegible-Bold": "yes"}


@each_letter
def test_no_character_of_a_letter_is_smaller_than_14_points(letters, name):
    with pdfplumber.open(letters[name].path) as doc:
        sizes = Counter(round(char["size"], 1) for page in doc.pages for char in page.chars)
    assert min(sizes) >= 14
    body_size = sizes.most_common(1)[0][0]
    assert 14 <= body_size <= 16
    assert max(sizes) > body_size  # headings stand out


@each_letter
def test_each_page_says_which_page_it_is_out_of_how_many(letters, name):
    with pdfplumber.open(letters[name].path) as doc:
        count = len(doc.pages)
        for number, page in enumerate(doc.pages, start=1):
            assert f"Page {number} sur {count}" in page.extract_text()


@each_letter
def test_the_recipient_address_sits_where_a_window_envelope_shows_it(letters, name):
    with pdfplumber.open(letters[name].path) as doc:
        page = doc.pages[0]
        lines = {line["text"]: line for line in page.extract_text_lines()}
    recipient = ["Paul Martin"] if name == "carer_invitation" else ["Jeanne Martin", *ADDRESS]  # handed over
    for text in recipient:
        line = lines[text]
        assert line["x0"] > page.width * 0.45, f"{text!r} is not in the right half"
        assert line["bottom"] < page.height / 3, f"{text!r} is below the top third"


@each_letter
def test_no_secret_nor_name_goes_into_the_pdf_metadata(letters, name):
    path = letters[name].path
    metadata = poppler("pdfinfo", path) + poppler("pdfinfo", path, "-meta")
    for value in (*SECRETS, CARER_INVITATION["code"], "Martin", "MARTIN", "Jeanne", "Paul"):
        assert value not in metadata


@each_letter
def test_every_sentence_of_a_letter_has_at_most_15_words(name):
    context = {
        "credential": dict(login_id=LOGIN_ID, initial_password=PASSWORD, ins_c=INS_C, ins="275051305511212",
                           created_on=datetime.date(2025, 3, 1), for_minor_name=None),
        "credential_for_a_minor": dict(login_id=LOGIN_ID, initial_password=PASSWORD, ins_c=INS_C, ins="",
                                       created_on=datetime.date(2025, 3, 1), for_minor_name="Léa Martin", dated=DATED),
        "creation_code": dict(code=CODE, expires_on=datetime.date(2025, 4, 1), dated=DATED),
        "identifier": dict(login_id=LOGIN_ID),
        "emergency_notice": dict(told=EMERGENCY_TOLD),
        "carer_invitation": CARER_INVITATION,
    }[name]
    template = "credential_letter.html" if name.startswith("credential") else f"{name}_letter.html"
    html = render.render_html(template, dict(full_name="Jeanne Martin", address_lines=ADDRESS,
                                             today=datetime.date(2025, 3, 5), site_address="www.dmp.fr",
                                             help_line=HelpLine(), **context))
    main = BeautifulSoup(html, "html.parser").main
    for node in main.find_all(["h1", "h2", "p", "li"]):
        for sentence in re.split(r"(?<=[.!?])\s+", node.get_text(" ", strip=True)):
            words = [w for w in sentence.split() if any(c.isalnum() for c in w)]
            assert len(words) <= 15, f"{len(words)} words: {sentence!r}"


@pytest.mark.parametrize("name", LETTERS)
def test_every_letter_ends_with_the_help_line_and_the_site(letters, name):
    """The letters' shared layout (templates/pdf/_letter.html) prints them, so a new letter has them too."""
    text = " ".join(letters[name].text().split())
    help_at = text.index("Besoin d’aide ? Appelez le 0 810 331 133. "
                         "Nos conseillers répondent du lundi au vendredi, de 8 h 30 à 17 h 30.")
    assert "Le site internet du DMP : www.dmp.fr." in text[help_at:]


def test_the_credential_letter_keeps_the_ins_c_and_adds_the_ins_under_it_explained(letters):
    text = letters["credential"].text()
    assert text.index("Votre INS-C") < text.index("Votre INS 2 75 05 13 055 112 12")
    assert "C’est le plus souvent le numéro de sécurité sociale." in text
    # a dossier that holds no INS yet (written before, not migrated): the INS-C alone, no empty heading
    minor = letters["credential_for_a_minor"].text()
    assert "L’INS-C de Léa Martin" in minor and "L’INS de Léa Martin" not in minor


def test_the_credential_letter_shows_the_password_exactly_as_typed_not_as_html(letters):
    assert PASSWORD in letters["credential"].text()


def test_french_dates_read_naturally():
    assert date_fr(datetime.date(2025, 3, 1)) == "1er mars 2025"
    assert date_fr(datetime.date(2025, 8, 15)) == "15 août 2025"


def test_importing_the_pdf_adapter_does_not_load_weasyprint():
    code = "import sys, dmp_web.pdf; print('weasyprint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=PROJECT_ROOT)
    assert result.stdout.strip() == "False"


def test_the_stylesheet_is_parsed_once_for_many_renders(monkeypatch):
    import weasyprint

    parsed = []
    real_css = weasyprint.CSS
    monkeypatch.setattr(weasyprint, "CSS", lambda *a, **kw: parsed.append(1) or real_css(*a, **kw))
    render._engine.cache_clear()
    try:
        for _ in range(2):
            LETTERS["identifier"]()
    finally:
        render._engine.cache_clear()  # do not keep the stylesheet made through the patch
    assert len(parsed) == 1


# --- Security: hostile HTML must neither embed local files nor reach the network. -----------

PNG_1PX = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4"
           "DwABBAEAwS2OUAAAAABJRU5ErkJggg==")


def hostile_html(port: int) -> str:
    here = f"http://127.0.0.1:{port}"
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Test</title>
    <link rel="attachment" href="file:///etc/passwd">
    <link rel="attachment" href="../dmp_web/settings.py">
    <link rel="attachment" href="fonts/%2e%2e/%2e%2e/app.py">
    <link rel="attachment" href="{here}/attached.txt">
    <link rel="stylesheet" href="{here}/style.css">
    <link rel="stylesheet" href="file:///etc/passwd">
    <style>
      @import url("{here}/imported.css");
      @font-face {{ font-family: X; src: url("{here}/font.woff2"); }}
      body {{ background: url("https://127.0.0.1:{port}/back.png"); }}
    </style></head>
    <body><p>Bonjour.</p>
    <a rel="attachment" href="file:///etc/hostname">lien</a>
    <img src="file:///etc/passwd" alt="a">
    <img src="http://127.0.0.1:9/x.png" alt="b">
    <img src="{here}/x.png" alt="c">
    <img src="../../../../../../etc/passwd" alt="d">
    <img src="file://localhost/etc/passwd" alt="e">
    <object data="file:///etc/passwd" type="image/png">f</object>
    <svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/></svg>
    <img src="{PNG_1PX}" alt="un point">
    </body></html>"""


@pytest.fixture
def listener():
    """A port that records any connection: the kernel accepts it into the backlog for us."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


def test_hostile_html_embeds_no_file_and_makes_no_network_request(tmp_path, listener):
    with weasyprint_records() as records:
        data = render.html_to_pdf(hostile_html(listener.getsockname()[1]))
    path = tmp_path / "hostile.pdf"
    path.write_bytes(data)

    assert poppler("pdfdetach", path, "-list").strip() == "0 embedded files"
    images = [row.split() for row in poppler("pdfimages", path, "-list").splitlines()[2:]]
    assert [row[2:5] for row in images if row[2] == "image"] == [["image", "1", "1"]]  # the data: point
    with pytest.raises(BlockingIOError):
        listener.accept()
    assert "root:" not in Rendered(data, path, []).text()
    assert any("refused" in r.getMessage() for r in records)


def test_the_default_weasyprint_fetcher_would_have_embedded_the_file(tmp_path):
    """The control for the test above: pdfdetach does see what a careless render leaks."""
    import weasyprint

    path = tmp_path / "careless.pdf"
    weasyprint.HTML(string='<html lang="fr"><link rel="attachment" href="file:///etc/hostname">'
                           "<title>t</title><p>x</p>").write_pdf(path)
    assert poppler("pdfdetach", path, "-list").startswith("1 embedded files")


@pytest.fixture
def fetcher_root(tmp_path):
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "a.css").write_text("p { color: black }")
    (root / "escape.css").symlink_to("/etc/passwd")
    (root / "outside").symlink_to(tmp_path)
    (tmp_path / "secret.txt").write_text("secret")
    return root


def test_the_fetcher_serves_files_inside_static_and_data_urls(fetcher_root):
    from dmp_web.pdf.fetcher import SafeURLFetcher

    fetcher = SafeURLFetcher(fetcher_root)
    response = fetcher.fetch((fetcher_root / "css" / "a.css").as_uri())
    assert response.read() == b"p { color: black }" and response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,b2s=").read() == b"ok"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://otherhost/etc/passwd",
    "http://127.0.0.1:9/x.png",
    "https://example.org/x.png",
    "ftp://example.org/x",
    "{root}/../secret.txt",
    "{root}/css/%2e%2e/%2e%2e/secret.txt",
    "{root}/escape.css",
    "{root}/outside/secret.txt",
    "{root}/css",
])
def test_the_fetcher_refuses_anything_but_static_files_and_data(fetcher_root, url):
    from dmp_web.pdf.fetcher import RefusedURL, SafeURLFetcher

    root_uri = fetcher_root.as_uri()
    with pytest.raises(RefusedURL):
        SafeURLFetcher(fetcher_root).fetch(url.format(root=root_uri))


def test_the_fetcher_never_follows_redirects():
    from urllib.request import HTTPRedirectHandler

    from dmp_web.pdf.fetcher import SafeURLFetcher

    assert not any(isinstance(h, HTTPRedirectHandler) for h in SafeURLFetcher().handlers)


def test_in_development_weasyprint_notes_stay_out_of_the_console(tmp_path, caplog):
    """The development console shows where e-mails went (INFO), not WeasyPrint's rendering steps."""
    from dmp_web import create_app
    from dmp_web.settings import Settings

    weasyprint, old_level = logging.getLogger("weasyprint"), logging.getLogger("weasyprint").level
    try:
        create_app(Settings(env="development", data_dir=tmp_path / "data", exports_dir=tmp_path / "exports"))
        with caplog.at_level(logging.INFO):
            LETTERS["identifier"]()
    finally:
        weasyprint.setLevel(old_level)  # the app set it for the process: leave it as the other tests found it
    assert [r.name for r in caplog.records if r.name.startswith("weasyprint")] == []
