"""The PostgreSQL schema (dmp_web/store/pg): `db-upgrade` makes every table from the versioned
files, is idempotent, applies each file once when two servers upgrade at once, and refuses a
misnamed file. Run against a throw-away PostgreSQL 15 (tests/pg_server.py)."""
from __future__ import annotations

import threading

import psycopg
import pytest

from dmp_web.store.pg import Database
from dmp_web.store.pg.migrations import FOLDER, current_version, migrations, upgrade

DOSSIER_TABLES = {"dossiers", "accounts", "documents", "files", "wishes", "reimbursements", "emergencies",
                  "journal_keys", "job_outputs", "reports", "opening_notices", "history_letters"}


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_upgrade_makes_every_table_once_and_then_changes_nothing(fresh_pg_url):
    assert upgrade(fresh_pg_url) == [m.name for m in migrations()]
    made = tables(fresh_pg_url)
    assert {"schema_version", "journal_entries", "journal_heads", "dossier_keys", "sessions", "jobs"} <= made
    assert upgrade(fresh_pg_url) == []  # idempotent
    with psycopg.connect(fresh_pg_url) as conn:
        assert current_version(conn) == migrations()[-1].version


def test_every_dossier_table_has_the_dossier_first_in_its_key(fresh_pg_url):
    upgrade(fresh_pg_url)
    query = """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
               AND a.attnum = i.indkey[0] WHERE i.indrelid = %s::regclass AND i.indisprimary"""
    with psycopg.connect(fresh_pg_url) as conn:
        for table in DOSSIER_TABLES:
            assert conn.execute(query, (table,)).fetchone()[0] == "dossier_id", table  # partition key


def test_two_servers_upgrading_at_once_apply_each_file_once(fresh_pg_url):
    results, errors = [], []

    def run():
        try:
            results.append(upgrade(fresh_pg_url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Each file is applied in a transaction of its own under the lock: the servers may share the
    # files between them, but every file is applied exactly once.
    assert len(results) == 4
    assert sorted(name for names in results for name in names) == sorted(m.name for m in migrations())


def test_a_misnamed_schema_file_is_refused(tmp_path):
    for name in (m.name for m in migrations()):
        (tmp_path / name).write_text((FOLDER / name).read_text())
    (tmp_path / "2_oops.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="NNNN_words.sql"):
        migrations(tmp_path)


def test_the_pool_commits_a_clean_transaction_and_rolls_back_a_failed_one(fresh_pg_url):
    upgrade(fresh_pg_url)
    db = Database(fresh_pg_url, max_size=2)
    try:
        with db.transaction() as conn:
            conn.execute("INSERT INTO store_facts (name, value) VALUES ('kept', '1')")
        with pytest.raises(RuntimeError), db.transaction() as conn:
            conn.execute("INSERT INTO store_facts (name, value) VALUES ('lost', '1')")
            raise RuntimeError("the use case failed")
        with db.transaction() as conn:
            assert [r[0] for r in conn.execute("SELECT name FROM store_facts ORDER BY name")] == ["kept"]
    finally:
        db.close()


def test_the_db_upgrade_command_makes_the_schema_and_journals_it(fresh_pg_url, tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path)
    settings = app.config["DMP_SETTINGS"]
    app.config["DMP_SETTINGS"] = type(settings)(**{**settings.__dict__, "database_url": fresh_pg_url})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db-upgrade"])
    names = ", ".join(m.name for m in migrations())
    assert first.exit_code == 0 and f"Base mise à jour : {names}." in first.output
    again = runner.invoke(args=["db-upgrade"])
    assert again.exit_code == 0 and "La base est déjà à jour." in again.output
    done = [(e.action, e.allowed) for e in app.extensions["dmp.repos"].operators.entries()]
    assert done[-2:] == [("schema_upgraded", True), ("schema_upgraded", True)]


def test_the_db_upgrade_command_says_so_without_a_database(tmp_path):
    from tests.conftest import make_app

    refused = make_app(tmp_path).test_cli_runner().invoke(args=["db-upgrade"])
    assert refused.exit_code == 1 and "DMP_DATABASE_URL est vide" in refused.output


def test_the_hourly_messages_of_before_schema_12_stay_the_hourly_ones(fresh_pg_url, tmp_path):
    """0012 keeps the carers' daily message in the same table: the rows of before are kind
    'openings', read back whole, and a carers' row beside one never mixes with it."""
    from datetime import UTC, datetime

    from dmp_web.domain.notices import OpeningDigest
    from dmp_web.store.pg.notices import PgOpeningNoticeRepository

    for path in FOLDER.glob("*.sql"):
        if int(path.name[:4]) < 12:
            (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    upgrade(fresh_pg_url, tmp_path)
    with psycopg.connect(fresh_pg_url) as conn:
        conn.execute("""INSERT INTO opening_notices (dossier_id, record, due_at) VALUES ('d1', '{"last_sent_at":
                        "2026-11-23T09:00:00+00:00", "upto": 4, "due_at": "2026-11-23T10:00:00+00:00"}',
                        '2026-11-23T10:00:00+00:00')""")
    assert upgrade(fresh_pg_url)[0] == "0012_carer_notices.sql"  # then the later ones
    db = Database(fresh_pg_url, max_size=2)
    try:
        openings, carers = PgOpeningNoticeRepository(db), PgOpeningNoticeRepository(db, "carers")
        hour = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        assert openings.get("d1") == OpeningDigest(hour, 4, hour.replace(hour=10))
        assert carers.get("d1") is None and carers.due(hour.replace(hour=11)) == []
        carers.update("d1", lambda state: OpeningDigest(upto=9, due_at=hour))
        assert openings.get("d1").upto == 4 and carers.get("d1").upto == 9
    finally:
        db.close()
