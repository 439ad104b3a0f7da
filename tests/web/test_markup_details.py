"""Accessibility details that axe does not look for, on the pages as the test client gets them:
htmx attributes in their valid form (data-hx-*), a name on each form of a list, decorative
pictograms beside a heading, inputs wide enough for a text browser, the focus on the code field."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from ..pages import pages_to_visit
from .pro_journey import DOSSIER, DURAND, LEFEVRE, PETIT, log_out, pro_log_in
from .test_patient_documents import patient_log_in

PICTO = "img[src*='/static/pictos/']"
TEXT_TYPES = {"text", "email", "tel", "search", "password"}


def public_pages(app, client) -> dict[str, BeautifulSoup]:
    """Every page of the site map and the sample visits (tests/pages.py), by name."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the sample error pages, as a visitor sees them
    pages = {}
    for visit in pages_to_visit(app):
        if visit.login:
            continue  # a page of someone logged in: patient_pages below, logged in
        response = client.submit(visit.path, {}) if visit.submit_empty else client.get(visit.path)
        pages[visit.name] = response.soup
    return pages


def patient_pages(client, notifier) -> dict[str, BeautifulSoup]:
    """The demo patient's pages that hold lists, ideas and forms (she is logged in)."""
    patient_log_in(client, notifier)
    paths = ["/mon-dmp", "/mon-dmp/documents", "/mon-dmp/gestion", "/mon-dmp/gestion/bloquer?q=haddad",
             "/mon-dmp/volontes", "/mon-dmp/historique", "/mon-dmp/informations/e-mail", "/mon-dmp/je-me-fais-aider",
             "/mon-dmp/gestion/aidants", "/mon-dmp/gestion/aidants/inviter"]
    return {path: client.get(path).soup for path in paths}


def accessible_name(soup, tag) -> str:
    """The name a screen reader gives a form: its aria-labelledby targets' text, else aria-label."""
    if tag.get("aria-labelledby"):
        return " ".join(soup.find(id=ref).get_text(" ", strip=True) for ref in tag["aria-labelledby"].split())
    return tag.get("aria-label", "").strip()


def htmx_attributes(soup) -> set[str]:
    return {name for tag in soup.find_all(True) for name in tag.attrs if "hx-" in name}


def test_htmx_attributes_are_all_in_their_valid_form_data_hx(app, client, notifier):
    soups = list(public_pages(app, client).values()) + list(patient_pages(client, notifier).values())
    # the fragments htmx swaps in are HTML too
    fragments = [
        client.get("/session/avis", headers={"HX-Request": "true"}),
        client.post("/mon-dmp/documents/d0c0000000000002/acces", headers={"HX-Request": "true"},
                    data={"csrf_token": client.csrf_token("/mon-dmp/documents"), "hidden": "1"}),
        client.get("/mon-dmp/historique?acces=tous", headers={"HX-Request": "true"}),
    ]
    soups += [BeautifulSoup(f.get_data(as_text=True), "html.parser") for f in fragments]
    seen = set().union(*(htmx_attributes(soup) for soup in soups))
    assert {name for name in seen if not name.startswith("data-hx-")} == set()  # the Nu checker rejects hx-*
    # and htmx still has what it reads: every attribute the templates use
    assert seen == {f"data-hx-{n}" for n in ("get", "post", "target", "swap", "trigger", "swap-oob")}


def test_each_form_of_a_list_is_named_after_the_document_or_person_it_acts_on(client, notifier):
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/gestion/droits", {"rpps": LEFEVRE})
    client.post("/mon-dmp/gestion/bloquer", data={"csrf_token": client.csrf_token("/mon-dmp/gestion"), "rpps": PETIT})
    lists = {  # each list, how many forms it shows at least, and what a row is about
        "/mon-dmp/documents": (4, lambda row: row.a.get_text(strip=True)),  # the document's title
        "/mon-dmp/gestion": (2, lambda row: row.strong.get_text(strip=True)),  # the person's name
        "/mon-dmp/gestion/bloquer?q=haddad": (1, lambda row: row.strong.get_text(strip=True)),
    }
    for path, (least, item_of) in lists.items():
        soup = client.get(path).soup
        rows = [row for row in soup.select("main li.document-row") if row.form]
        assert len(rows) >= least, path
        names = [accessible_name(soup, row.form) for row in rows]
        for row, name in zip(rows, names, strict=True):
            assert item_of(row) in name, (path, name)
        assert len(set(names)) == len(names), (path, names)


