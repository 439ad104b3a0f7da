"""Every page, opened once in headless Chromium: zero axe violations, our own layout rules, the
easy-to-read check (dmp_web/domain/falc.py) on the text the browser shows, and no sideways
scrolling on a small screen, all on that one load."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dmp_web.demo import DEMO_LOGIN

from ..conftest import make_app
from ..pages import pages_to_visit
from .harness import click_and_wait, describe, easy_to_read_problems, layout_problems, overflows_at_width, run_axe


def _visits():
    with tempfile.TemporaryDirectory() as root:
        return pages_to_visit(make_app(Path(root)))


VISITS = _visits()


# Who a visit logs in as (Visit.login): the demo accounts of dmp_web/demo.py.
LOGINS = {"patient": (DEMO_LOGIN["login_id"], DEMO_LOGIN["password"])}


def log_in(browser, server, key: str) -> None:
    """Log in with the account of LOGINS[key], its one-time code read from the fake notifier."""
    login_id, password = LOGINS[key]
    browser.get(server.url + "/connexion")
    browser.find_element(By.ID, "login_id").send_keys(login_id)
    browser.find_element(By.ID, "password").send_keys(password)
    click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    browser.find_element(By.ID, "code").send_keys(server.app.extensions["dmp.notifier"].last_otp())
    click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def open_visit(browser, server, visit):
    if visit.login:  # each test starts logged out (conftest.py demo_data)
        log_in(browser, server, visit.login)
    browser.get(server.url + visit.path)
    if visit.submit_empty:
        click_and_wait(browser, lambda: browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


WIDTHS = (320, 640)  # 640 px is 1280 px seen at 200 % zoom


def problems_of_the_page(browser) -> dict[str, str]:
    """Every check on the page shown, by check; a check that finds nothing is not in the answer."""
    found = {
        "axe": describe(run_axe(browser)),
        "layout": "\n".join(layout_problems(browser)),
        "easy to read": "\n".join(easy_to_read_problems(browser)),
        "sideways scrolling": "\n".join(
            f"{overflow} px at {width} px wide" for width in WIDTHS
            if (overflow := overflows_at_width(browser, width)) > 0),
    }
    return {check: text for check, text in found.items() if text}


@pytest.mark.parametrize("visit", VISITS, ids=[v.name for v in VISITS])
def test_page_passes_axe_layout_easy_to_read_and_width_checks(browser, live_server, checked_pages, visit):
    """One load per page: every check runs on it, and the HTML is kept for test_valid_html.py."""
    open_visit(browser, live_server, visit)
    checked_pages[f"every page · {visit.name}"] = live_server.html_shown(browser)
    problems = problems_of_the_page(browser)
    assert problems == {}, f"{visit.name} ({visit.path}):\n" + "\n".join(
        f"[{check}]\n{text}" for check, text in problems.items())


def test_the_skip_link_comes_first_and_every_focus_is_clearly_visible(browser, live_server):
    browser.get(live_server.url + "/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "Aller au contenu"
    assert skip.rect["x"] >= 0 and skip.rect["width"] >= 44  # on screen once focused
    skip.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "contenu"
    browser.get(live_server.url + "/")
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(4):
        body.send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
        outline = browser.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, parseFloat(s.outlineWidth)];",
            focused,
        )
        assert outline[0] != "none" and outline[1] >= 3, (focused.text, outline)
        body = focused


def test_the_error_summary_takes_the_focus_and_links_to_the_field(browser, live_server):
    browser.get(live_server.url + "/essai/formulaire")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.title.startswith("Erreur : "))
    active = browser.switch_to.active_element
    assert "error-summary" in active.get_attribute("class")
    active.find_element(By.LINK_TEXT, "Écrivez votre nom").click()
    assert browser.switch_to.active_element.get_attribute("id") == "name"


def test_printing_hides_the_menu_and_keeps_the_content(browser, live_server):
    browser.get(live_server.url + "/")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            "return [getComputedStyle(document.querySelector('header nav')).display,"
            " getComputedStyle(document.querySelector('main h1')).display];"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown == ["none", "block"]


def test_htmx_loads_without_breaking_the_content_security_policy(browser, live_server):
    browser.get_log("browser")  # forget what earlier tests logged
    browser.get(live_server.url + "/")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !!window.htmx"))
    assert browser.execute_script("return htmx.version") == "2.0.11"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_the_axe_harness_reports_violations_on_a_bad_page(browser, live_server):
    """Guards the guard: a page breaking known rules must not pass."""
    browser.get(live_server.url + "/essai/mauvaise-page")
    found = {v["id"] for v in run_axe(browser)}
    assert {"image-alt", "label", "color-contrast-enhanced", "target-size"} <= found
    problems = " ".join(layout_problems(browser))
    assert "italic text" in problems and "target under 44x44" in problems and "text under 20px" in problems
    falc = " ".join(easy_to_read_problems(browser))
    for code in ("long_sentence", "unexplained_term", "capitals", "number_in_words"):
        assert f"[{code}]" in falc, code
    # the width check resizes the page it is on (no reload): 500 px of content scroll at 320 px only
    # (set by script: the content security policy ignores a style attribute)
    browser.execute_script("const p = document.createElement('p'); p.textContent = 'Un bloc large.';"
                           " p.style.minWidth = '500px'; document.querySelector('main').append(p);")
    assert overflows_at_width(browser, 320) > 0 and overflows_at_width(browser, 1024) <= 0
    assert set(problems_of_the_page(browser)) == {"axe", "layout", "easy to read", "sideways scrolling"}
