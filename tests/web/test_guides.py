"""The easy-to-read guides: their files, their pages, their pictograms and their booklets (PDF).

Each booklet is opened and read back (pdfplumber, poppler's pdfinfo and pdffonts).
"""
from __future__ import annotations

import logging
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdftypes import resolve1

from dmp_web.formatting import date_fr
from dmp_web.texts import guides as guides_service
from dmp_web.texts.guides import PICTOGRAMS, PICTOS_DIR, GuideError, load_guide, load_guides

from ..pdf_logs import weasyprint_records

GUIDES = load_guides()
SLUGS = [guide.slug for guide in GUIDES]
each_guide = pytest.mark.parametrize("guide", GUIDES, ids=SLUGS)


# --- The guide files ---------------------------------------------------------------------------

def test_there_are_the_7_guides_of_the_issue_in_their_order():
    assert [(g.order, g.slug) for g in GUIDES] == [
        (1, "creer-mon-dmp"), (2, "me-connecter"), (3, "mes-documents"), (4, "qui-peut-voir-mon-dmp"),
        (5, "mes-volontes"), (6, "mes-droits"), (7, "aider-un-proche"),
    ]
    assert {g.audience for g in GUIDES} == {"Pour les patients", "Pour les familles, les aidants et les associations"}


@pytest.mark.parametrize("slug, topics", [
    ("creer-mon-dmp", ["sur internet", "à la caisse", "à la pharmacie"]),
    ("me-connecter", ["Le code à 8 chiffres", "La première connexion"]),
    ("mes-documents", ["Voir mes documents", "Ajouter un document", "Cacher un document"]),
    ("qui-peut-voir-mon-dmp", ["Les professionnels de santé", "Mon médecin traitant", "Bloquer", "En cas d’urgence"]),
    ("mes-volontes", ["Ma personne de confiance", "La personne à prévenir", "Mes directives anticipées",
                      "Le don d’organes"]),
    ("mes-droits", ["Savoir qui a ouvert mon DMP", "Avoir une copie", "Fermer mon DMP"]),
    ("aider-un-proche", ["Demander son accord", "pas à sa place", "Aider une seule fois", "Ses codes sont à elle",
                         "Devenir son aidant", "Le code d’invitation", "Accepter et créer votre compte",
                         "Aider avec votre compte d’aidant", "Ce qu’un aidant ne peut jamais faire",
                         "Tout se voit dans son historique", "Respecter ses choix", "Un enfant",
                         "imprimer les guides", "Se faire aider"]),
])
def test_each_guide_has_a_main_idea_for_each_of_its_topics(slug, topics):
    headings = " | ".join(s.heading for s in guides_service.guide_by_slug(slug).sections if s.heading)
    for topic in topics:
        assert topic in headings, f"{topic!r} is not a main idea of {slug}"


@each_guide
def test_each_sentence_of_a_guide_stands_on_its_own_line(guide):
    """One sentence per paragraph: one idea per line. (tests/unit/test_falc.py runs the
    easy-to-read check itself on every guide: sentence length, terms, numbers, capitals.)"""
    for section in guide.sections:
        for paragraph in re.findall(r"<p>(.*?)</p>", section.html):
            plain = re.sub(r"<[^>]+>", "", paragraph)
            assert len(re.findall(r"[.!?](?:\s|$)", plain)) <= 1, plain


@each_guide
def test_each_guide_speaks_to_the_reader_and_writes_numbers_in_digits(guide):
    text = guide.plain_text()
    assert re.search(r"\b(vous|votre|vos)\b", text)
    spelled = re.findall(r"\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|cent)\b",
                         text, re.I)
    assert spelled == []


def write_guide(folder, body: str, name: str = "essai.md", pictogram: str = "carnet"):
    (folder / name).write_text(
        f"---\ntitle: Essai\naudience: Pour les patients\nsummary: Un essai.\npictogram: {pictogram}\n"
        f"order: 1\nversion: 2026-11-23\n---\n{body}", encoding="utf-8")
    return folder / name


