"""p50 and p95 of the pages a patient and a professional use, at 1,000 and 100,000 dossiers,
against a bare Flask route served the same way.

Run: .venv/bin/python -m bench.pages [--store files|postgresql] [--sizes 1000,100000] [--requests 200]
     [--blocks 10] [--rebuild]

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
  bare route, so both see the same machine load. The sizes take turns in blocks: the app is made
  again on the other folder, and its actors log in again.
- --store postgresql: the same pages on PostgreSQL (bench/pg_cluster.py: a cluster kept in
  /tmp/bench-pg-cache/cluster, fsync and synchronous_commit on), one database per size
  (pages_<size>; the app's keys in /tmp/bench-pg-cache/pages/<size>). The demo data goes
  through the app's repositories; so does the first added dossier, whose rows are then the
  pattern the others are written by: the same rows (dossier_keys' NIR, INS-C and login, dossiers,
  accounts, register), made by the same code (to_row, dossier_identity), sent by COPY, 1,000
  dossiers per transaction. Then VACUUM (ANALYZE) and a checkpoint, before anything is timed.
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
import sys
import tempfile
import time
from datetime import date, datetime, UTC
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode


from bench.common import bare_app, percentile
from dmp_web import create_app
from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD, DIRECTORY, INSURED, load_demo_data
from dmp_web.domain.accounts import FIRST_CONNECTION_DONE, Account
from dmp_web.domain.credentials import hash_secret, new_login_id
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.identity import nir_key
from dmp_web.domain.register import InsuredPerson, PostalAddress, dossier_identity
from dmp_web.settings import Settings
from dmp_web.store.codec import to_row
from dmp_web.store.pg.migrations import upgrade
from dmp_web.store import FileStore
from dmp_web.store.dossiers import Repositories
from dmp_web.store.register import InsuredRegister, _to_row as register_row
from tests.browser.harness import LiveServer

from . import pg_cluster

CACHE = Path("/tmp/bench-pages-cache")
PG_CACHE = pg_cluster.CACHE / "pages"
PG_BATCH = 1000  # dossiers per transaction (6 rows each)
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


def settings(folder: Path, exports: Path, database_url: str | None = None) -> Settings:
    # testing: the data and journal keys are generated once and kept in the data folder, so a
    # cached folder opens again on the next run
    return Settings(env="testing", secret_key=SECRET, data_dir=folder / "data", exports_dir=exports,
                    database_url=database_url)


# -- building the dossiers ------------------------------------------------------------------

def person(n: int) -> InsuredPerson:
    """The n-th invented person: a valid NIR, unique by its last 6 digits (n < 1,000,000)."""
    year, month, department = 30 + n % 70, 1 + n // 7 % 12, 1 + n // 3 % 95
    department += department == 20  # Corsica's numbers carry letters: left out
    body = f"{1 + n % 2}{year:02d}{month:02d}{department:02d}{n:06d}"
    return InsuredPerson(
        nir=body + f"{nir_key(body):02d}", birth_name=f"NOM{n}", first_names="Camille", sex="MF"[n % 2],
        birth_date=date(1900 + year, month, 1 + n % 28), birth_place="Paris", vitale_serial=f"9{n:015d}",
        birth_place_code="75111", vitale_type="with_photo",
        address=PostalAddress(f"{n} rue des Tests", "75011", "Paris"),
        email=f"camille{n}@example.org",
    )


def dossier_id_of(n: int) -> str:
    # ids look like new_dossier_id()'s (24 hex), so they spread over the folders the same way
    return hashlib.sha256(f"bench-{n}".encode()).hexdigest()[:24]


def _build_share(data_dir: str, numbers: range, password_hash: str) -> None:
    """One worker's dossiers, through the repositories as a creation makes them (no journal)."""
    store = FileStore(data_dir)
    repos, register = Repositories(store), InsuredRegister(store)
    created = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    people = []
    for count, n in enumerate(numbers, 1):
        p = person(n)
        dossier_id = dossier_id_of(n)
        repos.dossiers.add(Dossier(
            id=dossier_id, **dossier_identity(p), created_at=created,
            consent=Consent("holder", "online", created, "online"), emergency_access=True,
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


# -- building on PostgreSQL ------------------------------------------------------------------

PG_COLUMNS = {"dossier_keys": "kind, key, dossier_id", "dossiers": "dossier_id, record, status, closed_at",
              "accounts": "dossier_id, login_id, record", "register": "nir, record"}


def pg_records(n: int, login_id: str, password_hash: str) -> tuple[InsuredPerson, Dossier, Account]:
    """The n-th person, dossier and account, as _build_share makes them."""
    p = person(n)
    created = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    dossier = Dossier(id=dossier_id_of(n), **dossier_identity(p), created_at=created,
                      consent=Consent("holder", "online", created, "online"), emergency_access=True)
    account = Account(login_id=login_id, dossier_id=dossier.id, password_hash=password_hash, email=p.email,
                      otp_channel="email", first_connection_step=FIRST_CONNECTION_DONE)
    return p, dossier, account


def pg_rows(p: InsuredPerson, dossier: Dossier, account: Account) -> dict[str, list[tuple]]:
    """The rows PgDossiers.add, PgAccountRepository.add and PgInsuredRegister.put_many write
    (store/pg/dossiers.py, accounts.py, register.py): jsonb records as dicts."""
    return {
        "dossier_keys": [("nir", dossier.holder_nir, dossier.id), ("ins_c", dossier.ins_c, dossier.id),
                         ("login", account.login_id, dossier.id)],
        "dossiers": [(dossier.id, to_row(dossier), dossier.status, None)],
        "accounts": [(dossier.id, account.login_id, to_row(account))],
        "register": [(p.nir, register_row(p))],
    }


def pg_written(conn, dossier_id: str, nir: str) -> dict[str, list[tuple]]:
    """What the tables hold for one dossier, in pg_rows' form."""
    def rows(sql, *args):
        return [tuple(r) for r in conn.execute(sql, args)]
    order = {"nir": 0, "ins_c": 1, "login": 2}
    return {
        "dossier_keys": sorted(rows("SELECT kind, key, dossier_id FROM dossier_keys WHERE dossier_id = %s", dossier_id),
                               key=lambda r: order[r[0]]),
        "dossiers": rows("SELECT dossier_id, record, status, closed_at FROM dossiers WHERE dossier_id = %s",
                         dossier_id),
        "accounts": rows("SELECT dossier_id, login_id, record FROM accounts WHERE dossier_id = %s", dossier_id),
        "register": rows("SELECT nir, record FROM register WHERE nir = %s", nir),
    }


def build_pg(server: str, folder: Path, size: int) -> float:
    """The demo data and size - 1 more dossiers in database pages_<size>; the seconds it took."""
    from psycopg.types.json import Jsonb

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    url = pg_cluster.fresh_database(server, f"pages_{size}")
    upgrade(url)
    with tempfile.TemporaryDirectory() as exports:
        app = create_app(settings(folder, Path(exports), url))
        repos = app.extensions["dmp.repos"]
        try:
            load_demo_data(repos)
            password_hash = hash_secret("un mot de passe de banc d'essai")
            demo_nirs = {p.nir for p in INSURED}
            taken = {DEMO_LOGIN["login_id"]}

            def login_id() -> str:  # unique, as add()'s redraw makes it
                while (made := new_login_id()) in taken:
                    pass
                taken.add(made)
                return made

            # the first through the repositories: the pattern of the rows copied
            first = pg_records(1, login_id(), password_hash)
            with repos.db.transaction() as conn:
                repos.dossiers.add(first[1], conn)
                repos.accounts.add(first[2], conn)
                repos.register.put_many([first[0]], conn)
            with repos.db.transaction() as conn:
                written = pg_written(conn, first[1].id, first[0].nir)
                assert written == pg_rows(*first), "rows differ from the repositories'"
            for batch_start in range(2, size, PG_BATCH):
                tables: dict[str, list[tuple]] = {name: [] for name in PG_COLUMNS}
                for n in range(batch_start, min(batch_start + PG_BATCH, size)):
                    records = pg_records(n, login_id(), password_hash)
                    assert records[0].nir not in demo_nirs
                    for name, rows in pg_rows(*records).items():
                        tables[name].extend(rows)
                with repos.db.transaction() as conn, conn.cursor() as cursor:
                    for name, rows in tables.items():
                        with cursor.copy(f"COPY {name} ({PG_COLUMNS[name]}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row([Jsonb(v) if isinstance(v, dict) else v for v in row])
                if (batch_start - 1) % 20_000 == 0:
                    print(f"  pages_{size}: {batch_start - 1:,} of {size:,}", file=sys.stderr, flush=True)
        finally:
            repos.db.close()
    pg_cluster.settle(url)
    seconds = time.perf_counter() - start
    (folder / "built.json").write_text(json.dumps({"dossiers": size, "seconds": round(seconds, 1), "jobs": 1,
                                                   "at": datetime.now().isoformat()}))
    return seconds


def ready_database(server: str, size: int, rebuild: bool) -> tuple[Path, dict, str]:
    folder = PG_CACHE / str(size)
    marker = folder / "built.json"  # written last: a build cut half-way is made again
    name = f"pages_{size}"
    if rebuild or not marker.exists() or not pg_cluster.has_database(server, name):
        print(f"building {size:,} dossiers in database {name} ...", file=sys.stderr, flush=True)
        build_pg(server, folder, size)
        built = {**json.loads(marker.read_text()), "reused": False}
    else:
        built = {**json.loads(marker.read_text()), "reused": True}
        upgrade(pg_cluster.database_url(server, name))  # the schema of the code measured
    return folder, built, pg_cluster.database_url(server, name)


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

def fresh_codes(repos) -> None:
    """As on a new day for the two accounts (as tests/browser/conftest.py does): a reused data
    folder's earlier runs do not count against the daily cap of codes, nor the one-a-minute rule."""
    with repos.accounts.updating(DOSSIER) as account:
        account.otp_sends, account.otp = [], None
    with repos.directory.updating_account(DOCTOR.rpps) as account:
        account.otp_sends, account.otp = [], None


def measure(folder: Path, size: int, requests: int, bare_port: int,
            database_url: str | None = None) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as exports:
        # the page's cost, not the limits
        app = create_app(settings(folder, Path(exports), database_url), RATELIMIT_ENABLED=False)
        repos = app.extensions["dmp.repos"]
        with contextlib.ExitStack() as closing:
            if database_url:
                closing.callback(repos.db.close)
            return _measure(app, repos, size, requests, bare_port, Path(exports))


def _measure(app, repos, size: int, requests: int, bare_port: int, exports: Path) -> dict[str, list[float]]:
    found = len(repos.dossiers.all_ids())
    assert found >= size, f"{found} dossiers, expected {size}"
    assert repos.dossiers.find_by_nir(person(size - 1).nir) is not None  # the last one made is found
    fresh_codes(repos)
    outbox = exports / "outbox" / "email"
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
        return f"{percentile(values, 50) * 1000:.2f} / {percentile(values, 95) * 1000:.2f}"

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
    parser.add_argument("--store", choices=("files", "postgresql"), default="files")
    parser.add_argument("--sizes", default="1000,100000", help="two numbers of dossiers, smaller first")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and size")
    parser.add_argument("--rebuild", action="store_true", help="make the cached data folders (databases) again")
    parser.add_argument("--blocks", type=int, default=10, help="the sizes take turns this many times")
    parser.add_argument("--jobs", type=int, default=2, help="processes that build the dossiers (files)")
    args = parser.parse_args()
    if args.store == "postgresql":
        with pg_cluster.running_cluster() as server:
            run(args, lambda size: ready_database(server, size, args.rebuild))
    else:
        run(args, lambda size: (*ready_folder(size, args.rebuild, args.jobs), None))


def run(args, ready) -> None:
    small, large = sorted(int(s) for s in args.sizes.split(","))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request would skew timings
    folders = {size: ready(size) for size in (small, large)}
    results: dict[int, dict[str, list[float]]] = {small: {}, large: {}}
    started = time.perf_counter()
    with LiveServer(bare_app()) as bare:
        # the sizes take turns, so that a change of the machine's load falls on both
        for block in range(args.blocks):
            for size in (small, large):
                print(f"block {block + 1}/{args.blocks}: {size:,} dossiers", file=sys.stderr, flush=True)
                folder, _, url = folders[size]
                # the request log's JSON lines are written, as in production, but not to our table
                with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
                    share = args.requests // args.blocks + (block < args.requests % args.blocks)
                    for name, values in measure(folder, size, share, bare.server.server_port, url).items():
                        results[size].setdefault(name, []).extend(values)
    print(f"store: {args.store}")
    for size, (folder, built, url) in folders.items():
        how = "reused" if built["reused"] else "built now"
        where = f"database pages_{size}" if url else str(folder)
        print(f"{size:,} dossiers: {where} ({how}; build took {built['seconds']} s with {built['jobs']} processes)")
    print(f"requests per page and size: {args.requests}, in {args.blocks} blocks per size taking turns, each after "
          f"{WARM_UP} to warm up and a real login; timed in {time.perf_counter() - started:.0f} s; ms p50 / p95\n")
    print(table(results, small, large))


if __name__ == "__main__":
    main()
