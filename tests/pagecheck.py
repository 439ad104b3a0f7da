"""Checks every HTML page must pass, run on each page the test client fetches."""
from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup

REQUIRED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class PageProblem(AssertionError):
    pass


def text_of(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def language_problems(soup: BeautifulSoup) -> list[str]:
    html_tag = soup.find("html")
    if not html_tag or html_tag.get("lang") != "fr":
        return ['<html> must have lang="fr"']
    return []


def heading_problems(soup: BeautifulSoup) -> list[str]:
    problems: list[str] = []
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"one h1 expected, found {len(h1s)}")
    title = text_of(soup.title) if soup.title else ""
    if h1s:
        h1 = text_of(h1s[0])
        if title not in (f"{h1} – DMP", f"Erreur : {h1} – DMP"):
            problems.append(f"title {title!r} must be the h1 {h1!r} followed by ' – DMP'")
        if title.startswith("Erreur : ") != bool(soup.select(".error-summary")):
            problems.append("'Erreur : ' starts the title exactly when an error summary is shown")
    return problems


def duplicate_id_problems(soup: BeautifulSoup) -> list[str]:
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        return [f"duplicate ids: {duplicates}"]
    return []


def landmark_problems(soup: BeautifulSoup) -> list[str]:
    problems = [f"missing <{landmark}> landmark" for landmark in ("header", "nav", "main", "footer")
                if not soup.find(landmark)]
    first_link = soup.find("a")
    if not first_link or first_link.get("href") != "#contenu" or not soup.find(id="contenu"):
        problems.append("the first link must be the skip link to #contenu")
    return problems


def form_problems(soup: BeautifulSoup) -> list[str]:
    problems: list[str] = []
    for form in soup.find_all("form"):
        if not form.get("action") or not form.get("method"):
            problems.append(f"form without action or method: {form.get('action')!r}")
        if form.get("method", "").lower() == "post":
            if not form.find("input", attrs={"name": "csrf_token", "type": "hidden"}):
                problems.append(f"POST form {form.get('action')!r} has no CSRF token")
            if not form.has_attr("novalidate"):
                problems.append(f"form {form.get('action')!r} lacks novalidate")
    return problems


def label_problems(soup: BeautifulSoup) -> list[str]:
    problems: list[str] = []
    for control in soup.find_all(["input", "select", "textarea"]):
        if control.get("type") in ("hidden", "submit"):
            continue
        cid = control.get("id")
        if not cid or not soup.find("label", attrs={"for": cid}):
            problems.append(f"form control {control.get('name')!r} has no <label for>")
    for tag in soup.find_all(attrs={"aria-describedby": True}):
        for ref in tag["aria-describedby"].split():
            if not soup.find(id=ref):
                problems.append(f"aria-describedby points at missing id {ref!r}")
    return problems


def pictogram_problems(soup: BeautifulSoup) -> list[str]:
    # easy-to-read: the page's main idea has its drawing beside it; each drawing has an alt, empty
    # when a heading beside it names the idea (templates/macros/easy.html)
    problems: list[str] = []
    main = soup.find("main")
    pictograms = main.select("img[src*='/static/pictos/']") if main else []
    if main and not pictograms:
        problems.append("no pictogram beside the page's main idea")
    if any(not img.has_attr("alt") for img in pictograms):
        problems.append("a pictogram without an alt attribute")
    return problems


def inline_code_problems(soup: BeautifulSoup) -> list[str]:
    problems = ["inline <script> (the CSP forbids it)" for script in soup.find_all("script") if not script.get("src")]
    if soup.find("style") or soup.find(style=True):
        problems.append("inline style (the CSP forbids it)")
    return problems


def header_problems(headers) -> list[str]:
    problems = [f"header {name} must be {value!r}" for name, value in REQUIRED_HEADERS.items()
                if headers.get(name) != value]
    csp = headers.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp:
        problems.append("Content-Security-Policy must forbid framing and inline code")
    if "no-store" not in headers.get("Cache-Control", ""):
        problems.append("pages must be sent with Cache-Control: no-store")
    return problems


PAGE_CHECKS = (language_problems, heading_problems, duplicate_id_problems, landmark_problems, form_problems,
               label_problems, pictogram_problems, inline_code_problems)


def check_page(html: str, headers=None, url: str = "") -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    problems = [problem for check in PAGE_CHECKS for problem in check(soup)]
    if headers is not None:
        problems += header_problems(headers)
    if problems:
        raise PageProblem(f"{url}: " + "; ".join(problems))
    return soup
