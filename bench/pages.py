"""p50 and p95 of the pages a patient and a professional use, at 1,000 and 100,000 dossiers,
against a bare Flask route served the same way.

Run: .venv/bin/python -m bench.pages [--sizes 1000,100000] [--requests 200] [--blocks 10] [--rebuild]

- Data: the demo data (its patient is the measured dossier, with its documents and history),
  then as many more dossiers as it takes to reach each size, each a real record made through
  the repositories: dossier, account, their keyed index entries (NIR, INS-C, login) and the
  person in the register. Only the measured dossier has documents and a journal. os.fsync is a
  no-op while building (the files are the same; only their durability is skipped), then
  os.sync() flushes them before anything is timed. Each size's data folder is kept in
  /tmp/bench-pages-cache/<size> and reused by the next run (--rebuild makes it again).
- Login: done for real over HTTP, once per actor and block (the patient, her médecin traitant):
  the form, the password, then the 8-digit code read from the outbox folder; the session cookie
  is then sent by hand with each request (http.client, a Cookie header).
- Timing: werkzeug's threaded server on 127.0.0.1 in this process (tests/browser/harness.py),
  rate limits off, a new connection per request; each page request is followed by one to the
  bare route, so both see the same machine load. The app cannot serve two data folders in one
  process at once (Flask-Login's user loader is shared), so the sizes take turns in blocks: the
  app is made again on the other folder, and its actors log in again.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import logging
import multiprocessing
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

from dmp_web import create_app
from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD, DIRECTORY, INSURED, load_demo_data
from dmp_web.domain.accounts import FIRST_CONNECTION_DONE, Account
from dmp_web.domain.credentials import hash_secret, new_login_id
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.identity import compute_ins_c, nir_key
from dmp_web.domain.register import InsuredPerson, PostalAddress
from dmp_web.settings import Settings
from dmp_web.store import FileStore
from dmp_web.store.dossiers import Repositories
from dmp_web.store.register import InsuredRegister
from tests.browser.harness import LiveServer

CACHE = Path("/tmp/bench-pages-cache")
SECRET = "bench-pages-secret-" + "k" * 32
DOSSIER = DEMO_LOGIN["dossier_id"]
DOCTOR = next(a for a in DIRECTORY if getattr(a, "rpps", "") == "10001000016")  # her médecin traitant
PATIENT_PERSON = next(p for p in INSURED if p.nir == DEMO_LOGIN["nir"])
BATCH = 5000  # register rows per put_many, as import-register writes them
WARM_UP = 20

# (label, actor, method, path, expected status); the form of the POST is added at run time
PAGES = [
    ("patient home `/mon-dmp`", "patient", "GET", "/mon-dmp", 200),
    ("documents list", "patient", "GET", "/mon-dmp/documents", 200),
    ("one document", "patient", "GET", "/mon-dmp/documents/d0c0000000000001", 200),
    ("history", "patient", "GET", "/mon-dmp/historique", 200),
    ("professional's dossier view", "pro", "GET", f"/pro/dmp/{DOSSIER}", 200),
    ("professional's find by NIR (POST)", "pro", "POST", "/pro/trouver", 302),
]


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/")
    def index():
        return "<!DOCTYPE html><html lang='fr'><title>x</title><h1>x</h1></html>"

    return app


def settings(folder: Path, exports: Path) -> Settings:
    # testing: the data and journal keys are generated once and kept in the data folder, so a
    # cached folder opens again on the next run
    return Settings(env="testing", secret_key=SECRET, data_dir=folder / "data", exports_dir=exports)


# -- building the dossiers ------------------------------------------------------------------

def person(n: int) -> InsuredPerson:
    """The n-th invented person: a valid NIR, unique by its last 6 digits (n < 1,000,000)."""
    year, month, department = 30 + n % 70, 1 + n // 7 % 12, 1 + n // 3 % 95
    department += department == 20  # Corsica's numbers carry letters: left out
    body = f"{1 + n % 2}{year:02d}{month:02d}{department:02d}{n:06d}"
    return InsuredPerson(
        nir=body + f"{nir_key(body):02d}", birth_name=f"NOM{n}", first_names="Camille", sex="MF"[n % 2],
        birth_date=date(1900 + year, month, 1 + n % 28), birth_place="Paris", vitale_serial=f"9{n:015d}",
        vitale_type="with_photo", address=PostalAddress(f"{n} rue des Tests", "75011", "Paris"),
        email=f"camille{n}@example.org",
    )


def _build_share(data_dir: str, numbers: range, password_hash: str) -> None:
    """One worker's dossiers, through the repositories as a creation makes them (no journal)."""
    store = FileStore(data_dir)
    repos, register = Repositories(store), InsuredRegister(store)
    created = datetime(2026, 1, 15, 10, 30, tzinfo=timezone.utc)
    people = []
    for count, n in enumerate(numbers, 1):
        p = person(n)
        # ids look like new_dossier_id()'s (24 hex), so they spread over the folders the same way
        dossier_id = hashlib.sha256(f"bench-{n}".encode()).hexdigest()[:24]
        repos.dossiers.add(Dossier(
            id=dossier_id, holder_nir=p.nir, ins_c=compute_ins_c(p.nir, p.first_names, p.birth_date),
            created_at=created, consent=Consent("holder", "online", created, "online"), emergency_access=True,
        ))
        repos.accounts.add(Account(
            login_id=new_login_id(), dossier_id=dossier_id, password_hash=password_hash, email=p.email,
            otp_channel="email", first_connection_step=FIRST_CONNECTION_DONE,
        ))
        people.append(p)
        if len(people) == BATCH:
            register.put_many(people)
            people = []
        if count % 10_000 == 0:
            print(f"  {data_dir}: {count:,} of {len(numbers):,} in this worker", file=sys.stderr, flush=True)
    if people:
        register.put_many(people)


