"""Closing a DMP: no one reads or feeds it, the patient may reopen it; after 10 years the purge
erases it, and says what it erased."""
from datetime import datetime, UTC

from .pro_journey import DOSSIER, DURAND, FATIMA_NIR, journal, log_out, pro_log_in
from .test_patient_documents import patient_log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL


def _close(client):
    return client.post("/mon-dmp/fermer", data={"csrf_token": client.csrf_token("/mon-dmp/fermer")},
                       follow_redirects=True)


def test_closing_asks_first_then_shuts_professionals_out_and_can_be_undone(client, notifier, app):
    patient_log_in(client, notifier)
    page = client.get("/mon-dmp/fermer").soup.main.get_text(" ")
    assert "Vos données sont gardées 10 ans. Ensuite, elles sont effacées." in page
    closed = _close(client)
    assert "Votre DMP est fermé" in closed.soup.main.get_text(" ")
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).status == "closed"
    assert client.get("/mon-dmp/documents").status_code == 403
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DURAND)
    refused = client.get(f"/pro/dmp/{DOSSIER}")
    assert refused.status_code == 403 and "Ce DMP est fermé." in refused.soup.main.get_text()
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    reopened = client.post("/mon-dmp/rouvrir", data={"csrf_token": client.csrf_token("/mon-dmp")},
                           follow_redirects=True)
    assert "de nouveau ouvert" in reopened.soup.select_one("[aria-live]").get_text()
    assert [e.detail["change"] for e in journal(app) if e.action == "manage"][-2:] == [
        {"what": "dossier_closed"}, {"what": "dossier_reopened"}]


def test_the_purge_erases_only_dossiers_closed_10_years_ago_and_reports_them(client, notifier, app, clock):
    patient_log_in(client, notifier)
    _close(client)
    runner = app.test_cli_runner()
    clock.advance(days=365 * 10 - 1)
    early = runner.invoke(args=["purge-closed"])
    assert early.exit_code == 0 and "0 DMP effacé." in early.output
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER) is not None
    clock.advance(days=10)
    dry = runner.invoke(args=["purge-closed", "--dry-run"])
    assert f"DMP {DOSSIER}, fermé le 2026-11-23 : serait effacé" in dry.output
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER) is not None
    done = runner.invoke(args=["purge-closed"])
    assert f"DMP {DOSSIER}, fermé le 2026-11-23 : effacé" in done.output and "1 DMP effacé." in done.output
    repos = app.extensions["dmp.repos"]
    assert repos.dossiers.get(DOSSIER) is None and repos.dossiers.find_by_nir(FATIMA_NIR) is None
    assert repos.accounts.find_by_login("fro7510") is None
    data = app.config["DMP_SETTINGS"].data_dir
    assert not (data / "dossiers" / DOSSIER[:2] / DOSSIER).exists()
    assert runner.invoke(args=["purge-closed"]).output.strip() == "0 DMP effacé."


def test_a_dossier_closed_on_29_february_is_kept_until_1_march_10_years_later():
    from dmp_web.domain.dossier import purge_due

    closed = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert not purge_due(closed, datetime(2038, 2, 28, 23, tzinfo=UTC))
    assert purge_due(closed, datetime(2038, 3, 1, 12, tzinfo=UTC))
