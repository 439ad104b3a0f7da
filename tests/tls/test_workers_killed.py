"""8 gunicorn workers under load, killed with SIGKILL one after the other: no write the server
acknowledged is lost, and no journal entry says « a ajouté un document » for a document that is
not there (nor a document without its entry). What a killed worker left half done is finished
by the next unit of work of the dossier, or when the app starts again."""
from __future__ import annotations

import http.client
import os
import random
import re
import signal
import subprocess
import threading
import time

import pytest

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.details import read_detail
from dmp_web.domain.journal import ChainKey
from dmp_web.store.crypto import Sealer, decode_key
from dmp_web.store.dossiers import Repositories
from dmp_web.store.files import FileStore
from dmp_web.store.unit import recover_all

from ..smtp_server import free_port, running_smtp_server
from .browserlike import BrowserLike
from .journeys import PATIENT_EMAIL, last_code
from .server import make_certificate, production_environment, seed_demo_dossier, start_gunicorn

DOSSIER = DEMO_LOGIN["dossier_id"]
CLIENTS = 4
LOAD_SECONDS = 8


def logged_in(server, smtp) -> BrowserLike:
    client = BrowserLike(server.ssl_context)
    client.get(server.url + "/connexion")
    client.submit("main form", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    home = client.submit("main form", {"code": last_code(smtp, PATIENT_EMAIL)})
    assert home.url.endswith("/mon-dmp"), home.h1
    return client


def keep_adding(client: BrowserLike, name: str, stop: threading.Event, acknowledged: list, failed: list) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        title = f"Note {name}-{n}"
        try:
            client.get("/mon-dmp/documents/ajouter")
            page = client.submit("main form", {"title": title, "text": f"Texte de {title}"})
        except (OSError, http.client.HTTPException):  # the worker died with the request: not acknowledged
            failed.append(title)
            continue
        if page.url.endswith("/mon-dmp/documents") and "Votre document est ajouté." in page.soup.get_text():
            acknowledged.append(title)
        else:
            failed.append(title)


def keep_killing(servers, seconds: float, seed: int, pause: tuple[float, float]) -> list[int]:
    """SIGKILL a random worker of a random server every pause seconds, for `seconds`; the pids."""
    rng, killed = random.Random(seed), []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(*pause))
        pids = worker_pids(rng.choice(servers).process.pid)
        if pids:
            victim = rng.choice(pids)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    return killed


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


@pytest.fixture(scope="module")
def crashed_store(tmp_path_factory, redis_url):
    root = tmp_path_factory.mktemp("crash")
    cert, key = make_certificate(root)
    with running_smtp_server() as smtp:
        environment = {**production_environment(root, smtp, free_port(), redis_url), "DMP_WORKERS": "8"}
        seed_demo_dossier(environment)
        server = start_gunicorn(root, environment, cert, key)
        try:
            clients = [logged_in(server, smtp) for _ in range(CLIENTS)]
            assert len(worker_pids(server.process.pid)) == 8
            stop, acknowledged, failed, killed = threading.Event(), [], [], []
            threads = [threading.Thread(target=keep_adding, args=(c, str(i), stop, acknowledged, failed))
                       for i, c in enumerate(clients)]
            for thread in threads:
                thread.start()
            killed += keep_killing([server], LOAD_SECONDS, seed=11, pause=(0.05, 0.4))
            stop.set()
            for thread in threads:
                thread.join(60)
        finally:
            server.stop()
    sealer = Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "documents")
    repos = Repositories(FileStore(environment["DMP_DATA_DIR"]), sealer,
                         chain=ChainKey(decode_key(environment["DMP_JOURNAL_KEY"])))
    finished = recover_all(repos)  # as the app does when it starts again
    return {"repos": repos, "acknowledged": acknowledged, "failed": failed, "killed": killed, "finished": finished}


def test_the_load_ran_while_workers_were_killed(crashed_store):
    counts = {k: len(crashed_store[k]) for k in ("killed", "acknowledged", "failed")}
    print(counts, "units finished at start:", crashed_store["finished"])
    assert counts["killed"] >= 10 and counts["acknowledged"] >= 20 and counts["failed"] >= 1, counts


def test_no_acknowledged_document_is_lost(crashed_store):
    repos = crashed_store["repos"]
    titles = {d.title for d in repos.documents.list(DOSSIER)}
    assert set(crashed_store["acknowledged"]) <= titles
    assert len(set(crashed_store["acknowledged"])) == len(crashed_store["acknowledged"])


def test_every_document_has_its_entry_and_every_entry_its_document(crashed_store):
    repos = crashed_store["repos"]
    documents = {d.id: d for d in repos.documents.list(DOSSIER) if d.title.startswith("Note ")}
    added = [read_detail(e.detail).document_id for e in repos.journal.entries(DOSSIER)
             if e.action == "write_document" and e.allowed]
    assert len(added) == len(set(added))  # no change journaled twice
    assert set(added) == set(documents)  # neither an orphan entry nor a document without its entry
    assert repos.journal.check(DOSSIER) is None
    for document_id in documents:
        assert re.fullmatch(r"Texte de Note \d+-\d+", repos.documents.text(DOSSIER, document_id))