def picture_is_named(picture) -> bool:
    """A heading beside the drawing, or a link that opens its text column, names its idea."""
    column = picture.find_next_sibling()
    first = column.find(True) if column else None
    return bool(column and (column.find(re.compile(r"^h[1-6]$")) or (first is not None and first.name == "a")))


def test_a_pictogram_beside_a_heading_is_decorative_and_one_beside_plain_text_is_described(app, client, notifier):
    soups = list(public_pages(app, client).values()) + list(patient_pages(client, notifier).values())
    soups += [client.get(f"/guides/{slug}").soup for slug in ("me-connecter", "mes-droits")]
    named, described = 0, 0
    for soup in soups:
        for picture in soup.main.select(PICTO):
            if picture_is_named(picture):
                assert picture["alt"] == "", (soup.title.string, picture)  # «Une clé» before «Me connecter»: noise
                named += 1
            else:
                assert picture["alt"].strip(), (soup.title.string, picture)
                described += 1
    assert named > 50 and described >= 3  # the home's first idea, each guide's introduction


def test_text_inputs_are_wide_enough_for_their_content_in_a_text_browser(app, client, notifier):
    soups = list(public_pages(app, client).values()) + list(patient_pages(client, notifier).values())
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DURAND)
    soups += [client.get(path).soup for path in ("/pro/trouver", f"/pro/dmp/{DOSSIER}/deposer")]
    inputs = [i for soup in soups for i in soup.find_all("input") if i.get("type", "text") in TEXT_TYPES]
    assert all(i.has_attr("size") for i in inputs), [str(i) for i in inputs if not i.has_attr("size")]
    sizes = {}
    for field in inputs:
        sizes.setdefault(field["name"], set()).add(int(field["size"]))
    at_least = {"email": 40, "email_confirm": 40, "title": 40, "nir": 21, "nir_confirm": 21,
                "identifier": 22, "login_id": 20, "code": 10, "birth_date": 10, "document_date": 10}
    assert set(at_least) <= set(sizes)
    for name, least in at_least.items():
        assert min(sizes[name]) >= least, (name, sizes[name])
    assert not [i for soup in soups for i in soup.select("input[type=file][size]")]  # not valid there


def autofocused(soup) -> list[str]:
    return [tag.get("id") or tag.get("class")[0] for tag in soup.find_all(autofocus=True)]


def test_the_code_pages_put_the_focus_on_the_code_and_no_other_page_does(app, client, notifier, clock):
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    assert autofocused(client.get("/connexion/code").soup) == ["code"]
    wrong = client.submit("/connexion/code", {"code": "1"})
    assert autofocused(wrong.soup) == ["error-summary"]  # an error: its summary takes the focus instead
    client.submit("/connexion/code", {"code": notifier.last_otp()})
    client.submit("/mon-dmp/informations/e-mail", {"email": "autre@example.org", "email_confirm": "autre@example.org"})
    assert autofocused(client.get("/mon-dmp/informations/e-mail/code").soup) == ["code"]
    clock.advance(minutes=2)
    client.submit("/mon-dmp/informations/telephone", {"mobile": "0698765432", "mobile_confirm": "0698765432"})
    assert autofocused(client.get("/mon-dmp/informations/telephone/code").soup) == ["code"]
    log_out(client, "/mon-dmp")
    clock.advance(minutes=2)
    pro_log_in_page = client.submit("/pro/connexion", {"login_id": DURAND, "password": "demo-dmp-2026"},
                                    follow_redirects=True)
    assert autofocused(pro_log_in_page.soup) == ["code"]
    other = app.test_client()
    other.submit("/mot-de-passe-oublie", {"login_id": "fro7510", "nir": "275051305511212",
                                          "birth_date": "05/05/1975"})
    assert autofocused(other.get("/mot-de-passe-oublie/code").soup) == ["code"]
    for name, soup in public_pages(app, app.test_client()).items():  # forms without a code: no focus moved
        assert set(autofocused(soup)) <= {"error-summary"}, name
