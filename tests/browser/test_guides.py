"""The easy-to-read guides in Chromium: the list and every guide page, reached by their links,
with zero axe violations, our layout rules, no sideways scrolling, and a clean print layout."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from dmp_web.texts.guides import load_guides

from ..pages import JOURNEY_PAGES
from .harness import click_and_wait, overflows_at_width
from .walker import Walker

GUIDES = load_guides()


def follow(w: Walker, text: str, state: str, within: str = "main") -> None:
    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, f"//{within}//a[normalize-space()='{text}']"))
    w.check(state)


def test_the_guides_and_every_guide_page_pass_axe_and_our_layout_rules(walker):
    w = walker
    w.go("/", "accueil")
    follow(w, "Lire les guides", "les guides")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Les guides faciles à lire"
    follow(w, GUIDES[0].title, f"guide : {GUIDES[0].slug}")
    for guide in GUIDES[1:]:  # each guide leads to the next one
        follow(w, f"Guide suivant : {guide.title}", f"guide : {guide.slug}")
        assert w.browser.find_element(By.TAG_NAME, "h1").text == guide.title
    follow(w, "Tous les guides faciles à lire", "les guides, de nouveau")
    follow(w, "Guides", "les guides, par le menu", within="header")

    assert w.problems == [], "\n".join(w.problems)
    assert {f"/guides/{g.slug}" for g in GUIDES} | {"/guides"} <= w.visited
    assert JOURNEY_PAGES["guides.guide"] == "tests/browser/test_guides.py"


def test_every_guide_page_reads_without_sideways_scrolling_on_a_small_screen(browser, live_server):
    for guide in GUIDES:
        browser.get(f"{live_server.url}/guides/{guide.slug}")
        for width in (320, 640):
            assert overflows_at_width(browser, width) <= 0, (guide.slug, width)


def test_a_guide_page_prints_its_text_at_16_points_beside_its_pictograms(browser, live_server):
    browser.get(f"{live_server.url}/guides/me-connecter")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        layout = browser.execute_script("""
            const px = (el) => parseFloat(getComputedStyle(el).fontSize);
            const texts = [...document.querySelectorAll('.idea__text p, .idea__text li')];
            const hidden = ['.guide-tools', '.guide-next', '.site-header nav']
              .map((s) => getComputedStyle(document.querySelector(s)).display);
            const idea = document.querySelector('.idea');
            const picto = idea.querySelector('.idea__picto').getBoundingClientRect();
            const text = idea.querySelector('.idea__text').getBoundingClientRect();
            return {smallest: Math.min(...texts.map(px)), hidden,
                    beside: picto.right <= text.left && picto.top < text.bottom};
        """)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert layout["smallest"] >= 16 * 96 / 72 - 0.01  # 16 pt in CSS pixels
    assert layout["hidden"] == ["none"] * 3
    assert layout["beside"]
