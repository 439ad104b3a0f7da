"""Two app servers (gunicorn, 2 workers each, over HTTPS) against one PostgreSQL, 8 patients'
sessions spread over both adding documents and hiding and showing them, while workers are
killed with SIGKILL: no acknowledged write is lost, no journal entry lacks its change and no
change lacks its entry, and every journal's chain holds. (The same on the file store, one
server and 8 workers: test_workers_killed.py.)"""
from __future__ import annotations

import http.client
import re
import threading

import pytest

from dmp_web.domain.details import read_detail
from dmp_web.domain.journal import ChainKey
from dmp_web.store.crypto import Sealer, decode_key
from dmp_web.store.pg import Database
from dmp_web.store.pg.migrations import upgrade
from dmp_web.store.pg.repositories import PgRepositories

from ..smtp_server import free_port, running_smtp_server
from .server import logged_in, make_certificate, own_redis_db, production_environment, seed_patients, start_gunicorn
from .test_workers_killed import keep_adding, keep_killing

WRITERS = 8
LOAD_SECONDS = 10


def pg_repositories(environment: dict[str, str]) -> PgRepositories:
    sealer = Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "documents")
    chain = ChainKey(decode_key(environment["DMP_JOURNAL_KEY"]))
    return PgRepositories(Database(environment["DMP_DATABASE_URL"], max_size=4), sealer,
                          Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "sessions"), chain)


def keep_hiding(client, stop: threading.Event, acknowledged: list) -> None:
    """Hide then show the first document of the list, again and again (plain forms, no script)."""
    while not stop.is_set():
        try:
            page = client.get("/mon-dmp/documents")
            form = page.soup.select_one("main form[action*='/acces']")
            if form is None:
                continue
            answer = client.submit(f"form[action='{form['action']}']", {})
        except (OSError, http.client.HTTPException):  # the worker died with the request: not acknowledged
            continue
        if answer.status == 200 and answer.url.endswith("/mon-dmp/documents"):
            acknowledged.append(form["action"])


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, redis_url, pg_server_url):
    import psycopg

    root = tmp_path_factory.mktemp("two-servers")
    cert, key = make_certificate(root)
    database = "two_servers"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    url = pg_server_url.rsplit("/", 1)[0] + f"/{database}"
    upgrade(url)
    with running_smtp_server() as smtp:
        ports = [free_port(), free_port()]
        base = {**production_environment(root, smtp, ports[0], own_redis_db(redis_url, 3)), "DMP_DATABASE_URL": url}
        environments = [{**base, "DMP_BIND": f"127.0.0.1:{port}", "DMP_SITE_URL": f"https://127.0.0.1:{port}",
                         "DMP_DATA_DIR": str(root / f"data{n}"), "DMP_EXPORTS_DIR": str(root / f"exports{n}")}
                        for n, port in enumerate(ports)]
        people = seed_patients(environments[0], WRITERS, documents=2)  # through the file store's helper…
        repos = pg_repositories(environments[0])
        copy_seeded(environments[0], repos)  # …then into the database both servers share
        servers = []
        for n, env in enumerate(environments):
            (root / f"s{n}").mkdir()
            servers.append(start_gunicorn(root / f"s{n}", env, cert, key))
        try:
            clients = [logged_in(servers[n % 2], smtp, *people[n]) for n in range(WRITERS)]
            stop, added, failed, hidden, killed = threading.Event(), [], [], [], []
            threads = [threading.Thread(target=keep_adding, args=(clients[n], str(n), stop, added, failed))
                       for n in range(WRITERS) if n % 4]
            threads += [threading.Thread(target=keep_hiding, args=(clients[n], stop, hidden))
                        for n in range(WRITERS) if not n % 4]
            for thread in threads:
                thread.start()
            killed += keep_killing(servers, LOAD_SECONDS, seed=5, pause=(0.1, 0.5))
            stop.set()
            for thread in threads:
                thread.join(60)
        finally:
            for server in servers:
                server.stop()
        yield {"repos": repos, "people": people, "added": added, "failed": failed, "hidden": hidden,
               "killed": killed}
        repos.db.close()


def copy_seeded(environment: dict[str, str], repos: PgRepositories) -> None:
    """The seeded patients and the demo's directory, written into the database."""
    from dmp_web.demo import load_demo_data
    from dmp_web.store.dossiers import Repositories
    from dmp_web.store.files import FileStore

    sealer = Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "documents")
    files = Repositories(FileStore(environment["DMP_DATA_DIR"]), sealer,
                         chain=ChainKey(decode_key(environment["DMP_JOURNAL_KEY"])))
    load_demo_data(repos)
    for dossier_id in files.dossiers.all_ids():
        dossier = files.dossiers.get(dossier_id)
        if repos.dossiers.get(dossier_id) is None:
            repos.register.put(files.register.get(dossier.holder_nir))
            repos.dossiers.add(dossier)
            repos.accounts.add(files.accounts.get(dossier_id))
            for document in files.documents.list(dossier_id):
                repos.documents.add(document, text=files.documents.text(dossier_id, document.id))


def test_the_load_ran_on_both_servers_while_workers_were_killed(two_servers):
    counts = {k: len(two_servers[k]) for k in ("killed", "added", "failed", "hidden")}
    print(counts)
    assert counts["killed"] >= 8 and counts["added"] >= 20 and counts["hidden"] >= 5, counts


def test_no_acknowledged_write_is_lost_and_no_entry_lacks_its_change(two_servers):
    repos = two_servers["repos"]
    titles, journaled = set(), []
    for dossier_id in repos.dossiers.all_ids():
        documents = {d.id: d for d in repos.documents.list(dossier_id) if re.fullmatch(r"Note \d+-\d+", d.title)}
        titles |= {d.title for d in documents.values()}
        seeded = {d.id for d in repos.documents.list(dossier_id)} - set(documents)  # written by the test
        added = [read_detail(e.detail).document_id for e in repos.journal.entries(dossier_id)
                 if e.action == "write_document" and e.allowed and read_detail(e.detail).document_id not in seeded]
        assert len(added) == len(set(added))  # no change journaled twice
        assert set(added) == set(documents), dossier_id  # no orphan entry, no document without its entry
        journaled += added
        for document_id in documents:
            assert re.fullmatch(r"Texte de Note \d+-\d+", repos.documents.text(dossier_id, document_id))
        hides = [e for e in repos.journal.entries(dossier_id) if e.action == "hide_document" and e.allowed]
        for document in repos.documents.list(dossier_id):  # the last hide or show journaled is the state
            mine = [read_detail(e.detail) for e in hides if read_detail(e.detail).document_id == document.id]
            if mine:
                assert document.hidden is (mine[-1].note == "hidden"), document.id
    assert set(two_servers["added"]) <= titles


def test_every_journal_holds(two_servers):
    repos = two_servers["repos"]
    for dossier_id in repos.journal.journal_ids():
        assert repos.journal.check(dossier_id) is None, dossier_id
    assert repos.operators.check() is None
