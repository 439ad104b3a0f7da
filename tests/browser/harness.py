"""Headless Chromium with axe-core, against the app served on 127.0.0.1."""
from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# 7:1 contrast (WCAG AAA) is our rule too: axe checks it with this extra rule.
AXE_EXTRA_RULES = ["color-contrast-enhanced"]
INSTALL_HINT = "Installez-les : sudo apt-get install -y chromium chromium-driver (ou lancez bash scripts/test.sh)."

CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1024",
]


class LiveServer:
    """The app on 127.0.0.1, in a thread. It keeps the last page it sent the browser (the bytes
    of a navigation's HTML answer, which the HTML check validates as the browser received them)
    and counts the requests under way (a test waits for none before the store is reset)."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, self._serve, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.last_page: tuple[str, list[bytes]] | None = None  # (request URI, body chunks)
        self.swapped_since = False  # an htmx answer came after that page: the DOM changed
        self._busy = 0
        self._idle = threading.Condition()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _serve(self, environ, start_response):
        with self._idle:
            self._busy += 1
        try:
            yield from self._recorded(environ, start_response)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _recorded(self, environ, start_response):
        chunks: list[bytes] | None = None

        def recording_start(status, headers, exc_info=None):
            nonlocal chunks
            is_html = any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers)
            if is_html and not status.startswith("3"):
                if environ.get("HTTP_SEC_FETCH_DEST") == "document":  # not htmx, not the favicon
                    chunks = []
                    self.last_page, self.swapped_since = (environ.get("REQUEST_URI", ""), chunks), False
                elif environ.get("HTTP_HX_REQUEST"):
                    self.swapped_since = True
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start)
        try:
            for chunk in body:
                if chunks is not None:
                    chunks.append(chunk)  # before the browser has it: the page is whole once it loaded
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()

    def html_shown(self, driver) -> str:
        """The HTML of the page the browser shows: the server's bytes if it still shows them as
        sent, else (after an htmx swap) the DOM's serialisation, with its doctype."""
        shown = urlsplit(driver.current_url)
        uri = shown.path + (f"?{shown.query}" if shown.query else "")
        if self.last_page and self.last_page[0] == uri and not self.swapped_since:
            return b"".join(self.last_page[1]).decode("utf-8")
        return "<!DOCTYPE html>\n" + driver.execute_script("return document.documentElement.outerHTML")


def missing_browser() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    return f"Chromium introuvable ({', '.join(missing)}). {INSTALL_HINT}" if missing else None


def start_chromium(accept_insecure_certs: bool = False):
    """Headless Chromium; the TLS tier accepts the self-signed certificate its test made."""
    profile = tempfile.mkdtemp(prefix="dmp-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.accept_insecure_certs = accept_insecure_certs
    for flag in CHROME_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    driver.dmp_profile = profile
    return driver


def stop_chromium(driver) -> None:
    driver.quit()
    shutil.rmtree(driver.dmp_profile, ignore_errors=True)


_RUN_AXE = """
const done = arguments[arguments.length - 1];
const options = JSON.parse(arguments[0]);
axe.run(document, options).then(
  (r) => done({violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary)}))}),
  (e) => done({error: String(e)}));
"""


def run_axe(driver) -> list[dict]:
    """Inject the vendored axe-core and return its violations on the current page."""
    Axe(driver, str(AXE_JS)).inject()
    unknown = driver.execute_script(
        "return arguments[0].filter((t) => axe.getRules([t]).length === 0);", AXE_TAGS
    )
    assert unknown == [], f"this axe-core does not know the tags {unknown}"
    rules = {rule: {"enabled": True} for rule in AXE_EXTRA_RULES}
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "rules": rules, "resultTypes": ["violations"]}
    result = driver.execute_async_script(_RUN_AXE, json.dumps(options))
    assert "error" not in result, result.get("error")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
                     for v in violations)


# Rules of our own that axe does not check: 20 px text, line height 1.5, no italics, no capitals,
# left-aligned text, targets of 44 x 44 px.
LAYOUT_PROBLEMS = """
const problems = [];
const visible = (el) => {
  if (el.closest('.visually-hidden')) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
};
const label = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
  ' "' + (el.textContent || el.value || '').trim().slice(0, 40) + '"';
const body = getComputedStyle(document.body);
if (parseFloat(body.fontSize) < 20) problems.push('body text under 20px: ' + body.fontSize);
if (parseFloat(body.lineHeight) / parseFloat(body.fontSize) < 1.5) problems.push('body line height under 1.5');
for (const el of document.querySelectorAll('body *')) {
  const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!ownText || !visible(el) || el.closest('.skip-link')) continue;
  const cs = getComputedStyle(el);
  if (cs.fontStyle !== 'normal') problems.push('italic text: ' + label(el));
  if (cs.textTransform === 'uppercase') problems.push('text in capitals: ' + label(el));
  if (parseFloat(cs.fontSize) < 20) problems.push('text under 20px (' + cs.fontSize + '): ' + label(el));
  if (!el.closest('button, .button') && ['center', 'justify', 'right', 'end'].includes(cs.textAlign))
    problems.push('text not left-aligned: ' + label(el));
  const lh = parseFloat(cs.lineHeight);
  if (!el.closest('h1, h2, h3, h4, button, .button') && lh / parseFloat(cs.fontSize) < 1.5)
    problems.push('line height under 1.5: ' + label(el));
}
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  if (!visible(el) || el.classList.contains('skip-link')) continue;
  const cs = getComputedStyle(el);
  const parentText = [...el.parentElement.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (el.tagName === 'A' && cs.display === 'inline' && parentText) continue;  // a link inside a sentence
  const r = el.getBoundingClientRect();
  if (r.width < 44 || r.height < 44)
    problems.push('target under 44x44 (' + Math.round(r.width) + 'x' + Math.round(r.height) + '): ' + label(el));
}
return problems;
"""


def layout_problems(driver) -> list[str]:
    return driver.execute_script(LAYOUT_PROBLEMS)


def overflows_at_width(driver, width: int) -> int:
    """How many CSS pixels the page shown scrolls sideways at this viewport width (0 is right).
    The viewport is resized, not the page reloaded: the layout follows, and a form's error
    state (the answer to a POST) stays on screen."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        return driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def easy_to_read_problems(driver) -> list[str]:
    """The FALC findings on the page as the browser shows it now (after any htmx swap)."""
    from dmp_web.texts.page_text import check_page

    return [f"FALC {finding}" for finding in check_page(driver.page_source).findings]


# Chromium sometimes answers a click with this: the node was found in a document it has just
# replaced (a race in its inspector, seen about once in 400 clicks). The click did not happen.
_REPLACED = "does not belong to the document"


def click_and_wait(driver, find, attempts: int = 3) -> None:
    """Click the element find() returns, then wait for the next page; find it again after the race."""
    for attempt in range(attempts):
        old = driver.find_element(By.TAG_NAME, "html")
        try:
            find().click()
        except WebDriverException as exc:
            raced = isinstance(exc, StaleElementReferenceException) or _REPLACED in str(exc)
            if not raced or attempt == attempts - 1:
                raise
            continue
        WebDriverWait(driver, 10).until(lambda _, old=old: _replaced(old))
        return


def _replaced(element) -> bool:
    """The element's page is gone. Chromium says so with a stale reference, or, in a race,
    with the «does not belong to the document» error (selenium's staleness_of misses that one)."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if _REPLACED in str(exc):
            return True
        raise
    return False

