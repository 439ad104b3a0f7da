"""« Je ne connais pas cette personne » through the real routes: the link on a professional's line
of the history, the report (with or without a block, the médecin traitant who cannot be blocked),
the desk agents' queue that only they reach, the handling with a note, and the report's state on
the patient's history line; every step journaled and told in French."""
from __future__ import annotations

from ..conftest import field_error
from .pro_journey import DOSSIER, DURAND, FATIMA_NIR, PETIT, journal, log_out, pro_log_in
from .test_history import HISTORY, NOW, lines, patient_log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

DESK_AGENT = "cpam0001"  # Nadia Benoît, CPAM de Paris
LINK = "Je ne connais pas cette personne"
QUEUE = "/pro/signalements"
SENTENCE = "Je ne suis jamais allée dans cette pharmacie."
NOTE = "Nous avons appelé la pharmacie. Elle s’est trompée de patient."
TODAY = "23 novembre 2026"


def opens_the_dossier(client, notifier, rpps: str) -> None:
    pro_log_in(client, notifier, rpps)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
    log_out(client, "/pro")


def entries(soup):
    return soup.select("#historique-liste li.history-entry")


def report_links(soup) -> list[tuple[str, str]]:
    """(the line's sentence, the link's address) of every line that offers to report."""
    found = []
    for li in entries(soup):
        link = next((a for a in li.find_all("a") if a.get_text(strip=True).startswith(LINK)), None)
        if link is not None:
            found.append((li.find_all("p")[1].get_text(" ", strip=True), link["href"]))
    return found


def report_page_of(client, notifier, name: str) -> str:
    """The patient logs in and follows the link of the newest line of this professional."""
    patient_log_in(client, notifier)
    return next(href for text, href in report_links(client.get(HISTORY).soup) if text.startswith(name))


def send_report(client, path: str, **data):
    return client.submit(path, data, follow_redirects=True)


def flashes(page) -> str:
    return page.soup.find(id="flash-area").get_text(" ", strip=True)


def test_the_link_shows_on_a_professionals_line_and_not_on_the_patients_own_lines(client, notifier):
    opens_the_dossier(client, notifier, PETIT)
    patient_log_in(client, notifier)
    page = client.get(HISTORY, query_string={"acces": "tous"}).soup  # the patient's own lines too
    offered = report_links(page)
    assert [text for text, _ in offered] == ["Claire Petit (pharmacienne) a ouvert votre DMP."]
    own = [li for li in entries(page) if li.find_all("p")[1].get_text(strip=True).startswith("Vous")]
    assert own and all(li.find("a") is None for li in own)
    report = client.get(offered[0][1]).soup
    assert report.h1.get_text(strip=True) == LINK
    summary = report.select_one("dl.summary-list").get_text(" ", strip=True)
    assert f"Claire Petit (pharmacienne) Numéro RPPS {PETIT} Quand Le {TODAY} à 10 h 00" in summary
    assert report.find("input", attrs={"name": "block", "type": "checkbox"}) is not None


def test_a_line_that_is_not_a_professionals_access_has_no_report_page(client, notifier):
    patient_log_in(client, notifier)
    assert client.get("/mon-dmp/historique/signaler/0").status_code == 404  # the dossier's creation
    assert client.get("/mon-dmp/historique/signaler/99999").status_code == 404
    log_out(client, "/mon-dmp")
    assert client.get("/mon-dmp/historique/signaler/0").headers["Location"].startswith("/connexion")


