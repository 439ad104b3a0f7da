"""« Créer votre DMP » one question per page (issue 17, item 5), with no JavaScript: each page asks
one thing, the answers wait in the session, « Vérifiez vos réponses » shows them all with a
« Modifier » link each, and a refused creation comes back there with its one message."""
from __future__ import annotations

from dmp_web.texts.page_text import check_page
from dmp_web.web.creation import NO_MATCH

from ..conftest import CheckedClient, field_error, make_app
from .patient_journey import CHECK_ANSWERS, CREATION_PAGES, MARCEL, ask_creation_code, submit_creation

START = "/creer/dossier"


def _answers(code: str, **overrides) -> dict:
    return {"code": code, "nir": MARCEL.nir, "vitale_type": MARCEL.vitale_type,
            "vitale_serial": MARCEL.vitale_serial, "mobile": "06 12 34 56 78", "email": "", "accept_terms": "y",
            **overrides}


def _controls(page) -> set[str]:
    names = {c.get("name") for c in page.soup.main.select("form input, form button, form select, form textarea")}
    return names - {None, "csrf_token"}


def _answer_all_but_the_check(client, answers):
    for path, names in CREATION_PAGES:
        assert client.submit(path, {n: answers[n] for n in names}).status_code == 302, path


def test_each_page_asks_one_question_and_leads_to_the_next(client, notifier):
    ask_creation_code(client)
    answers = _answers(notifier.last_creation_code())
    for number, (path, names) in enumerate(CREATION_PAGES, 1):
        page = client.get(path)
        assert page.status_code == 200, path
        assert _controls(page) == set(names), path
        assert f"Question {number} sur 6" in page.soup.main.get_text(" ", strip=True)
        report = check_page(page.get_data(as_text=True))
        assert report.ok, (path, report.findings)
        following = CREATION_PAGES[number][0] if number < len(CREATION_PAGES) else CHECK_ANSWERS
        assert client.submit(path, {n: answers[n] for n in names}).headers["Location"] == following


def test_the_card_type_is_pressed_never_pre_selected(client, notifier):
    ask_creation_code(client)
    client.submit(START, {"code": notifier.last_creation_code()})
    client.submit("/creer/dossier?question=numero", {"nir": MARCEL.nir})
    page = client.get("/creer/dossier?question=carte")
    assert page.soup.main.select("input[type=radio]") == []
    assert [(b["value"], b.get_text(strip=True)) for b in page.soup.main.select("button[name=vitale_type]")] == [
        ("without_photo", "Sans photo"), ("with_photo", "Avec photo")]


def test_a_later_question_sends_back_to_the_first_one_not_answered(client, notifier):
    assert client.get("/creer/dossier?question=contact").headers["Location"] == START
    assert client.get(CHECK_ANSWERS).headers["Location"] == START
    ask_creation_code(client)
    client.submit(START, {"code": notifier.last_creation_code()})
    assert client.get("/creer/dossier?question=accord").headers["Location"] == "/creer/dossier?question=numero"
    assert client.get("/creer/dossier?question=inconnue").status_code == 404


def test_check_your_answers_shows_each_answer_with_its_modifier_link(client, notifier):
    ask_creation_code(client)
    code = notifier.last_creation_code()
    _answer_all_but_the_check(client, _answers(code, email="marcel@example.org"))
    page = client.get(CHECK_ANSWERS)
    assert page.soup.h1.get_text(strip=True) == "Vérifiez vos réponses"
    shown = {node["id"]: node.get_text(" ", strip=True) for node in page.soup.select("#reponses dd > span")}
    assert shown == {
        "reponse-code": " ".join(code[i:i + 4] for i in range(0, 12, 4)),
        "reponse-nir": MARCEL.nir,
        "reponse-carte": "Avec photo" if MARCEL.vitale_type == "with_photo" else "Sans photo",
        "reponse-serie": MARCEL.vitale_serial, "reponse-portable": "0612345678",
        "reponse-email": "marcel@example.org", "reponse-accord": "Oui, vous avez lu et accepté les règles du DMP.",
    }
    links = [a["href"] for a in page.soup.select("#reponses a")]
    assert links == [START] + [path for path, _ in CREATION_PAGES[1:5]] + ["/creer/dossier?question=contact"]
    assert all(a.get_text(" ", strip=True).startswith("Modifier") for a in page.soup.select("#reponses a"))
    report = check_page(page.get_data(as_text=True))
    assert report.ok, report.findings


def test_modifier_shows_the_answer_and_comes_back_to_the_check_page(client, notifier):
    ask_creation_code(client)
    _answer_all_but_the_check(client, _answers(notifier.last_creation_code()))
    page = client.get("/creer/dossier?question=contact")
    assert page.soup.find(id="mobile")["value"] == "0612345678"  # what was answered
    changed = client.submit("/creer/dossier?question=contact", {"mobile": "", "email": "marcel@example.org"})
    assert changed.headers["Location"] == CHECK_ANSWERS  # not the next question: all are answered
    shown = client.get(CHECK_ANSWERS).soup
    assert shown.find(id="reponse-portable").get_text(strip=True) == "Aucun"
    assert shown.find(id="reponse-email").get_text(strip=True) == "marcel@example.org"


def test_every_error_of_a_page_shows_at_once(client, notifier):
    ask_creation_code(client)
    client.submit(START, {"code": notifier.last_creation_code()})
    client.submit("/creer/dossier?question=numero", {"nir": MARCEL.nir})
    client.submit("/creer/dossier?question=carte", {"vitale_type": MARCEL.vitale_type})
    client.submit("/creer/dossier?question=numero-de-serie", {"vitale_serial": MARCEL.vitale_serial})
    page = client.submit("/creer/dossier?question=contact", {"mobile": "0123456789", "email": "marcel@"})
    assert field_error(page.soup, "mobile") == "Le numéro de portable commence par 06 ou 07"
    assert field_error(page.soup, "email") == "Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr"
    assert len(page.soup.select(".error-summary li")) == 2


def test_a_refused_creation_comes_back_to_the_check_page_with_its_answers(client, notifier, app):
    ask_creation_code(client)
    good = notifier.last_creation_code()
    page = submit_creation(client, _answers("AAAA" * 3))
    assert page.status_code == 200 and page.soup.title.get_text().startswith("Erreur : ")
    summary = page.soup.select_one(".error-summary a")
    assert summary.get_text(strip=True) == NO_MATCH and summary["href"] == "#reponses"
    assert page.soup.find(id="reponse-nir").get_text(strip=True) == MARCEL.nir  # nothing to type again
    assert app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir) is None
    assert client.submit(START, {"code": good}).headers["Location"] == CHECK_ANSWERS  # « Modifier » the code
    assert client.submit(CHECK_ANSWERS, {}).headers["Location"] == "/creer/termine"
    assert client.get(CHECK_ANSWERS).headers["Location"] == START  # created: the answers are gone


def test_the_check_page_is_counted_by_the_nir_of_the_answers(tmp_path):
    """The per-NIR limit of the creation (web/limits.py) counts at « Vérifiez vos réponses », where
    the NIR is in the session, whatever the addresses."""
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    app.test_client_class = CheckedClient
    statuses = []
    for n in range(11):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
        statuses.append(submit_creation(client, _answers("AAAA" * 3)).status_code)
    assert statuses == [200] * 10 + [429]
