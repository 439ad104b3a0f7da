"""«Mes remboursements» in Chromium: axe and our layout rules pass at full width and on narrow
screens, where each row becomes a block whose cells say their column, with no sideways scrolling."""
from selenium.webdriver.common.by import By

from ..pages import journey_steps_of

PAGE = "/mon-dmp/remboursements"


def set_width(driver, width: int | None) -> None:
    if width is None:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})


def sideways_scroll(driver) -> int:
    return driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")


def table_roles(driver) -> dict[str, int]:
    """How many nodes of each table role Chromium's accessibility tree holds."""
    counted: dict[str, int] = {}
    for node in driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]:
        role = node.get("role", {}).get("value")
        if role in ("table", "caption", "columnheader", "row", "rowheader", "cell"):
            counted[role] = counted.get(role, 0) + 1
    return counted


def test_the_patient_reads_the_reimbursements_at_every_width(walker):
    w = walker
    w.go("/connexion", "connexion")
    w.submit({"login_id": "fro7510", "password": "demo-dmp-2026"}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.browser.find_element(By.LINK_TEXT, "Remboursements").click()
    w.check("mes remboursements")
    assert w.title() == "Mes remboursements – DMP"
    caption = w.browser.find_element(By.CSS_SELECTOR, "#remboursements caption")
    assert caption.text == "Mes soins remboursés, du plus récent au plus ancien"
    first = w.browser.find_element(By.CSS_SELECTOR, "#remboursements tbody tr")
    assert first.find_element(By.TAG_NAME, "th").text == "3 novembre 2026"
    assert w.browser.find_element(By.CSS_SELECTOR, "#remboursements thead").is_displayed()
    assert sideways_scroll(w.browser) <= 0

    try:
        for width in (320, 640):  # 640 px is 1280 px seen at 200 % zoom
            set_width(w.browser, width)
            w.browser.get(w.server.url + PAGE)
            w.check(f"mes remboursements à {width} px")
            assert sideways_scroll(w.browser) <= 0, width
            label = w.browser.execute_script(
                "return getComputedStyle(document.querySelector('#remboursements td.amount'), '::before').content;")
            assert label == '"Montant payé : "', width
            header_height = w.browser.execute_script(
                "return document.querySelector('#remboursements thead').getBoundingClientRect().height;")
            assert header_height <= 1, width  # the column names are said in each cell instead
            roles = table_roles(w.browser)  # blocks on screen, still a table for a screen reader
            assert roles == {"table": 1, "caption": 1, "columnheader": 5, "row": 10, "rowheader": 9, "cell": 36}, width
    finally:
        set_width(w.browser, None)

    assert w.problems == [], "\n".join(w.problems)
    assert journey_steps_of(w.server.app, {"reimbursements"}) == {PAGE}
    assert PAGE in w.visited
