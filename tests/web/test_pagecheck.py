"""Guards the guard: the checks every fetched page passes (tests/pagecheck.py) catch a broken page."""
import pytest

from ..pagecheck import PageProblem, check_page


def test_a_page_without_a_drawing_beside_its_main_idea_is_caught(client):
    html = client.get("/connexion").get_data(as_text=True)
    check_page(html)  # the real page passes
    picture = 'alt=""'
    assert html.count(picture) == 1  # the drawing beside the h1
    with pytest.raises(PageProblem, match="pictogram without an alt"):
        check_page(html.replace(picture, ""))  # a drawing with no alt at all
    without = html.replace('class="page-idea__picto"', 'class="page-idea__picto" hidden').replace(
        "/static/pictos/", "/static/autre/")
    with pytest.raises(PageProblem, match="no pictogram"):
        check_page(without)


def test_a_page_with_two_h1_or_a_form_without_its_token_is_caught(client):
    html = client.get("/connexion").get_data(as_text=True)
    with pytest.raises(PageProblem, match="one h1"):
        check_page(html.replace("</h1>", "</h1><h1>Encore</h1>", 1))
    with pytest.raises(PageProblem, match="CSRF"):
        check_page(html.replace('name="csrf_token"', 'name="jeton"'))