def test_a_report_without_a_block_reaches_the_desk_agents_queue(client, notifier, app):
    opens_the_dossier(client, notifier, PETIT)
    path = report_page_of(client, notifier, "Claire Petit")
    done = send_report(client, path, sentence=SENTENCE)
    assert "Votre signalement est envoyé à la caisse." in flashes(done)
    assert "bloqué" not in flashes(done)
    assert PETIT not in app.extensions["dmp.repos"].dossiers.get(DOSSIER).blocked_rpps
    last = journal(app)[-2]  # then the history's own reading, after the redirect
    assert (last.actor_kind, last.action, last.allowed) == ("holder", "professional_reported", True)
    assert "Signalé le" in " ".join(lines(done.soup))  # the history's default view: the carers' lines
    everything = lines(client.get(HISTORY, query_string={"acces": "tous"}).soup)
    assert f"{NOW} | Vous avez signalé Claire Petit. Vous ne connaissez pas cette personne." in everything
    log_out(client, "/mon-dmp")

    pro_log_in(client, notifier, DESK_AGENT)
    home = client.get("/pro").soup.main
    assert "Il y a 1 signalement à traiter." in home.get_text(" ", strip=True)
    assert home.find("a", string="Voir les signalements des patients")["href"] == QUEUE
    queue = client.get(QUEUE).soup.main
    shown = queue.select_one("dl.summary-list").get_text(" ", strip=True)
    ins_c = app.extensions["dmp.repos"].dossiers.get(DOSSIER).ins_c
    for seen in ("Fatima ROCHE", ins_c, "Claire Petit (pharmacienne)", PETIT, SENTENCE,
                 "Le patient n’a pas bloqué ce soignant."):
        assert seen in shown, seen
    text = queue.get_text(" ", strip=True)
    assert FATIMA_NIR not in text.replace(" ", "") and "1975" not in text  # never the NIR nor the birth date
    assert "Consultation" not in text  # nor a document


def test_a_report_with_a_block_blocks_the_professional_and_both_are_journaled(client, notifier, app):
    opens_the_dossier(client, notifier, PETIT)
    done = send_report(client, report_page_of(client, notifier, "Claire Petit"), sentence="", block="y")
    assert "Ce soignant est bloqué. Il ne peut plus ouvrir votre DMP." in flashes(done)
    assert PETIT in app.extensions["dmp.repos"].dossiers.get(DOSSIER).blocked_rpps
    blocked, reported = journal(app)[-3:-1]  # then the history's own reading
    assert (blocked.action, blocked.allowed, blocked.detail["change"]["what"]) == ("manage", True,
                                                                                    "professional_blocked")
    assert reported.action == "professional_reported"
    shown = lines(client.get(HISTORY, query_string={"acces": "tous"}).soup)
    assert (f"{NOW} | Vous avez changé les réglages de votre DMP. "
            f"Le changement : professionnel bloqué : Claire Petit (RPPS {PETIT}).") in shown
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 403
    log_out(client, "/pro")
    pro_log_in(client, notifier, DESK_AGENT)
    assert "Le patient a bloqué ce soignant." in client.get(QUEUE).soup.main.get_text(" ", strip=True)


def test_the_medecin_traitant_cannot_be_blocked_and_the_page_says_so(client, notifier, app):
    opens_the_dossier(client, notifier, DURAND)
    path = report_page_of(client, notifier, "La docteure Marie Durand")
    page = client.get(path).soup.main
    assert "Ce soignant est votre médecin traitant. Vous ne pouvez pas le bloquer." in page.get_text(" ", strip=True)
    assert page.find("input", attrs={"name": "block"}) is None
    assert page.find("a", string="Choisir un autre médecin traitant") is not None
    before = len(journal(app))
    done = send_report(client, path, sentence="", block="y")  # a hand-made form: the block is not tried
    assert "Votre signalement est envoyé à la caisse." in flashes(done)
    assert DURAND not in app.extensions["dmp.repos"].dossiers.get(DOSSIER).blocked_rpps
    assert [e.action for e in journal(app)[before:]] == ["professional_reported", "read_dossier"]
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DESK_AGENT)
    assert "Dr Marie Durand (médecin, médecine générale)" in client.get(QUEUE).soup.main.get_text(" ", strip=True)


