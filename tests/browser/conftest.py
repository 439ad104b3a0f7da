from __future__ import annotations

import pytest

from dmp_web.demo import DEMO_LOGIN, DIRECTORY

from ..conftest import make_app
from .harness import LiveServer, missing_browser, start_chromium, stop_chromium
from .walker import Walker


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    # PROPAGATE_EXCEPTIONS off: our 500 page. A waiting page reloads itself every 5 s in the
    # product; here every 60 s, so that no reload replaces a page while its checks run.
    app = make_app(tmp_path_factory.mktemp("live"), PROPAGATE_EXCEPTIONS=False, DMP_REFRESH_SECONDS=60)
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
    """Each browser test starts logged out: no session carries over from the test before; and
    as on a new day for the demo accounts' codes (the live server's clock never moves, and the
    tests together log them in more often than the daily cap of codes allows)."""
    if "browser" in request.fixturenames:
        request.getfixturevalue("browser").delete_all_cookies()
    if "live_server" in request.fixturenames:
        repos = request.getfixturevalue("live_server").app.extensions["dmp.repos"]
        with repos.accounts.updating(DEMO_LOGIN["dossier_id"]) as account:
            account.otp_sends = []
        for actor in DIRECTORY:
            with repos.directory.updating_account(repos.directory.login_id_of(actor)) as account:
                account.otp_sends = []
