"""«Historique des accès» through the real routes: what professionals did or were refused, in
plain sentences, newest first, 20 per page; by default only what others than the patient did
(«Seulement les soignants»); «Tout voir» adds the patient's own actions, a repeated one on one
line; emergencies stand out and can be filtered, by the plain GET form or by htmx swapping the list."""
import re

import pytest

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from .pro_journey import BERNARD, DOSSIER, DURAND, LEFEVRE, PETIT, journal, log_out, pro_log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

HISTORY = "/mon-dmp/historique"
EVERYTHING = {"acces": "tous"}
CONSULTATION = "d0c0000000000001"  # by Dr Durand; neither a pharmacist nor a nurse may read it
LAB = "d0c0000000000002"
PENDING = "d0c0000000000005"  # by Dr Lefèvre, «Échographie cardiaque…», still to be explained
NOW = "Le 23 novembre 2026 à 10 h 00"  # the test clock, Paris time: each entry's first line
REFUSED_TO_PHARMACIST = (
    f"{NOW} | Claire Petit (pharmacienne) a essayé de lire « Consultation du 12 octobre 2026 ». "
    "C’était refusé. Le métier de ce soignant ne lui permet pas de lire ce type de document.")


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    client.submit("/connexion/code", {"code": notifier.last_otp()})


def lines(soup):
    """Each entry as «date | [Accès en urgence | ]what happened»: one line each on the page."""
    return [" | ".join(" ".join(p.get_text(" ", strip=True).split()) for p in li.find_all("p"))
            for li in soup.select("#historique-liste li.history-entry")]


def link(soup, text):
    found = soup.find("a", string=text)
    return found["href"] if found else None


def break_glass(client, notifier, reads=1):
    """The nurse opens the dossier in an emergency, then reads the lab results: within her
    profession's rights, each read is journaled as done under the emergency access."""
    pro_log_in(client, notifier, BERNARD)
    assert client.submit(f"/pro/dmp/{DOSSIER}/urgence",
                         {"reason": "Patiente inconsciente à domicile"}).status_code == 302
    for _ in range(reads):
        assert client.get(f"/pro/dmp/{DOSSIER}/documents/{LAB}").status_code == 200
    log_out(client, "/pro")


def test_the_patients_space_links_to_the_history(client, notifier):
    patient_log_in(client, notifier)
    menu = client.get("/mon-dmp").soup.find(id="menu-dmp")
    assert link(menu, "Historique des accès") == HISTORY


def test_only_the_logged_in_patient_reads_the_history(client, notifier):
    assert client.get(HISTORY).headers["Location"].startswith("/connexion")
    pro_log_in(client, notifier, PETIT)
    assert client.get(HISTORY).headers["Location"].startswith("/connexion")


def test_a_refused_attempt_and_a_break_glass_are_told_in_plain_sentences(client, notifier, app):
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403
    log_out(client, "/pro")
    break_glass(client, notifier)
    patient_log_in(client, notifier)

    page = client.get(HISTORY, query_string=EVERYTHING)
    shown = lines(page.soup)
    assert shown[0] == f"{NOW} | Vous avez ouvert votre DMP."  # this very reading, newest first
    assert f"{NOW} | Vous vous êtes connectée." in shown
    assert REFUSED_TO_PHARMACIST in shown
    reason = "La raison donnée : « Patiente inconsciente à domicile »."
    assert f"{NOW} | Accès en urgence | Hugo Bernard (infirmier) a ouvert votre DMP en urgence. {reason}" in shown
    assert (f"{NOW} | Accès en urgence | Hugo Bernard (infirmier) a lu « Prise de sang du 20 octobre 2026 ». {reason}"
            in shown)
    assert shown[-1] == "Le 15 janvier 2026 à 11 h 30 | Votre DMP a été créé."
    # an emergency says so in words, in its own element, and not by colour alone
    emergencies = page.soup.select("li.history-entry--emergency")
    assert len(emergencies) == 2
    assert all(li.strong.get_text(strip=True) == "Accès en urgence" for li in emergencies)
    assert page.soup.select("li.history-entry--refused")
    last = journal(app)[-1]  # reading the history is a journaled decision of the policy
    assert (last.actor_kind, last.action, last.allowed) == ("holder", "read_dossier", True)


