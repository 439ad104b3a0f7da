"""copy-store: the file store copied into PostgreSQL, whole, resumable and idempotent, then
verified; an app on the copy shows the patient the same DMP."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, UTC

import psycopg
import pytest

from bench.copy_store import add_dossiers, extra_id
from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD, INSURED
from dmp_web.domain.access import EmergencyAccess
from dmp_web.domain.accounts import Account
from dmp_web.domain.history_letters import HistoryLetter
from dmp_web.domain.journal import OPERATORS_JOURNAL, Actor
from dmp_web.domain.reports import Report
from dmp_web.domain.wishes import Wishes
from dmp_web.settings import DEVELOPMENT_SECRET_FILES
from dmp_web.store.pg.bulk import PgBulk

from ..conftest import CheckedClient, make_app
from .copy_dossier import DOSSIER, grow_demo_dossier
from .patient_journey import log_in

AT = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)


def copy(app, url):
    return app.test_cli_runner().invoke(args=["copy-store", "--to", url])


def operators_actions(app) -> list[tuple[str, bool]]:
    return [(e.action, e.allowed) for e in app.extensions["dmp.repos"].operators.entries()]


def app_on_copy(files_app, root, url):
    """An app on the database, with the file store's keys (the development keys are files)."""
    (root / "data").mkdir(parents=True)
    for name in DEVELOPMENT_SECRET_FILES:
        kept = files_app.config["DMP_SETTINGS"].data_dir / name
        if kept.exists():
            shutil.copy(kept, root / "data" / name)
    return make_app(root, database_url=url)  # it loads the demo data again: nothing changes


def patient_sees(app) -> dict[str, str]:
    """The demo patient's pages (their main text) and a file, after logging in."""
    app.test_client_class = CheckedClient
    client = app.test_client()
    log_in(client, app.extensions["dmp.notifier"], DEMO_LOGIN["login_id"], DEMO_PASSWORD)
    seen = {}
    for path in ("/mon-dmp/documents", "/mon-dmp/historique",
                 "/mon-dmp/historique?page=3", "/mon-dmp/volontes", "/mon-dmp/documents/c0b1000000000001"):
        response = client.get(path)
        assert response.status_code == 200, path
        seen[path] = response.soup.find("main").get_text(" ", strip=True)
    seen["file"] = client.get("/mon-dmp/documents/c0b1000000000001/fichier").data
    return seen


def grown_store(root):
    app = make_app(root)
    repos = app.extensions["dmp.repos"]
    grow_demo_dossier(repos, visible=30, files=3, history=300)
    with repos.unit(DOSSIER) as unit:
        unit.save_wishes(Wishes(allergies="arachide", blood_group="O+"))
        unit.journal(at=AT, actor=Actor("holder", DOSSIER, "le titulaire"), action="manage")
        unit.commit()
    repos.emergencies.add(DOSSIER, EmergencyAccess("break_glass", "10001000073", "malaise", AT))
    with repos.unit(DOSSIER) as unit:  # « je ne connais pas cette personne », its sentence sealed
        unit.save_report(Report("0123456789abcdef", DOSSIER, "10001000032", "Claire Petit", 3, AT, AT,
                                sentence="Je ne la connais pas."))
        unit.journal(at=AT, actor=Actor("holder", DOSSIER, "le titulaire"), action="professional_reported")
        unit.commit()
    # a second account in the dossier (a minor's second representative's slot), a monthly letter sent
    repos.accounts.add(Account(login_id="rep2000", dossier_id=DOSSIER, password_hash="", slot="r2",
                               mobile="0611223344"))
    repos.history_letters.update(DOSSIER, "2026-10", lambda _none: HistoryLetter("2026-10", "a" * 32, AT))
    add_dossiers(repos, 300)
    gone = repos.dossiers.get(extra_id(1))
    with repos.unit(gone.id) as unit:  # erased (purge-closed): only its head stays, marked
        unit.erase(repos.accounts.get(gone.id).login_id, AT)
        unit.commit()
    app.test_cli_runner().invoke(args=["demo-data"])  # an entry in the operators' journal
    return app