@contextlib.contextmanager
def no_fsync():
    """The build is not timed, and durability changes nothing a page reads: 3 times faster."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real


def build(folder: Path, size: int, jobs: int) -> float:
    """The demo data and size - 1 more dossiers; the seconds it took."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    with no_fsync(), tempfile.TemporaryDirectory() as exports:
        app = create_app(settings(folder, Path(exports)))
        load_demo_data(app.extensions["dmp.repos"])
        password_hash = hash_secret("un mot de passe de banc d'essai")  # 40 ms: once, for every account
        numbers = range(1, size)
        context = multiprocessing.get_context("fork")  # inherits the no-op fsync
        workers = [context.Process(target=_build_share, args=(str(folder / "data"), numbers[i::jobs], password_hash))
                   for i in range(jobs)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
            if worker.exitcode != 0:
                raise RuntimeError(f"a build worker failed ({worker.exitcode})")
    os.sync()  # on disk before timing: no write-back of the build while pages are timed
    seconds = time.perf_counter() - start
    (folder / "built.json").write_text(json.dumps({"dossiers": size, "seconds": round(seconds, 1),
                                                   "jobs": jobs, "at": datetime.now().isoformat()}))
    return seconds


def ready_folder(size: int, rebuild: bool, jobs: int) -> tuple[Path, dict]:
    folder = CACHE / str(size)
    marker = folder / "built.json"  # written last: a build cut half-way is made again
    if rebuild or not marker.exists():
        print(f"building {size:,} dossiers in {folder} ...", file=sys.stderr, flush=True)
        build(folder, size, jobs)
        built = json.loads(marker.read_text())
        built["reused"] = False
    else:
        built = json.loads(marker.read_text())
        built["reused"] = True
    return folder, built


# -- HTTP with a cookie jar -----------------------------------------------------------------

class Client:
    """One visitor: sends back the cookies it was given, like a browser."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"User-Agent": "bench.pages"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        elapsed = time.perf_counter() - start
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.getheader("Location", ""), data.decode("utf-8", "replace"), elapsed

    def csrf(self, path: str) -> str:
        status, _, page, _ = self.request("GET", path)
        assert status == 200, (path, status)
        tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
        assert tag, f"no CSRF token on {path}"
        return re.search(r'value="([^"]+)"', tag.group(0)).group(1)

    def log_in(self, outbox: Path, login_path: str, login_id: str, email: str) -> None:
        """The real login: password, then the one-time code the outbox received."""
        token = self.csrf(login_path)
        before = set(outbox.glob("*.txt")) if outbox.exists() else set()
        status, location, _, _ = self.request("POST", login_path, {
            "csrf_token": token, "login_id": login_id, "password": DEMO_PASSWORD})
        assert (status, location) == (302, f"{login_path}/code"), (login_path, status, location)
        sent = [p for p in set(outbox.glob("*.txt")) - before if f"To: {email}\n" in p.read_text()]
        assert len(sent) == 1, f"expected one code for {email}, found {len(sent)}"
        code = re.search(r"\b(\d{8})\b", sent[0].read_text().split("\n\n", 1)[1]).group(1)
        status, location, _, _ = self.request("POST", f"{login_path}/code", {
            "csrf_token": self.csrf(f"{login_path}/code"), "code": code})
        assert status == 302 and location in ("/mon-dmp", "/pro"), (status, location)


# -- measuring ------------------------------------------------------------------------------

def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000


def fresh_codes(repos) -> None:
    """As on a new day for the two accounts (as tests/browser/conftest.py does): a reused data
    folder's earlier runs do not count against the daily cap of codes, nor the one-a-minute rule."""
    with repos.accounts.updating(DOSSIER) as account:
        account.otp_sends, account.otp = [], None
    with repos.directory.updating_account(DOCTOR.rpps) as account:
        account.otp_sends, account.otp = [], None


def measure(folder: Path, size: int, requests: int, bare_port: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as exports:
        app = create_app(settings(folder, Path(exports)), RATELIMIT_ENABLED=False)  # the page's cost, not the limits
        repos = app.extensions["dmp.repos"]
        found = len(repos.dossiers.all_ids())
        assert found >= size, f"{folder}: {found} dossiers, expected {size}"
        assert repos.dossiers.find_by_nir(person(size - 1).nir) is not None  # the last one made is found
        fresh_codes(repos)
        outbox = Path(exports) / "outbox" / "email"
        with LiveServer(app) as ours:
            port = ours.server.server_port
            clients = {"patient": Client(port), "pro": Client(port)}
            clients["patient"].log_in(outbox, "/connexion", DEMO_LOGIN["login_id"], DEMO_LOGIN["email"])
            clients["pro"].log_in(outbox, "/pro/connexion", DOCTOR.rpps, "pro01@example.org")
            find_form = {"csrf_token": clients["pro"].csrf("/pro/trouver"), "identifier": DEMO_LOGIN["nir"],
                         "birth_date": PATIENT_PERSON.birth_date.strftime("%d/%m/%Y")}
            bare = Client(bare_port)

            def page(label, actor, method, path, expected):
                status, location, _, elapsed = clients[actor].request(
                    method, path, find_form if method == "POST" else None)
                assert status == expected, (label, status, location)
                if method == "POST":
                    assert location == f"/pro/dmp/{DOSSIER}", location  # found, not an error page
                return elapsed

            def bare_route():
                status, _, _, elapsed = bare.request("GET", "/")
                assert status == 200
                return elapsed

            samples: dict[str, list[float]] = {label: [] for label, *_ in PAGES}
            samples["bare"] = []
            for round_number in range(WARM_UP + requests):
                for spec in PAGES:
                    page_time, bare_time = page(*spec), bare_route()
                    if round_number >= WARM_UP:
                        samples[spec[0]].append(page_time)
                        samples["bare"].append(bare_time)
    return samples


def table(results: dict[int, dict[str, list[float]]], small: int, large: int) -> str:
    def cell(values):
        return f"{percentile(values, 50):.2f} / {percentile(values, 95):.2f}"

    def short(size):
        return f"{size // 1000} k" if size % 1000 == 0 else f"{size:,}"

    bare_small, bare_large = results[small]["bare"], results[large]["bare"]
    lines = [
        f"| page | {short(small)} dossiers | {short(large)} dossiers | {short(large)} ÷ bare (p50 / p95) "
        f"| ≤ 3× bare | {short(large)} ÷ {short(small)} (p50) | ≤ 1.2× |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, *_ in PAGES:
        a, b = results[small][label], results[large][label]
        r50, r95 = percentile(b, 50) / percentile(bare_large, 50), percentile(b, 95) / percentile(bare_large, 95)
        growth = percentile(b, 50) / percentile(a, 50)
        r50, r95, growth = round(r50, 2), round(r95, 2), round(growth, 2)  # judged as printed
        lines.append(f"| {label} | {cell(a)} | {cell(b)} | {r50:.2f} / {r95:.2f} | "
                     f"{'yes' if r50 <= 3 else 'no'} / {'yes' if r95 <= 3 else 'no'} | {growth:.2f} | "
                     f"{'yes' if growth <= 1.2 else 'no'} |")
    lines.append(f"| bare Flask route | {cell(bare_small)} | {cell(bare_large)} | 1.00 / 1.00 | | "
                 f"{percentile(bare_large, 50) / percentile(bare_small, 50):.2f} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000", help="two numbers of dossiers, smaller first")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and size")
    parser.add_argument("--rebuild", action="store_true", help="make the cached data folders again")
    parser.add_argument("--blocks", type=int, default=10, help="the sizes take turns this many times")
    parser.add_argument("--jobs", type=int, default=2, help="processes that build the dossiers")
    args = parser.parse_args()
    small, large = sorted(int(s) for s in args.sizes.split(","))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request would skew timings
    folders = {size: ready_folder(size, args.rebuild, args.jobs) for size in (small, large)}
    results: dict[int, dict[str, list[float]]] = {small: {}, large: {}}
    started = time.perf_counter()
    with LiveServer(bare_app()) as bare:
        # the sizes take turns, so that a change of the machine's load falls on both
        for block in range(args.blocks):
            for size in (small, large):
                print(f"block {block + 1}/{args.blocks}: {size:,} dossiers", file=sys.stderr, flush=True)
                # the request log's JSON lines are written, as in production, but not to our table
                with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
                    share = args.requests // args.blocks + (block < args.requests % args.blocks)
                    for name, values in measure(folders[size][0], size, share, bare.server.server_port).items():
                        results[size].setdefault(name, []).extend(values)
    for size, (folder, built) in folders.items():
        how = "reused" if built["reused"] else "built now"
        print(f"{size:,} dossiers: {folder} ({how}; build took {built['seconds']} s with {built['jobs']} processes)")
    print(f"requests per page and size: {args.requests}, in {args.blocks} blocks per size taking turns, each after "
          f"{WARM_UP} to warm up and a real login; timed in {time.perf_counter() - started:.0f} s; ms p50 / p95\n")
    print(table(results, small, large))


if __name__ == "__main__":
    main()