def test_the_written_reason_is_shown_as_text_never_as_markup(client, notifier):
    pro_log_in(client, notifier, BERNARD)
    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Malaise <script>alert(1)</script>"})
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    page = client.get(HISTORY, query_string={"acces": "urgence"})
    assert "<script>alert" not in page.get_data(as_text=True)
    assert "« Malaise <script>alert(1)</script> »" in lines(page.soup)[0]


def test_the_title_of_a_document_still_to_be_explained_never_shows(client, notifier):
    pro_log_in(client, notifier, LEFEVRE)  # its author reads it
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{PENDING}").status_code == 200
    log_out(client, "/pro")
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{PENDING}").status_code == 403
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    page = client.get(HISTORY)
    shown = lines(page.soup)
    assert f"{NOW} | Le docteur Paul Lefèvre (cardiologie) a lu un document." in shown
    assert any(s.startswith(f"{NOW} | Claire Petit (pharmacienne) a essayé de lire un document.") for s in shown)
    assert "chographie" not in page.get_data(as_text=True)


def test_hiding_a_document_and_showing_it_again_are_in_the_history(client, notifier):
    patient_log_in(client, notifier)
    for hidden in ("1", "0"):
        client.submit("/mon-dmp/documents", {"hidden": hidden}, action=f"/mon-dmp/documents/{LAB}/acces")
    shown = lines(client.get(HISTORY, query_string=EVERYTHING).soup)
    title = "« Prise de sang du 20 octobre 2026 »"
    assert [s for s in shown if title in s] == [f"{NOW} | Vous avez montré de nouveau {title} aux professionnels.",
                                                f"{NOW} | Vous avez caché {title} aux professionnels."]


def test_the_plain_form_filters_the_emergencies(client, notifier):
    pro_log_in(client, notifier, PETIT)
    client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}")
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    none_yet = client.get(HISTORY, query_string={"acces": "urgence"}).soup
    assert lines(none_yet) == []
    assert "Personne n’a ouvert votre DMP en urgence." in none_yet.find(id="historique-liste").get_text()
    log_out(client, "/mon-dmp")
    break_glass(client, notifier)
    patient_log_in(client, notifier)

    form = client.get(HISTORY).soup.select_one("main form")
    assert (form["method"], form["action"]) == ("get", HISTORY)
    assert [r["value"] for r in form.select("input[name=acces]")] == ["soignants", "tous", "urgence"]
    assert form.select_one("input[name=acces][checked]")["value"] == "soignants"
    assert form.button.get_text(strip=True) == "Filtrer"
    assert [label.get_text(strip=True) for label in form.select("label")] == [
        "Seulement les soignants", "Tout voir", "Seulement les accès en urgence"]

    filtered = client.get(HISTORY, query_string={"acces": "urgence"}).soup
    shown = lines(filtered)
    assert len(shown) == 2 and all(s.startswith(f"{NOW} | Accès en urgence | Hugo Bernard (infirmier)") for s in shown)
    assert REFUSED_TO_PHARMACIST not in shown
    assert filtered.find(id="historique-liste").h2.get_text(strip=True) == "Seulement les accès en urgence"
    assert filtered.select_one("input[name=acces][checked]")["value"] == "urgence"
    everything = lines(client.get(HISTORY, query_string={"acces": "tous"}).soup)
    assert REFUSED_TO_PHARMACIST in everything and len(everything) > len(shown)


