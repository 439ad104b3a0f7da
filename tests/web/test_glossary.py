"""«Les mots difficiles»: the glossary page shows every term of content/glossary.yaml, explained."""
from dmp_web.domain.falc import check_blocks, load_glossary
from dmp_web.texts.glossary import find_term, sorted_terms
from dmp_web.texts.page_text import visible_blocks

PAGE = "/glossaire"


def test_the_glossary_page_explains_every_term_of_the_glossary_file(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    soup = response.soup
    assert soup.h1.get_text(strip=True) == "Les mots difficiles"
    entries = soup.main.find("dl").find_all("dt")
    assert len(entries) == len(load_glossary())
    for term in load_glossary():
        entry = soup.find("dt", id=term.anchor)
        assert entry.get_text(strip=True) == term.term
        explained = entry.find_next_sibling("dd").get_text(" ", strip=True)
        assert term.explanation in explained
        if term.expansion:
            assert f"{term.term} veut dire {term.expansion}." in explained


def test_the_terms_are_in_the_order_of_the_alphabet_accents_and_capitals_aside(client):
    shown = [dt.get_text(strip=True) for dt in client.get(PAGE).soup.main.find_all("dt")]
    assert shown == [t.term for t in sorted_terms()]
    assert shown.index("bris de glace") < shown.index("carte Vitale") < shown.index("DMP")


def test_a_term_can_be_linked_to_by_its_anchor():
    assert find_term("carte Vitale").anchor == "carte-vitale"
    assert find_term("INS-C").anchor == "ins-c"
    assert find_term("médecins traitants").term == "médecin traitant"  # by a written form
    assert find_term("mot inconnu") is None


def test_the_glossary_page_is_in_the_site_map_under_informations(client):
    soup = client.get("/plan-du-site").soup
    section = soup.main.find("h2", string="Informations").find_next("ul")
    link = section.find("a", href=PAGE)
    assert link is not None and link.get_text(strip=True) == "Les mots difficiles"


def test_the_glossary_page_passes_the_easy_to_read_check(client):
    report = check_blocks(visible_blocks(client.get(PAGE).get_data(as_text=True)))
    assert report.findings == (), "\n".join(str(f) for f in report.findings)
    assert report.words > 300


def test_every_page_links_to_the_hard_words_from_its_footer(client):
    for path in ("/", "/connexion", "/cette-page-n-existe-pas"):
        footer = client.get(path).soup.footer
        assert footer.find("a", string="Les mots difficiles")["href"] == "/glossaire", path
