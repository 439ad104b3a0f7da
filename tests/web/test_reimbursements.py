"""«Mes remboursements»: the last 24 months of care, newest first, read through the access
policy and journaled; rows older than 24 months never show."""
from datetime import datetime, UTC

from dmp_web.demo import DEMO_LOGIN, DEMO_REIMBURSEMENTS
from dmp_web.formatting import date_fr
from dmp_web.services.reimbursement_import import COLUMNS

from .pro_journey import DURAND, log_out, pro_log_in

PAGE = "/mon-dmp/remboursements"
DOSSIER = DEMO_LOGIN["dossier_id"]


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    client.submit("/connexion/code", {"code": notifier.last_otp()})


def table_rows(soup):
    table = soup.find("table", id="remboursements")
    return [[cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]


def test_the_page_shows_24_months_of_care_newest_first_with_french_dates_and_amounts(client, notifier):
    patient_log_in(client, notifier)
    response = client.get(PAGE)
    assert response.status_code == 200
    soup = response.soup
    assert soup.h1.get_text(strip=True) == "Mes remboursements"
    text = soup.main.get_text(" ", strip=True)
    assert "Cette page montre vos soins remboursés par l’Assurance Maladie." in text
    assert "Elle montre les 24 derniers mois : du 23 novembre 2024 au 23 novembre 2026." in text
    table = soup.find("table", id="remboursements")
    assert table.caption.get_text(strip=True) == "Mes soins remboursés, du plus récent au plus ancien"
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == [
        "Date", "Soin", "Professionnel", "Montant payé", "Montant remboursé"]
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    assert all(tr.th["scope"] == "row" for tr in table.tbody.find_all("tr"))
    rows = table_rows(soup)
    assert len(rows) == len(DEMO_REIMBURSEMENTS)
    assert rows[0] == ["3 novembre 2026", "Échographie du cœur", "Dr Paul Lefèvre", "96,49\u00a0€", "67,54\u00a0€"]
    assert rows[4] == ["18 septembre 2026", "Séjour à l’hôpital en cardiologie (2 jours)", "Hôpital Tenon",
                       "1\u00a0580,00\u00a0€", "1\u00a0264,00\u00a0€"]
    assert rows[-1][0] == "2 décembre 2024"
    newest_first = sorted((row[0] for row in DEMO_REIMBURSEMENTS), reverse=True)
    assert [r[0] for r in rows] == [date_fr(day) for day in newest_first]


def test_each_amount_cell_is_labelled_with_its_column_for_narrow_screens(client, notifier):
    patient_log_in(client, notifier)
    first = client.get(PAGE).soup.find("table", id="remboursements").tbody.tr
    assert [td["data-label"] for td in first.find_all("td")] == ["Soin", "Professionnel", "Montant payé",
                                                                 "Montant remboursé"]


def test_reading_the_page_is_a_journaled_decision_of_the_access_policy(client, notifier, app):
    patient_log_in(client, notifier)
    journal = app.extensions["dmp.repos"].journal
    before = len(journal.entries(DOSSIER))
    client.get(PAGE)
    entry, = journal.entries(DOSSIER)[before:]
    assert (entry.action, entry.allowed, entry.actor_kind, entry.actor_id) == ("read_dossier", True, "holder", DOSSIER)


def test_a_row_that_aged_past_24_months_is_never_shown_even_before_the_next_import(client, notifier, clock):
    clock.advance(days=10)  # 3 December 2026: the flu vaccine of 2 December 2024 is too old
    patient_log_in(client, notifier)
    soup = client.get(PAGE).soup
    assert "du 3 décembre 2024 au 3 décembre 2026" in soup.main.get_text(" ", strip=True)
    rows = table_rows(soup)
    assert len(rows) == len(DEMO_REIMBURSEMENTS) - 1
    assert "Vaccin contre la grippe" not in soup.main.get_text()


def test_with_no_reimbursement_the_page_says_so_and_shows_no_table(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    repos.reimbursements.save_sealed(DOSSIER, repos.reimbursements.seal([]))
    patient_log_in(client, notifier)
    soup = client.get(PAGE).soup
    assert soup.find("table") is None
    assert soup.find(id="aucun-remboursement").get_text(strip=True) == (
        "Vous n’avez aucun soin remboursé pendant ces 24 mois.")


def test_imported_rows_show_on_the_page(client, notifier, app, tmp_path):
    path = tmp_path / "remboursements.csv"
    path.write_text(";".join(COLUMNS)
                    + f"\n{DEMO_LOGIN['nir']};20/11/2026;Séance d’orthophonie;Léa Martin;30.00;18.00\n",
                    encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["import-reimbursements", str(path)]).exit_code == 0
    patient_log_in(client, notifier)
    assert table_rows(client.get(PAGE).soup)[0] == [
        "20 novembre 2026", "Séance d’orthophonie", "Léa Martin", "30,00\u00a0€", "18,00\u00a0€"]


def test_the_home_page_of_the_patient_links_to_the_page(client, notifier):
    patient_log_in(client, notifier)
    menu = client.get("/mon-dmp").soup.find(id="menu-dmp")
    assert menu.find("a", string="Remboursements")["href"] == PAGE


def test_a_closed_dmp_shows_no_reimbursement_and_the_refusal_is_journaled(client, notifier, app):
    patient_log_in(client, notifier)
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.status, dossier.closed_at = "closed", datetime(2026, 11, 20, tzinfo=UTC)
    repos.dossiers.save(dossier)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert response.soup.find("table") is None and "Échographie" not in response.soup.main.get_text()
    entry = repos.journal.entries(DOSSIER)[-1]
    assert (entry.action, entry.allowed) == ("read_dossier", False)


def test_only_the_holder_logged_in_reaches_the_page(client, notifier):
    assert client.get(PAGE).headers["Location"].startswith("/connexion")
    pro_log_in(client, notifier, DURAND)  # even the médecin traitant: this is the patient's own page
    response = client.get(PAGE)
    assert response.status_code == 302 and "Échographie" not in response.get_data(as_text=True)
    log_out(client, "/pro")