def test_pages_of_20_newest_first_with_plain_links(client, notifier, app):
    patient_log_in(client, notifier)
    for _ in range(12):  # 2 journaled decisions each, told on 2 lines: nothing repeats in a row
        client.get("/mon-dmp/documents")
        client.get(f"/mon-dmp/documents/{LAB}")
    first = client.get(HISTORY, query_string=EVERYTHING).soup
    assert len(journal(app)) == 29  # created, 3 for the login, 24 readings, this one
    assert len(lines(first)) == 20 and link(first, "Page précédente") is None
    # the next page is cut from the same 29 entries: reading it is journaled, and that must not
    # push the last line of page 1 onto page 2
    assert link(first, "Page suivante") == f"{HISTORY}?page=2&acces=tous&lignes=29"
    # the lines of the whole history are not counted before its last page
    assert "Vous êtes à la page 1." in first.find(id="historique-liste").get_text()
    assert lines(first)[1] == f"{NOW} | Vous avez lu « Prise de sang du 20 octobre 2026 »."

    second = client.get(link(first, "Page suivante")).soup
    assert len(journal(app)) == 30 and len(lines(second)) == 9
    listed = f"{NOW} | Vous avez regardé la liste de vos documents."
    assert (lines(first) + lines(second)).count(listed) == 12  # each once, none repeated
    assert link(second, "Page suivante") is None
    assert link(second, "Page précédente") == f"{HISTORY}?page=1&acces=tous&lignes=29"
    assert "Vous êtes à la page 2 sur 2." in second.find(id="historique-liste").get_text()
    assert lines(second)[-4:] == [  # the oldest come last
        f"{NOW} | Vous vous êtes connectée.", f"{NOW} | Un code de connexion vous a été envoyé.",
        f"{NOW} | Vous avez écrit votre mot de passe.", "Le 15 janvier 2026 à 11 h 30 | Votre DMP a été créé."]


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=99", "page=", "acces=tout", "acces=",
                                   "lignes=999", "lignes=-1", "lignes=x", "page=2&lignes=3", "page=2&acces=tous",
                                   "page=2&acces=soignants"])
def test_a_page_or_a_choice_the_history_does_not_have_is_not_found(client, notifier, query):
    patient_log_in(client, notifier)
    assert client.get(f"{HISTORY}?{query}").status_code == 404


def test_the_filtered_pages_keep_the_filter_in_their_links(client, notifier):
    break_glass(client, notifier, reads=21)  # 22 emergency entries
    patient_log_in(client, notifier)
    first = client.get(HISTORY, query_string={"acces": "urgence"}).soup
    assert len(lines(first)) == 20
    following = link(first, "Page suivante")
    assert following == f"{HISTORY}?page=2&acces=urgence&lignes=29"  # with the 2 notices of the access
    second = client.get(following).soup
    assert [s.split(" | ")[1] for s in lines(second)] == ["Accès en urgence"] * 2
    assert link(second, "Page précédente") == f"{HISTORY}?page=1&acces=urgence&lignes=29"


