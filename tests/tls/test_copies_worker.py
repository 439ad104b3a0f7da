"""8 patients ask at once for the copy of their 100-document DMP, over HTTPS, from gunicorn (2
workers) with the background worker as its own process (`flask --app app worker`), as in
production: every ask answers at once with the waiting page (no request waits on a render), the
home page keeps answering meanwhile, and every copy is then offered and downloads whole.

The home page's latency meanwhile is measured by bench/copies_load.py, not here."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest


from ..smtp_server import free_port, running_smtp_server
from .browserlike import BrowserLike
from .server import (
    PROJECT_ROOT, logged_in, make_certificate, own_redis_db, production_environment, seed_demo_dossier, seed_patients,
    start_gunicorn, stop_process,
)

PATIENTS = 8


@pytest.fixture(scope="module")
def copies_made(tmp_path_factory, redis_url):
    root = tmp_path_factory.mktemp("copies-worker")
    cert, key = make_certificate(root)
    with running_smtp_server() as smtp:
        environment = {**production_environment(root, smtp, free_port(), own_redis_db(redis_url, 2)),
                       "DMP_WORKER_THREADS": "2"}
        seed_demo_dossier(environment)
        people = seed_patients(environment, PATIENTS, documents=100)
        server = start_gunicorn(root, environment, cert, key)
        worker_log = (root / "worker.log").open("w", encoding="utf-8")
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=PROJECT_ROOT,
                                  env=environment, stdout=worker_log, stderr=subprocess.STDOUT)
        try:
            clients = [logged_in(server, smtp, *person) for person in people]
            for client in clients:
                client.get("/mon-dmp/copie")
            asked, start = [None] * PATIENTS, threading.Barrier(PATIENTS)

            def ask(n: int) -> None:
                start.wait()
                began = time.monotonic()
                page = clients[n].submit("main form", {})  # the first form: the copy to print
                asked[n] = (page, time.monotonic() - began)

            threads = [threading.Thread(target=ask, args=(n,)) for n in range(PATIENTS)]
            for thread in threads:
                thread.start()
            home = BrowserLike(server.ssl_context)
            homes = []
            while any(t.is_alive() for t in threads):
                homes.append(home.get(server.url + "/").status)
            for thread in threads:
                thread.join()

            ready, deadline = {}, time.monotonic() + 300
            while len(ready) < PATIENTS and time.monotonic() < deadline:
                homes.append(home.get(server.url + "/").status)
                for n, client in enumerate(clients):
                    if n not in ready:
                        page = client.get("/mon-dmp/copie/a-imprimer")
                        if page.h1 == "Votre copie est prête":
                            ready[n] = client.get("/mon-dmp/copie/copie-dmp.pdf")
                time.sleep(0.5)
            yield {"asked": asked, "ready": ready, "homes": homes, "worker": worker,
                   "worker_log": root / "worker.log"}
        finally:
            stop_process(worker)
            worker_log.close()
            server.stop()


def test_every_ask_answers_at_once_with_the_waiting_page(copies_made):
    for page, _seconds in copies_made["asked"]:
        assert page.status == 200 and page.url.endswith("/mon-dmp/copie/a-imprimer")
        # answered before its copy was made: the request did not wait on the render
        assert page.h1 == "Votre copie est en préparation"
        assert page.headers["Refresh"] == "10"


def test_the_home_page_answers_while_the_copies_are_made(copies_made):
    assert copies_made["homes"] and set(copies_made["homes"]) == {200}


def test_every_copy_is_made_by_the_worker_process_and_downloads_whole(copies_made):
    ready = copies_made["ready"]
    assert sorted(ready) == list(range(PATIENTS)), copies_made["worker_log"].read_text()
    for _n, response in ready.items():
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.body.startswith(b"%PDF") and response.body.rstrip().endswith(b"%%EOF")
    assert copies_made["worker"].poll() is None  # still running