@pytest.mark.parametrize("body, name, pictogram, message", [
    ("Un <b>mot</b>.\n", "essai.md", "carnet", "no HTML"),
    ("<script>alert(1)</script>\n", "essai.md", "carnet", "no HTML"),
    ("Un *mot* penché.\n", "essai.md", "carnet", "no italics"),
    ("Texte.\n", "essai.md", "licorne", "unknown pictogram"),
    ("## Une idée\n\nTexte.\n", "essai.md", "carnet", "needs a pictogram"),
    ("## Une idée\n<!-- picto : carnet -->\n<!-- picto : cle -->\n", "essai.md", "carnet", "one pictogram"),
    ("Texte.\n", "tous.md", "carnet", "file name"),
    ("Texte.\n", "Essai.md", "carnet", "file name"),
    ("<!-- écran : creer -->\nCliquez sur « Valider ».\n", "essai.md", "carnet", "a path of the site"),
])
def test_the_loader_refuses_what_breaks_the_format(tmp_path, body, name, pictogram, message):
    with pytest.raises(GuideError, match=message):
        load_guide(write_guide(tmp_path, body, name, pictogram))


def test_the_loader_refuses_a_front_matter_without_its_version(tmp_path):
    path = tmp_path / "essai.md"
    path.write_text("---\ntitle: Essai\naudience: Tous\nsummary: Un essai.\npictogram: carnet\norder: 1\n---\nTexte.\n",
                    encoding="utf-8")
    with pytest.raises(GuideError, match="front matter"):
        load_guide(path)


def test_guides_are_read_again_when_a_file_changes(tmp_path):
    path = write_guide(tmp_path, "Première phrase.\n")
    assert load_guides(tmp_path)[0].sections[0].text == "Première phrase."
    path.write_text(path.read_text(encoding="utf-8").replace("Première", "Nouvelle"), encoding="utf-8")
    assert load_guides(tmp_path)[0].sections[0].text == "Nouvelle phrase."


# --- The pictograms ------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_every_pictogram_is_one_of_our_simple_drawings_with_its_alternative_text():
    assert {p.stem for p in PICTOS_DIR.glob("*.svg")} == set(PICTOGRAMS)
    for path in PICTOS_DIR.glob("*.svg"):
        root = ElementTree.parse(path).getroot()
        assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 64 64", path.name
        assert root.find(f"{SVG}title").text == PICTOGRAMS[path.stem]
        tags = {element.tag.removeprefix(SVG) for element in root.iter()}
        # no text, script, image
        assert tags <= {"svg", "title", "g", "path", "rect", "circle", "line"}, (path.name, tags)
        assert "href" not in path.read_text(encoding="utf-8")  # nothing fetched from elsewhere
        assert path.stat().st_size < 2000


@each_guide
def test_each_main_idea_of_a_guide_has_a_pictogram(guide):
    assert guide.sections[0].heading is None  # the introduction, beside the guide's own pictogram
    assert guide.sections[0].pictogram == guide.pictogram
    for section in guide.sections:
        assert (PICTOS_DIR / f"{section.pictogram}.svg").is_file()
    seen = set()
    for section in guide.sections:  # its text alternative the first time, decorative after
        assert section.pictogram_alt == ("" if section.pictogram in seen else PICTOGRAMS[section.pictogram])
        seen.add(section.pictogram)


# --- The pages ------------------------------------------------------------------------------------

def test_the_guides_page_lists_every_guide_in_order_with_its_booklet(client):
    soup = client.get("/guides").soup
    assert soup.h1.get_text(strip=True) == "Les guides faciles à lire"
    cards = soup.select("li.guide-card")
    assert [card.h2.get_text(strip=True) for card in cards] == [g.title for g in GUIDES]
    for card, guide in zip(cards, GUIDES, strict=True):
        hrefs = [a["href"] for a in card.find_all("a")]
        assert hrefs == [f"/guides/{guide.slug}", f"/guides/{guide.slug}.pdf"]
        assert card.img["alt"] == ""  # beside the guide's title, which says it all
    print_all = soup.find("a", string="Imprimer tous les guides (PDF)")
    assert print_all["href"] == "/guides/tous.pdf"


@each_guide
def test_each_guide_has_its_page_with_each_main_idea_beside_its_pictogram(client, guide):
    response = client.get(f"/guides/{guide.slug}")
    assert response.status_code == 200
    soup = response.soup
    assert soup.h1.get_text(strip=True) == guide.title
    assert f"Version du {date_fr(guide.version)}" in soup.select_one(".guide-meta").get_text()
    ideas = soup.select("main .idea")
    assert len(ideas) == len(guide.sections)
    for idea, section in zip(ideas, guide.sections, strict=True):
        picto = idea.find("img", class_="idea__picto")
        assert picto["src"] == f"/static/pictos/{section.pictogram}.svg"
        assert picto["alt"] == ("" if section.heading else section.pictogram_alt)  # a heading says it all
        heading = idea.find("h2")
        assert (heading.get_text(strip=True) if heading else None) == section.heading
    assert [h.get("id") for h in soup.select("main .idea h2")] == [s.anchor for s in guide.sections if s.heading]
    assert soup.find("a", string="Imprimer ce guide (PDF)")["href"] == f"/guides/{guide.slug}.pdf"
    assert not soup.select("main em, main i")