def test_a_grown_store_is_copied_whole_and_an_app_on_the_copy_shows_the_same(tmp_path, fresh_pg_url):
    files_app = grown_store(tmp_path / "files")
    files = files_app.extensions["dmp.repos"]

    first = copy(files_app, fresh_pg_url)
    assert first.exit_code == 0, first.output
    assert "301 DMP copié(s), 0 déjà dans la base" in first.output
    assert "Vérification : 302 historique(s) et 18 tables comptées, 0 problème." in first.output
    assert "Les sessions ne sont pas copiées" in first.output
    for person in INSURED:  # no NIR, no name, no address of the database (it may hold a password)
        assert person.nir not in first.output and person.birth_name not in first.output
    assert fresh_pg_url not in first.output and "127.0.0.1" not in first.output
    assert operators_actions(files_app)[-1] == ("store_copied", True)

    second = copy(files_app, fresh_pg_url)
    assert second.exit_code == 0, second.output
    assert "Rien à copier : les 301 DMP, le registre et l’annuaire sont déjà dans la base." in second.output
    assert "Journal des opérateurs : 1 entrée(s) ajoutée(s)." in second.output  # the first run's own
    assert operators_actions(files_app)[-2:] == [("store_copied", True), ("store_copied", True)]

    pg_app = app_on_copy(files_app, tmp_path / "pg", fresh_pg_url)
    pg = pg_app.extensions["dmp.repos"]
    assert [e.as_dict() for e in pg.operators.entries()] == [e.as_dict() for e in files.operators.entries()][:-1]
    for dossier_id in [DOSSIER] + [extra_id(n) for n in range(300) if n != 1]:
        assert pg.dossiers.get(dossier_id) == files.dossiers.get(dossier_id)
        assert pg.accounts.get(dossier_id) == files.accounts.get(dossier_id)
        assert pg.journal.entries(dossier_id) == files.journal.entries(dossier_id)
        assert pg.documents.list(dossier_id) == files.documents.list(dossier_id)
        assert pg.wishes.get(dossier_id) == files.wishes.get(dossier_id)
        assert pg.emergencies.all(dossier_id) == files.emergencies.all(dossier_id)
        assert pg.reimbursements.list(dossier_id) == files.reimbursements.list(dossier_id)
        assert pg.reports.of_dossier(dossier_id) == files.reports.of_dossier(dossier_id)
    assert pg.accounts.get(DOSSIER, "r2") == files.accounts.get(DOSSIER, "r2") is not None
    assert pg.accounts.find_by_login("rep2000").slot == "r2"
    assert pg.history_letters.get(DOSSIER, "2026-10") == files.history_letters.get(DOSSIER, "2026-10") is not None
    assert pg.dossiers.find_by_nir(f"2{7:014d}").id == extra_id(7)
    assert pg.accounts.find_by_login("cps000007").dossier_id == extra_id(7)
    assert pg.journal.head(extra_id(1)) == files.journal.head(extra_id(1)) and pg.journal.head(extra_id(1)).purged_at
    assert pg.dossiers.get(extra_id(1)) is None
    assert pg.directory.search_professionals("lefevre") == files.directory.search_professionals("lefevre")
    assert pg.register.get(DEMO_LOGIN["nir"]) == files.register.get(DEMO_LOGIN["nir"])
    assert pg.health().canary_opens()
    check = pg_app.test_cli_runner().invoke(args=["journal-check"])
    assert check.exit_code == 0, check.output

    # the same pages, read the same way at the same (fake) time, on files and on the copy
    on_copy = patient_sees(pg_app)
    assert on_copy == patient_sees(files_app)
    assert "Document numéro 26 du DMP" in on_copy["/mon-dmp/documents"]
    assert "arachide" in on_copy["/mon-dmp/volontes"]
    assert "page 3" in on_copy["/mon-dmp/historique?page=3"]
    assert on_copy["file"].startswith(b"\x89PNG")

    refused = pg_app.test_cli_runner().invoke(args=["copy-store", "--to", fresh_pg_url])
    assert refused.exit_code == 1
    assert "lancez-la sans DMP_DATABASE_URL" in refused.stderr
    pg.db.close()


