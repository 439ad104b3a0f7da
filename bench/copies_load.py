"""The home page's latency while 8 patients' copies are made, against the same page idle.

Run: .venv/bin/python -m bench.copies_load [--patients 8] [--documents 100]
As in production: gunicorn (gunicorn.conf.py, 2 workers, HTTPS on loopback) and the
background worker as its own process (`flask --app app worker`, 2 threads), one store, a
throw-away Redis and SMTP server. The home page is asked one request after the other: first
idle, then from the moment the 8 copies are asked until the last is ready. Target: p95 while
copying within 2x the idle p95 (the copies are made off the request path).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import percentile
from tests.redis_server import running_redis
from tests.smtp_server import free_port, running_smtp_server
from tests.tls.server import (
    PROJECT_ROOT, logged_in, make_certificate, production_environment, seed_demo_dossier, seed_patients, start_gunicorn,
    stop_process,
)
from tests.tls.browserlike import BrowserLike


def timed_home(client: BrowserLike, url: str) -> float:
    began = time.perf_counter()
    page = client.get(url + "/")
    assert page.status == 200
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=8)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--idle-requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_smtp_server() as smtp, running_redis() as redis_url:
        root = Path(folder)
        port = free_port()
        environment = {**production_environment(root, smtp, port, redis_url), "DMP_WORKER_THREADS": "2"}
        seed_demo_dossier(environment)
        people = seed_patients(environment, args.patients, args.documents)
        server = start_gunicorn(root, environment, *make_certificate(root))  # HTTPS: secure cookies
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=PROJECT_ROOT,
                                  env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            home = BrowserLike(server.ssl_context)
            time.sleep(2)  # the worker makes the booklets when it starts: let it finish
            idle = [timed_home(home, server.url) for _ in range(args.idle_requests)]
            clients = [logged_in(server, smtp, *person) for person in people]
            for client in clients:
                client.get("/mon-dmp/copie")
            asks = [threading.Thread(target=c.submit, args=("main form", {})) for c in clients]
            began = time.monotonic()
            for thread in asks:
                thread.start()
            busy, ready = [], set()
            while len(ready) < len(clients):
                busy.append(timed_home(home, server.url))
                if len(busy) % 10 == 0:
                    for n, client in enumerate(clients):
                        if n not in ready and client.get("/mon-dmp/copie/a-imprimer").h1 == "Votre copie est prête":
                            ready.add(n)
            made_in = time.monotonic() - began
        finally:
            stop_process(worker)
            server.stop()
    rows = [("home page, idle", idle), (f"home page, while {len(clients)} copies are made", busy)]
    print(f"{len(clients)} copies of {args.documents} documents made in {made_in:.1f} s\n")
    print("| | requests | p50 | p95 |")
    print("| --- | --- | --- | --- |")
    for label, samples in rows:
        print(f"| {label} | {len(samples)} | {percentile(samples, 50):.2f} | {percentile(samples, 95):.2f} |")
    ratio = percentile(busy, 95) / percentile(idle, 95)
    print(f"\np95 while copying / p95 idle: {ratio:.2f} (target: at most 2)")


if __name__ == "__main__":
    main()