def test_each_guide_page_leads_to_the_next_guide(client):
    soup = client.get("/guides/creer-mon-dmp").soup
    assert soup.find("a", string="Guide suivant : Me connecter à mon DMP")["href"] == "/guides/me-connecter"
    last = client.get(f"/guides/{SLUGS[-1]}").soup
    assert not [a for a in last.find_all("a") if a.get_text().startswith("Guide suivant")]


def test_a_quoted_label_reads_as_one_block_in_bold(client):
    soup = client.get("/guides/me-connecter").soup
    labels = [span.get_text() for span in soup.select(".ui-label")]
    assert "«\u00a0Accéder au DMP\u00a0»" in labels


@pytest.mark.parametrize("path", [
    "/guides/inconnu", "/guides/inconnu.pdf", "/guides/creer-mon-dmp.md", "/guides/CREER-MON-DMP",
    "/guides/..%2Fglossary", "/guides/..%2F..%2Fapp.py", "/guides/%2Fetc%2Fpasswd", "/guides/tous",
])
def test_an_unknown_guide_or_a_path_in_the_address_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_slug_is_only_looked_up_among_the_loaded_guides(monkeypatch):

    opened = []
    real = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **kw: opened.append(self) or real(self, *a, **kw))
    assert guides_service.guide_by_slug("../../app") is None
    assert guides_service.guide_by_slug("creer-mon-dmp").title == "Créer mon DMP"
    assert opened == []  # the guides were already loaded: nothing is read for a request


def test_the_guides_are_linked_from_the_home_page_the_menu_and_the_site_map(client):
    home = client.get("/").soup
    section = home.find("h2", id="guides")
    assert section.find_next("a")["href"] == "/guides"
    assert home.select_one("nav .nav a[href='/guides']").get_text(strip=True) == "Guides"
    assert (client.get("/plan-du-site").soup.main.find("a", href="/guides").get_text(strip=True)
            == "Les guides faciles à lire")


# --- The booklets (PDF) ---------------------------------------------------------------------------

def poppler(tool: str, path, *args: str) -> str:
    return subprocess.run([tool, *args, str(path)], capture_output=True, text=True, check=True).stdout


BOOKLETS = {**{slug: f"/guides/{slug}.pdf" for slug in SLUGS}, "tous": "/guides/tous.pdf"}
each_booklet = pytest.mark.parametrize("name", BOOKLETS)


def figures_alt(doc) -> list[str]:
    """The alternative texts of the figures (the pictograms) in the PDF's structure tree."""
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    found = []

    def walk(node):
        node = resolve1(node)
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            tag = resolve1(node.get("S"))
            if isinstance(tag, PSLiteral) and tag.name == "Figure":
                found.append(decode_text(resolve1(node.get("Alt", b""))))
            if "K" in node:
                walk(node["K"])

    walk(doc.doc.catalog["StructTreeRoot"])
    return found


@dataclass
class Booklet:
    """A booklet as fetched from its address, and what pdfplumber read from it (once)."""
    response: object
    path: Path
    pages: list[str]  # the text of each page
    sizes: Counter  # how many characters of each size, in points
    lang: bytes
    tagged: bool
    figures: list[str]

    @property
    def lines(self) -> list[str]:
        return [line for page in self.pages for line in page.splitlines()]


@pytest.fixture(scope="module")
def booklets(tmp_path_factory):
    """Every booklet, fetched through its address; made afresh so WeasyPrint's warnings are seen."""
    from dmp_web.worker import Worker

    from ..conftest import CheckedClient, make_app

    folder = tmp_path_factory.mktemp("booklets")
    app = make_app(folder / "app")
    app.test_client_class = CheckedClient
    client = app.test_client()
    guides_service._booklet.cache_clear()
    made = {}
    with weasyprint_records(logging.WARNING) as records:
        for name, address in BOOKLETS.items():
            waiting = client.get(address)  # the first ask queues it; the worker makes it
            # 202: accepted, to come back for; it reloads itself, and a script is told when
            assert waiting.status_code == 202 and waiting.headers["Refresh"] == "10"
            assert waiting.headers["Retry-After"] == "10"
            assert waiting.soup.h1.get_text(strip=True) == "Le guide à imprimer est en préparation"
            Worker(app).run_pending()
            response = client.get(address)
            path = folder / f"{name}.pdf"
            path.write_bytes(response.data)
            with pdfplumber.open(path) as doc:
                made[name] = Booklet(
                    response, path, [page.extract_text() for page in doc.pages],
                    Counter(round(char["size"], 1) for page in doc.pages for char in page.chars),
                    resolve1(doc.doc.catalog["Lang"]), "StructTreeRoot" in doc.doc.catalog, figures_alt(doc),
                )
    made["warnings"] = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
    return made


