from __future__ import annotations

import pytest

from ..conftest import make_app
from .demo_state import DemoState
from .harness import LiveServer, missing_browser, start_chromium, stop_chromium
from .walker import Walker

VALID_HTML_MODULE = "test_valid_html.py"


def pytest_collection_modifyitems(items):
    """The HTML check validates the pages the other browser tests collected: it runs last."""
    items.sort(key=lambda item: item.path.name == VALID_HTML_MODULE)  # a stable sort keeps the rest in order


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    # PROPAGATE_EXCEPTIONS off: our 500 page. A waiting page reloads itself every 5 s in the
    # product; here every 60 s, so that no reload replaces a page while its checks run.
    root = tmp_path_factory.mktemp("live")
    app = make_app(root, PROPAGATE_EXCEPTIONS=False, DMP_REFRESH_SECONDS=60)
    with LiveServer(app) as server:
        server.demo = DemoState(app, root, tmp_path_factory.mktemp("live-demo"))
        yield server


@pytest.fixture(scope="session")
def browser():
    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)  # never skipped: a missing browser is a failure
    driver = start_chromium()
    yield driver
    stop_chromium(driver)


@pytest.fixture(scope="session")
def checked_pages() -> dict[str, str]:
    """The HTML of every page the browser tests checked, by test and state, for test_valid_html.py."""
    return {}


@pytest.fixture
def walker(browser, live_server, checked_pages, request):
    """A fresh visitor (no cookies) who checks every page with axe and our layout rules."""
    return Walker(browser, live_server, checked_pages, request.node.name)


@pytest.fixture(autouse=True)
def demo_data(request):
    """Each browser test starts logged out, on the demo data as loaded (demo_state.py): nothing
    a test before did, or left half done when it failed, carries over."""
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        browser.get("about:blank")  # the page before sends no more requests
        browser.delete_all_cookies()
    if "live_server" in request.fixturenames:
        server = request.getfixturevalue("live_server")
        server.wait_until_idle()
        server.demo.put_back()
