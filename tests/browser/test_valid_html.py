"""Valid HTML on every page the browser tests checked: the Nu HTML Checker (vnu.jar) validates
them all in one Java run. This module runs after every other test of the session (the hook in
conftest.py moves it last); run alone, it has no page to check and fails."""
from __future__ import annotations

from collections import Counter

import pytest

from ..html_check import HtmlError, missing_checker, validate

BAD_PAGE = "la page mauvaise exprès (/essai/mauvaise-page)"


@pytest.fixture(scope="module")
def html_errors(browser, live_server, checked_pages) -> dict[str, list[HtmlError]]:
    problem = missing_checker()
    if problem:
        pytest.fail(problem, pytrace=False)  # never skipped: a missing checker is a failure
    browser.get(live_server.url + "/essai/mauvaise-page")
    return validate({**checked_pages, BAD_PAGE: live_server.html_shown(browser)})


def test_the_html_check_reports_the_errors_of_a_bad_page(html_errors):
    """Guards the guard: the page broken on purpose has an image without alt text."""
    assert any("“img” element must have an “alt” attribute" in e.message for e in html_errors.get(BAD_PAGE, []))


def test_every_page_the_browser_tests_checked_is_valid_html(checked_pages, html_errors):
    assert len(checked_pages) > 0, "no page was collected: run this module with the other browser tests"
    errors = {page: found for page, found in html_errors.items() if page != BAD_PAGE}
    assert errors == {}, f"{len(errors)} of {len(checked_pages)} pages are not valid HTML.\n" + report(errors)


def report(errors: dict[str, list[HtmlError]]) -> str:
    """Each kind of error with the number of pages it is on, then each page's errors."""
    kinds = Counter(message for found in errors.values() for message in {e.message for e in found})
    return "\n".join(
        [f"{count:4} pages: {kind}" for kind, count in kinds.most_common()]
        + [f"- {page}:\n    " + "\n    ".join(map(str, found)) for page, found in errors.items()])
