"""A browser user that checks every page it lands on: axe, our layout rules, easy-to-read text;
and keeps each page's HTML for the HTML check (test_valid_html.py)."""
from __future__ import annotations

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .harness import click_and_wait, describe, easy_to_read_problems, layout_problems, run_axe


class Walker:
    """Drives the browser like a person and checks each page it lands on."""

    def __init__(self, browser, server, pages: dict[str, str] | None = None, test: str = ""):
        self.browser = browser
        self.server = server
        self.pages = pages  # the browser tier's collection, by "test · state" (the TLS tier keeps none)
        self.test = test
        self.visited: set[str] = set()
        self.problems: list[str] = []

    @property
    def notifier(self):
        return self.server.app.extensions["dmp.notifier"]

    def check(self, state: str) -> None:
        path = urlparse(self.browser.current_url).path
        self.visited.add(path)
        if self.pages is not None:
            self.keep_html(state)
        violations = run_axe(self.browser)
        if violations:
            self.problems.append(f"{state} ({path}):\n{describe(violations)}")
        for problem in layout_problems(self.browser) + easy_to_read_problems(self.browser):
            self.problems.append(f"{state} ({path}): {problem}")

    def keep_html(self, state: str) -> None:
        name = f"{self.test} · {state}"
        while name in self.pages:  # a state seen twice in one test
            name += " (encore)"
        self.pages[name] = self.server.html_shown(self.browser)

    def go(self, path: str, state: str) -> None:
        self.browser.get(self.server.url + path)
        self.check(state)

    def follow(self, link_text: str, state: str) -> None:
        """Click a link and wait for the next page before checking it (a click does not wait)."""
        click_and_wait(self.browser, lambda: self.browser.find_element(By.LINK_TEXT, link_text))
        self.check(state)

    def fill(self, values: dict) -> None:
        for name, value in values.items():
            field = self.browser.find_element(By.CSS_SELECTOR, f"main form [name='{name}']")
            if field.tag_name == "select":
                Select(field).select_by_value(value)
            elif field.get_attribute("type") in ("radio", "checkbox"):
                self.browser.find_element(By.CSS_SELECTOR, f"main form [name='{name}'][value='{value}']").click()
            else:
                field.clear()
                field.send_keys(value)

    def submit(self, values: dict, state: str, button: str | None = None) -> None:
        self.fill(values)
        locator = (By.XPATH, f"//main//button[normalize-space()='{button}']") if button else \
            (By.CSS_SELECTOR, "main form button[type=submit]")
        click_and_wait(self.browser, lambda: self.browser.find_element(*locator))
        self.check(state)

    def press_answers(self, answers: dict, state: str) -> None:
        """Questions answered by buttons, one per page (forms/buttons.py): presses each answer's
        button in turn (« Oui » for yes, « Non » for no); state names the pages landed on."""
        for number, answer in enumerate(answers.values(), 1):
            self.submit({}, f"{state}, après la question {number}", button={"yes": "Oui", "no": "Non"}[answer])

    def submit_without_button(self, state: str) -> None:
        """Send the page's form with no button pressed, as a script would: the error state of a
        question answered by pressing « Oui » or « Non » (forms/buttons.py)."""
        click_and_wait(self.browser, lambda: _FormSubmitter(self.browser))
        self.check(state)

    def text(self, element_id: str) -> str:
        return self.browser.find_element(By.ID, element_id).text

    def title(self) -> str:
        return self.browser.title


class _FormSubmitter:
    """Stands for a button for click_and_wait: its click sends the main form, no button pressed."""

    def __init__(self, browser):
        self.browser = browser

    def click(self) -> None:
        self.browser.execute_script("document.querySelector('main form').submit()")