def test_htmx_gets_the_list_alone_and_a_plain_request_the_whole_page(client, notifier):
    break_glass(client, notifier)
    patient_log_in(client, notifier)
    fragment = client.get(HISTORY, query_string={"acces": "urgence"}, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and "<h1" not in body
    assert body.lstrip().startswith('<div id="historique-liste"')
    assert 'id="flash-area" data-hx-swap-oob="innerHTML"' in body
    assert "La liste montre seulement les accès en urgence." in body
    assert "HX-Request" in fragment.headers["Vary"]
    from bs4 import BeautifulSoup

    swapped = lines(BeautifulSoup(body, "html.parser"))
    page = client.get(HISTORY, query_string={"acces": "urgence"})
    assert page.soup.h1.get_text(strip=True) == "Historique des accès"
    assert "HX-Request" in page.headers["Vary"]
    assert lines(page.soup) == swapped and len(swapped) == 2  # the same list, by either path
    assert "data-hx-swap-oob" not in page.get_data(as_text=True)
    form = page.soup.select_one("main form")
    htmx_attrs = (form["data-hx-get"], form["data-hx-target"], form["data-hx-swap"])
    assert htmx_attrs == (HISTORY, "#historique-liste", "outerHTML")
    # a boosted request and htmx restoring its history both need the whole page
    for headers in ({"HX-Request": "true", "HX-Boosted": "true"},
                    {"HX-Request": "true", "HX-History-Restore-Request": "true"}):
        whole = client.get(HISTORY, headers=headers).get_data(as_text=True)
        assert "<html" in whole and re.search(r"<h1>\s*Historique des accès", whole)


def test_a_closed_dossier_refuses_its_history_as_it_refuses_every_read(client, notifier, app):
    patient_log_in(client, notifier)
    assert client.submit("/mon-dmp/fermer", {}).status_code == 302
    page = client.get(HISTORY)
    assert page.status_code == 403 and page.soup.h1.get_text(strip=True) == "Votre DMP est fermé"
    last = journal(app)[-1]
    assert (last.action, last.allowed) == ("read_dossier", False)


# -- «Seulement les soignants» (the default) and «Tout voir» --------------------------------------

DURAND_READ = f"{NOW} | La docteure Marie Durand a lu « Consultation du 12 octobre 2026 »."
LISTED = "Vous avez regardé la liste de vos documents"


def test_by_default_the_history_shows_the_carers_and_not_the_patient_s_own_readings(client, notifier, app):
    patient_log_in(client, notifier)
    for _ in range(3):
        client.get("/mon-dmp/documents")
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DURAND)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 200
    log_out(client, "/pro")
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403
    log_out(client, "/pro")
    pro_log_in(client, notifier, "mutuelle01")  # an actor the law keeps out
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 403
    log_out(client, "/pro")
    patient_log_in(client, notifier)

    page = client.get(HISTORY).soup
    shown = lines(page)
    assert DURAND_READ in shown and REFUSED_TO_PHARMACIST in shown
    assert [line for line in shown if "(mutuelle) a essayé d’ouvrir votre DMP" in line and "C’était refusé" in line]
    assert shown[-1] == "Le 15 janvier 2026 à 11 h 30 | Votre DMP a été créé."
    assert not [line for line in shown if " | Vous " in line]  # no reading, login or page of the patient's
    listing = page.find(id="historique-liste")
    assert listing.h2.get_text(strip=True) == "Seulement les soignants"
    others = [e for e in journal(app) if e.actor_kind not in ("holder", "legal_representative")]
    assert len(shown) == len(others) and f"Il y a {len(others)} actions faites par d’autres personnes que vous." \
        in listing.get_text(" ", strip=True)
    assert page.select_one("input[name=acces][checked]")["value"] == "soignants"
    # the same view when chosen in the form: its address
    assert lines(client.get(HISTORY, query_string={"acces": "soignants"}).soup) == shown
    everything = lines(client.get(HISTORY, query_string=EVERYTHING).soup)
    assert DURAND_READ in everything and f"{NOW} | {LISTED} 3 fois." in everything


def test_a_history_with_no_carer_yet_says_so(client, notifier):
    patient_log_in(client, notifier)
    listing = client.get(HISTORY).soup.find(id="historique-liste")
    # the demo's creation is the only entry of others than the patient
    assert lines(listing) == ["Le 15 janvier 2026 à 11 h 30 | Votre DMP a été créé."]
    assert "Il y a 1 action faite par d’autres personnes que vous." in listing.get_text(" ", strip=True)


def test_everything_tells_30_readings_in_a_row_on_one_line_with_how_many_and_when(client, notifier, clock):
    patient_log_in(client, notifier)
    for _ in range(30):
        clock.advance(minutes=3)
        client.get("/mon-dmp/documents")
    page = client.get(HISTORY, query_string=EVERYTHING).soup
    shown = lines(page)
    assert shown[:2] == ["Le 23 novembre 2026 à 11 h 30 | Vous avez ouvert votre DMP.",
                         f"Le 23 novembre 2026, de 10 h 03 à 11 h 30 | {LISTED} 30 fois."]
    assert len(shown) == 6 and sum(LISTED in line for line in shown) == 1  # + the login's 3, the creation
    text = page.find(id="historique-liste").get_text(" ", strip=True)
    assert "Il y a 35 actions dans votre historique." in text and "Vous êtes à la page" not in text
    assert "c’est écrit sur 1 seule ligne" in text


