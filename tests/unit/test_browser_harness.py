"""The browser harness waits for a new page even when Chromium reports the old one in a race."""
import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

from ..browser.harness import _replaced, click_and_wait


class Element:
    def __init__(self, raises=None):
        self.raises = raises
        self.clicks = 0

    def is_enabled(self):
        if self.raises:
            raise self.raises
        return True

    def click(self):
        self.clicks += 1


RACE = WebDriverException('unknown error: {"message":"Node with given id does not belong to the document"}')


def test_a_page_is_replaced_when_its_node_is_stale_or_reported_in_another_document():
    assert _replaced(Element(StaleElementReferenceException("stale"))) is True
    assert _replaced(Element(RACE)) is True
    assert _replaced(Element()) is False
    with pytest.raises(WebDriverException, match="chrome not reachable"):
        _replaced(Element(WebDriverException("chrome not reachable")))


class Driver:
    """The old page's <html> goes stale once a click has landed."""

    def __init__(self):
        self.html = Element()

    def find_element(self, *_):
        return self.html


def test_a_click_lost_in_the_race_is_made_again_and_waits_for_the_new_page():
    driver, button = Driver(), Element()
    attempts = iter([RACE, None])

    def find():
        problem = next(attempts)
        if problem:
            raise problem
        driver.html.raises = StaleElementReferenceException("gone")  # the click loads a new page
        return button

    click_and_wait(driver, find)
    assert button.clicks == 1
