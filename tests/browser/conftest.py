from __future__ import annotations

import pytest

from ..conftest import make_app
from .harness import LiveServer, missing_browser, start_chromium, stop_chromium
from .walker import Walker


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("live"), PROPAGATE_EXCEPTIONS=False)  # show our 500 page
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)  # never skipped: a missing browser is a failure
    driver = start_chromium()
    yield driver
    stop_chromium(driver)


@pytest.fixture
def walker(browser, live_server):
    """A fresh visitor (no cookies) who checks every page with axe and our layout rules."""
    browser.delete_all_cookies()
    return Walker(browser, live_server)


@pytest.fixture(autouse=True)
def fresh_browser_session(request):
    """Each browser test starts logged out: no session carries over from the test before."""
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").delete_all_cookies()