def test_the_agent_marks_it_handled_and_the_patients_history_line_shows_the_state(client, notifier, app, clock):
    opens_the_dossier(client, notifier, PETIT)
    path = report_page_of(client, notifier, "Claire Petit")
    reported = send_report(client, path, sentence=SENTENCE)
    line = next(li for li in entries(reported.soup) if "Claire Petit (pharmacienne) a ouvert" in li.get_text())
    assert line.select_one(".history-entry__report").get_text(" ", strip=True) == \
        f"Signalé le {TODAY}. La caisse va regarder."
    assert report_links(reported.soup) == []  # one open report per professional: no second link
    again = client.get(path).soup.main.get_text(" ", strip=True)
    assert f"Vous avez déjà signalé ce soignant le {TODAY}." in again
    log_out(client, "/mon-dmp")

    clock.advance(days=1)
    pro_log_in(client, notifier, DESK_AGENT)
    handle = client.get(QUEUE).soup.find("a", string="Traiter le signalement de Fatima ROCHE")["href"]
    empty = client.submit(handle, {"note": ""})
    assert empty.status_code == 200 and field_error(empty.soup, "note") == "Écrivez ce que la caisse a fait"
    done = client.submit(handle, {"note": NOTE}, follow_redirects=True)
    assert "Le signalement est traité." in flashes(done)
    assert "Il n’y a pas de signalement à traiter." in done.soup.main.get_text(" ", strip=True)
    assert "Ce signalement est déjà traité." in client.get(handle).soup.main.get_text(" ", strip=True)
    last, notice = journal(app)[-2:]
    assert (last.actor_kind, last.actor_id, last.action) == ("desk_agent", DESK_AGENT, "report_handled")
    assert (notice.action, notice.detail) == ("report_notice", {"note": "to_holder_by_email"})  # her codes' way
    log_out(client, "/pro")

    patient_log_in(client, notifier)
    page = client.get(HISTORY).soup
    line = next(li for li in entries(page) if "Claire Petit (pharmacienne) a ouvert" in li.get_text())
    told = " ".join(p.get_text(" ", strip=True) for p in line.find_all("p")[2:])
    assert told == f"Traité par la caisse le 24 novembre 2026. La réponse de la caisse : {NOTE}"
    assert line.find("p", attrs={"data-free-text": True}).get_text() == NOTE
    assert ("Le 24 novembre 2026 à 10 h 00 | Nadia Benoît (agent d'accueil de la caisse) a traité votre "
            "signalement. Il parlait de Claire Petit.") in lines(page)


def test_a_professional_a_forbidden_actor_a_patient_or_a_stranger_cannot_see_the_queue(client, notifier):
    assert client.get(QUEUE).status_code == 302  # a stranger is sent to log in
    for login_id in (PETIT, "mutuelle01"):
        pro_log_in(client, notifier, login_id)
        assert client.get(QUEUE).status_code == 403, login_id
        assert client.get(f"{QUEUE}/0123456789abcdef").status_code == 403, login_id
        log_out(client, "/pro")
    patient_log_in(client, notifier)
    assert client.get(QUEUE).status_code == 403


def test_the_report_forms_need_their_csrf_token_and_say_what_is_wrong(client, notifier, app):
    opens_the_dossier(client, notifier, PETIT)
    path = report_page_of(client, notifier, "Claire Petit")
    assert client.post(path, data={"sentence": SENTENCE}).status_code == 400
    too_long = client.submit(path, {"sentence": "a" * 301})
    assert too_long.soup.title.get_text().startswith("Erreur : ")
    assert field_error(too_long.soup, "sentence") == "Écrivez 300 caractères au plus"
    assert app.extensions["dmp.repos"].reports.of_dossier(DOSSIER) == []
    send_report(client, path, sentence=SENTENCE)
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DESK_AGENT)
    report_id = app.extensions["dmp.repos"].reports.of_dossier(DOSSIER)[0].id
    assert client.post(f"{QUEUE}/{report_id}", data={"note": NOTE}).status_code == 400
    assert app.extensions["dmp.repos"].reports.find(report_id).is_open
    assert client.get(f"{QUEUE}/ffffffffffffffff").status_code == 404
