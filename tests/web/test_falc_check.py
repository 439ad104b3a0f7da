"""The easy-to-read check on the app: the visible text of a page, and `flask falc-check`."""
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dmp_web.domain.falc import Block, words
from dmp_web.texts.page_text import visible_blocks


def test_the_visible_text_of_a_page_is_its_header_main_and_footer_in_reading_order(client):
    html = client.get("/").get_data(as_text=True)
    blocks = visible_blocks(html)
    texts = [b.text for b in blocks]
    assert texts[:3] == ["Aller au contenu", "DMP – mon dossier médical partagé", "Accueil"]
    assert Block("Mon dossier médical partagé", "heading", "main > h1") in blocks
    assert Block("Créer mon DMP", "heading", "main > h2") in blocks
    assert Block("sur ce site, seul ou avec un proche,", "item", "main > li") in blocks
    assert texts[-1] == "Le DMP est un service gratuit de l’Assurance Maladie."
    assert blocks[-1].where == "footer > p"
    regions = [b.where.split(" > ")[0] for b in blocks if b.where]
    assert regions == sorted(regions, key=["header", "main", "footer"].index)
    # nothing visible is lost, and nothing invisible (the <head>, scripts, the CSRF token) is read
    soup = BeautifulSoup(html, "html.parser")
    assert words(" ".join(texts)) == words(soup.body.get_text(" "))
    assert not any("DMP</title>" in t or "htmx" in t for t in texts)


def test_a_line_break_starts_a_new_block_and_hidden_or_script_text_is_not_read():
    html = ("<html><head><title>T</title><script>var x = 'SECRET';</script></head><body><main>"
            "<p>Un numéro<br>INS-C veut dire identifiant national de santé calculé.</p>"
            "<div hidden><p>TEXTE CACHÉ</p></div><form><label for=a>Nom</label><input id=a value=ROCHE>"
            "<select id=b><option>Par SMS</option></select><button>Valider</button></form></main></body></html>")
    assert visible_blocks(html) == [
        Block("Un numéro", "paragraph", "main > p"),
        Block("INS-C veut dire identifiant national de santé calculé.", "paragraph", "main > p"),
        Block("Nom", "label", "main > label"),
        Block("Par SMS", "item", "main > option"),  # the choices of a list are read
        Block("Valider", "button", "main > button"),
    ]


def test_generated_codes_and_an_author_s_own_text_are_not_read_and_echoes_are_marked():
    html = ("<html><body><main><div class=\"flash-area\"><p>Votre carte Vitale est enregistrée.</p></div>"
            "<div class=\"error-summary\"><h2>Il y a un problème</h2>"
            "<ul><li><a href=\"#a\">Écrivez le code</a></li></ul></div>"
            "<h1>Votre code</h1><p class=\"secret\" translate=\"no\">QYPS 7KJ2</p>"
            "<div class=\"document-text\" data-free-text><p>Patiente de 51 ANS, HTA.</p></div>"
            "<p>Gardez-le.</p></main></body></html>")
    assert visible_blocks(html) == [
        Block("Votre carte Vitale est enregistrée.", "paragraph", "main > p", repeats=True),
        Block("Il y a un problème", "heading", "main > h2", repeats=True),
        Block("Écrivez le code", "item", "main > li", repeats=True),
        Block("Votre code", "heading", "main > h1"),
        Block("Gardez-le.", "paragraph", "main > p"),
    ]


def test_a_page_s_hard_words_are_explained_by_the_glossary_s_own_sentences(client):
    from dmp_web.texts.glossary import find_term
    from dmp_web.texts.page_text import check_page

    page = client.get("/creer")
    explanations = [p.get_text(" ", strip=True) for p in page.soup.select("main p.explain")]
    assert explanations == [find_term("carte Vitale").explanation]
    assert check_page(page.get_data(as_text=True)).findings == ()
    # without its explanation, the page fails the check at the term's first use
    broken = page.get_data(as_text=True).replace(find_term("carte Vitale").explanation, "")
    assert [f.code for f in check_page(broken).findings] == ["unexplained_term"]


def test_an_acronym_s_explanation_can_also_say_what_its_letters_stand_for(app):
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string('{% from "macros/easy.html" import explain %}'
                                      '{{ explain("INS-C", letters=True) }}{{ explain("RPPS") }}')
    assert "INS-C veut dire identifiant national de santé calculé.<br>L’INS-C est" in html
    assert "RPPS veut dire" not in html and "Le RPPS est le numéro à 11 chiffres de chaque soignant." in html
    with app.test_request_context(), pytest.raises(LookupError):
        render_template_string('{% from "macros/easy.html" import explain %}{{ explain("mot inconnu") }}')


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_command_prints_each_finding_with_its_file_and_line_and_fails(app, tmp_path):
    guide = write(tmp_path, "guide.md", "---\ntitle: Un guide\n---\nLe DMP est gratuit.\n\nIl a dix ans.\n")
    result = app.test_cli_runner().invoke(args=["falc-check", str(guide)])
    assert result.exit_code == 1
    assert f"{guide} : ligne 6 : [number_in_words] «dix» est un nombre écrit en lettres." in result.output
    assert f"{guide} : score de lisibilité" in result.output and "1 problème." in result.output


def test_the_command_passes_a_clean_guide_and_gives_its_score(app, tmp_path):
    guide = write(tmp_path, "guide.md",
                  "---\ntitle: Un guide\n---\nLe DMP est gratuit.\n\nVous choisissez qui le lit.\n")
    result = app.test_cli_runner().invoke(args=["falc-check", str(guide)])
    assert result.exit_code == 0, result.output
    # 9 words, 2 sentences, 14 syllables: 207 - 1.015 × 4.5 - 73.6 × 14 / 9 = 87.9
    assert result.output == f"{guide} : score de lisibilité 88 (9 mots, 2 phrases), 0 problème.\n"


def test_the_command_checks_the_visible_text_of_a_page(app):
    @app.get("/essai/majuscules")
    def page_in_capitals():
        return "<!DOCTYPE html><html lang=fr><body><main><h1>Essai</h1><p>Lisez BIEN ceci.</p></main></body></html>"

    runner = app.test_cli_runner()
    clean = runner.invoke(args=["falc-check", "--url-path", "/glossaire"])
    assert clean.exit_code == 0, clean.output
    assert clean.output.startswith("/glossaire : score de lisibilité")
    capitals = runner.invoke(args=["falc-check", "--url-path", "/glossaire", "--url-path", "/essai/majuscules"])
    assert capitals.exit_code == 1
    assert "/essai/majuscules : main > p : [capitals] «BIEN» est écrit en majuscules." in capitals.output
    assert "/glossaire : score de lisibilité" in capitals.output


def test_the_command_says_when_a_page_cannot_be_checked(app):
    result = app.test_cli_runner().invoke(args=["falc-check", "--url-path", "/mon-dmp"])
    assert result.exit_code == 2
    assert "/mon-dmp : la page répond 302" in result.output