def test_a_copy_stopped_in_the_middle_finishes_on_the_next_run(tmp_path, fresh_pg_url, monkeypatch):
    app = make_app(tmp_path)
    add_dossiers(app.extensions["dmp.repos"], 30)
    real_put_head, heads = PgBulk.put_head, []

    def killed_at_the_13th(*args):
        heads.append(args)
        if len(heads) == 13:  # the 13th dossier's rows are written in its transaction, not its head
            raise RuntimeError("killed")
        return real_put_head(*args)

    monkeypatch.setattr(PgBulk, "put_head", staticmethod(killed_at_the_13th))
    stopped = copy(app, fresh_pg_url)
    assert isinstance(stopped.exception, RuntimeError)
    with psycopg.connect(fresh_pg_url) as conn:
        # 12 whole dossiers, and nothing of the 13th
        assert conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM journal_heads").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM journal_entries").fetchone()[0] == conn.execute(
            "SELECT sum(count) FROM journal_heads").fetchone()[0]
    monkeypatch.undo()

    again = copy(app, fresh_pg_url)
    assert again.exit_code == 0, again.output
    assert "19 DMP copié(s), 12 déjà dans la base" in again.output
    assert "0 problème." in again.output


def test_the_check_reports_a_journal_entry_changed_in_the_copy(tmp_path, fresh_pg_url):
    app = make_app(tmp_path)
    assert copy(app, fresh_pg_url).exit_code == 0
    with psycopg.connect(fresh_pg_url) as conn:
        conn.execute("UPDATE journal_entries SET stored = jsonb_set(stored, '{action}', '\"export\"') "
                     "WHERE journal_id = %s AND seq = 0", (DOSSIER,))
    tampered = copy(app, fresh_pg_url)
    assert tampered.exit_code == 1
    assert tampered.stderr.splitlines() == [f"DMP {DOSSIER} : dans la base, "
                                            "l’entrée 1 sur 1 a été modifiée ou enlevée."]
    assert "1 problème." in tampered.stdout
    assert operators_actions(app)[-1] == ("store_copied", False)


def test_a_journal_that_went_its_own_way_in_the_database_is_never_written_over(tmp_path, fresh_pg_url):
    app = make_app(tmp_path)
    assert copy(app, fresh_pg_url).exit_code == 0
    files = app.extensions["dmp.repos"]
    pg_app = app_on_copy(app, tmp_path / "pg", fresh_pg_url)
    holder = Actor("holder", DOSSIER, "le titulaire")
    pg_app.extensions["dmp.repos"].journal.append(DOSSIER, AT, holder, "login_succeeded")
    pg_app.extensions["dmp.repos"].db.close()
    files.journal.append(DOSSIER, AT, holder, "logout")

    refused = copy(app, fresh_pg_url)
    assert refused.exit_code == 1
    assert f"DMP {DOSSIER} : son historique dans la base n’est pas celui des fichiers." in refused.stderr
    with psycopg.connect(fresh_pg_url) as conn:
        assert conn.execute("SELECT stored ->> 'action' FROM journal_entries WHERE journal_id = %s "
                            "ORDER BY seq DESC LIMIT 1", (DOSSIER,)).fetchone()[0] == "login_succeeded"


def test_the_operators_journal_is_only_ever_extended(tmp_path, fresh_pg_url):
    app = make_app(tmp_path)
    for _ in range(3):
        assert copy(app, fresh_pg_url).exit_code == 0
    with psycopg.connect(fresh_pg_url) as conn:
        actions = [r[0] for r in conn.execute("SELECT stored ->> 'action' FROM journal_entries "
                                              "WHERE journal_id = %s ORDER BY seq", (OPERATORS_JOURNAL,))]
    assert actions == ["store_copied", "store_copied"]  # the third run's entry: on files, copied next time


@pytest.mark.parametrize("url", ["mysql://x@127.0.0.1/dmp", "postgresql://nobody@127.0.0.1:1/none"])
def test_a_wrong_address_is_refused_without_showing_it(tmp_path, url):
    app = make_app(tmp_path)
    result = copy(app, url)
    assert result.exit_code == 1
    assert url not in result.output
    assert re.search(r"--to attend|La copie s’est arrêtée \(\w+\)\. Relancez", result.stderr)