def test_booklets_render_without_any_weasyprint_warning(booklets):
    assert booklets["warnings"] == []


@each_booklet
def test_each_booklet_is_a_pdf_the_browser_opens_to_print(booklets, name):
    response = booklets[name].response
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('inline; filename="guide')
    assert response.data.startswith(b"%PDF-")


@each_booklet
def test_each_booklet_is_a_tagged_a4_pdf_in_french(booklets, name):
    info = poppler("pdfinfo", booklets[name].path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info, re.M)
    assert re.search(r"^Title:\s+\S", info, re.M)
    assert booklets[name].lang == b"fr" and booklets[name].tagged


@each_booklet
def test_no_character_of_a_booklet_is_smaller_than_16_points(booklets, name):
    sizes = booklets[name].sizes
    assert min(sizes) >= 16, sorted(sizes)
    assert max(sizes) > sizes.most_common(1)[0][0]  # headings stand out


@each_booklet
def test_each_page_of_a_booklet_says_which_page_it_is_out_of_how_many(booklets, name):
    pages = booklets[name].pages
    for number, page in enumerate(pages, start=1):
        assert page.splitlines()[-1] == f"Page {number} sur {len(pages)}"


@each_booklet
def test_each_booklet_uses_only_atkinson_hyperlegible_regular_and_bold_never_italics(booklets, name):
    rows = poppler("pdffonts", booklets[name].path).splitlines()[2:]
    assert {row.split()[0].split("+")[-1] for row in rows} == {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"}


@each_guide
def test_a_guide_booklet_prints_its_title_its_version_and_one_sentence_a_line(booklets, guide):
    lines = booklets[guide.slug].lines
    assert lines[0] == guide.title
    assert f"Version du {date_fr(guide.version)}." in lines
    starts = {" ".join(line.lstrip("• ").split()[:3]) for line in lines}
    for block in guide.plain_text().splitlines()[3:]:  # every paragraph, list item and heading
        assert " ".join(block.split()[:3]) in starts, f"{block!r} does not start a line"


@each_booklet
def test_no_word_of_a_booklet_is_cut_at_the_end_of_a_line(booklets, name):
    for line in booklets[name].lines:
        assert not re.search(r"\w-$", line), line


def test_the_booklet_of_all_guides_holds_every_guide_with_its_page_in_the_contents(booklets):
    pages = booklets["tous"].pages
    assert pages[0].startswith("Les guides faciles à lire du DMP")
    for guide in GUIDES:
        found = re.search(rf"{re.escape(guide.title)}, page (\d+)", pages[0])
        assert found, f"{guide.title!r} is not in the contents"
        page = pages[int(found.group(1)) - 1]
        assert page.startswith(guide.title)  # each guide starts its own page
        assert f"Version du {date_fr(guide.version)}." in page
        assert booklets[guide.slug].pages[-1].splitlines()[-2] in "\n".join(pages)  # and goes to its end


@each_guide
def test_each_pictogram_of_a_booklet_carries_its_text_alternative_and_repeats_are_not_figures(booklets, guide):
    assert booklets[guide.slug].figures == [s.pictogram_alt for s in guide.sections if s.pictogram_alt]


def test_a_booklet_is_made_once_per_version_of_the_guides(monkeypatch):
    from dmp_web.pdf import render

    made = []
    monkeypatch.setattr(render, "render_pdf", lambda name, context: made.append(name) or b"%PDF-")
    guides_service._booklet.cache_clear()
    try:
        for _ in range(3):
            guides_service.booklet_pdf(GUIDES[:1])
        guides_service.booklet_pdf(GUIDES, all_guides=True)
    finally:
        guides_service._booklet.cache_clear()  # do not keep the fake PDF
    assert made == ["guide.html", "guide.html"]