def test_grouping_never_joins_different_actions_nor_a_professional_s_lines(client, notifier):
    patient_log_in(client, notifier)
    for path in ("/mon-dmp/documents", f"/mon-dmp/documents/{LAB}", f"/mon-dmp/documents/{LAB}",
                 f"/mon-dmp/documents/{CONSULTATION}", "/mon-dmp/documents", "/mon-dmp/documents"):
        assert client.get(path).status_code == 200
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DURAND)
    for _ in range(3):
        assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 200
    log_out(client, "/pro")
    break_glass(client, notifier, reads=2)
    patient_log_in(client, notifier)

    shown = [line.removeprefix(f"{NOW} | ") for line in lines(client.get(HISTORY, query_string=EVERYTHING).soup)]
    own = shown[shown.index("Vous vous êtes déconnectée."):]
    assert own[1:6] == [f"{LISTED} 2 fois.", "Vous avez lu « Consultation du 12 octobre 2026 ».",
                        "Vous avez lu « Prise de sang du 20 octobre 2026 » 2 fois.", f"{LISTED}.",
                        "Vous vous êtes connectée."]
    assert shown.count(DURAND_READ.removeprefix(f"{NOW} | ")) == 3  # a professional's: each on its own line
    assert len([line for line in shown if line.startswith("Accès en urgence | Hugo Bernard (infirmier) a lu")]) == 2
    assert not [line for line in shown if "fois" in line and not line.startswith("Vous")]


def test_the_default_view_has_pages_cut_from_the_same_entries(client, notifier, app):
    pro_log_in(client, notifier, DURAND)
    for _ in range(12):
        client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}")
        client.get(f"/pro/dmp/{DOSSIER}/documents/{LAB}")
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    for _ in range(5):  # the patient's own: never on these pages
        client.get("/mon-dmp/documents")

    first = client.get(HISTORY).soup
    entries = journal(app)
    others = [e for e in entries if e.actor_kind not in ("holder", "legal_representative")]
    assert len(others) > 20 and len(lines(first)) == 20
    pages = -(-len(others) // 20)
    assert f"Vous êtes à la page 1 sur {pages}." in first.find(id="historique-liste").get_text()
    assert link(first, "Page suivante") == f"{HISTORY}?page=2&lignes={len(entries)}"
    client.get("/mon-dmp/documents")
    second = client.get(link(first, "Page suivante")).soup
    assert len(lines(first)) + len(lines(second)) == len(others)
    assert lines(second)[-1] == "Le 15 janvier 2026 à 11 h 30 | Votre DMP a été créé."
    assert link(second, "Page précédente") == f"{HISTORY}?page=1&lignes={len(entries)}"
    assert not [line for line in lines(first) + lines(second) if " | Vous " in line]


def test_htmx_swaps_the_list_of_each_view(client, notifier):
    patient_log_in(client, notifier)
    for acces, heading, said in [("soignants", "Seulement les soignants", "seulement les soignants"),
                                 ("tous", "Tout l’historique", "tout l’historique")]:
        body = client.get(HISTORY, query_string={"acces": acces}, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert body.lstrip().startswith('<div id="historique-liste"') and f"<h2>{heading}</h2>" in body
        assert f"La liste montre {said}" in body


def test_the_hard_words_of_the_lines_shown_are_explained_on_the_page(client, notifier):
    """A block's line names a RPPS number, a wish's line the personne de confiance: each page of
    the history explains the glossary words its own lines use, and only those."""
    from dmp_web.texts.page_text import check_page

    patient_log_in(client, notifier)
    plain = client.get(HISTORY, query_string={"acces": "tous"})
    assert "Le RPPS est le numéro" not in plain.get_data(as_text=True)
    token = client.csrf_token("/mon-dmp/gestion")
    client.post("/mon-dmp/gestion/bloquer", data={"csrf_token": token, "rpps": PETIT}, follow_redirects=True)
    client.submit("/mon-dmp/volontes/personne-de-confiance",
                  {"name": "Paul Roche", "link": "mon mari", "phone": "0611223344"}, follow_redirects=True)
    page = client.get(HISTORY, query_string={"acces": "tous"})
    text = " ".join(page.soup.find(id="historique-liste").get_text(" ").split())
    assert "(RPPS 10001000032)" in text and "Le RPPS est le numéro à 11 chiffres" in text
    assert "personne de confiance" in text
    assert check_page(page.get_data(as_text=True)).findings == ()
