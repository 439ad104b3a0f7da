"""The app as an operator runs it: gunicorn with gunicorn.conf.py, in production mode, serving
HTTPS with a certificate made for the test, sending mail to a real SMTP server on loopback."""
from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

from dmp_web.demo import load_demo_data
from dmp_web.store import FileStore
from dmp_web.store.crypto import Sealer, decode_key, encode_key

from ..smtp_server import SmtpTestServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid two days."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_it_answers(url: str, context, process: subprocess.Popen, log: Path, what: str) -> None:
    """Until the URL answers; the server's log in the error if it stops or stays silent 40 s."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start:\n{log.read_text() if log.exists() else ''}")
        try:
            with urllib.request.urlopen(url, context=context, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    stop_process(process)
    raise RuntimeError(f"{what} did not answer in 40 s:\n{log.read_text() if log.exists() else ''}")


@dataclass
class GunicornServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    ssl_context: ssl.SSLContext
    data_dir: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8").splitlines()

    def stop(self) -> None:
        stop_process(self.process)


def production_environment(root: Path, smtp: SmtpTestServer, port: int,
                           redis_url: str = "redis://127.0.0.1:1/0") -> dict[str, str]:
    data_key = encode_key(Sealer.generate_key())
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DMP_ENV": "production",
        "DMP_SECRET_KEY": "tls-test-secret-" + "s" * 40,
        "DMP_DATA_KEYS": data_key,
        "DMP_JOURNAL_KEY": encode_key(Sealer.generate_key()),
        "DMP_DATA_DIR": str(root / "data"),
        "DMP_EXPORTS_DIR": str(root / "exports"),
        "DMP_SITE_URL": f"https://127.0.0.1:{port}",
        "DMP_SMTP_HOST": smtp.host,
        "DMP_SMTP_PORT": str(smtp.port),
        "DMP_SMTP_FROM": "ne-pas-repondre@dmp.example",
        "DMP_SMS_EMAIL_DOMAIN": "sms.example.org",
        "DMP_CONTACT_EMAIL": "contact@dmp.example.org",
        "DMP_RATELIMIT_STORAGE_URL": redis_url,
        "DMP_BIND": f"127.0.0.1:{port}",
        "DMP_WORKERS": "2",
    }


def own_redis_db(redis_url: str, number: int) -> str:
    """The run's Redis, another of its databases: a module's logins from 127.0.0.1 never use up
    the per-address limits of the modules after it."""
    return redis_url.rsplit("/", 1)[0] + f"/{number}"


def seed_demo_dossier(environment: dict[str, str]) -> None:
    """The demo patient and professionals, written straight into the store with the server's
    data key: production never runs demo-data, so the test puts them there before it starts."""
    from dmp_web.domain.journal import ChainKey
    from dmp_web.store.dossiers import Repositories

    sealer = Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "documents")
    from dmp_web.services.store_migration import mark_current

    chain = ChainKey(decode_key(environment["DMP_JOURNAL_KEY"]))
    store = FileStore(environment["DMP_DATA_DIR"])
    mark_current(store)  # written by this version: as the app marks a new data folder
    load_demo_data(Repositories(store, sealer, chain=chain))


def start_gunicorn(root: Path, environment: dict[str, str], cert: Path | None = None,
                   key: Path | None = None) -> GunicornServer:
    """gunicorn with gunicorn.conf.py: over HTTPS itself when given a certificate, else plain
    HTTP on DMP_BIND for a proxy in front."""
    log_path = root / "gunicorn.log"
    log = log_path.open("w", encoding="utf-8")
    tls = ["--certfile", str(cert), "--keyfile", str(key)] if cert else []
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *tls, "app:app"],
        cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )
    context = ssl.create_default_context(cafile=str(cert)) if cert else None
    url = environment["DMP_SITE_URL"] if cert else "http://" + environment["DMP_BIND"]
    wait_until_it_answers(url + "/", context, process, log_path, "gunicorn")
    return GunicornServer(url, process, log_path, context, Path(environment["DMP_DATA_DIR"]))

def seed_patients(environment: dict[str, str], count: int, documents: int) -> list[tuple[str, str]]:
    """`count` people of the register, each with a DMP of `documents` documents and an account:
    (identifier, e-mail) of each."""
    from dmp_web.demo import DEMO_PASSWORD
    from dmp_web.domain.accounts import FIRST_CONNECTION_DONE, Account
    from dmp_web.domain.credentials import hash_secret
    from dmp_web.domain.documents import Document
    from dmp_web.domain.dossier import Consent, Dossier
    from dmp_web.domain.identity import compute_ins_c, nir_key
    from dmp_web.domain.journal import ChainKey
    from dmp_web.domain.register import InsuredPerson, PostalAddress
    from dmp_web.store.dossiers import Repositories
    from dmp_web.store.register import InsuredRegister

    sealer = Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "documents")
    store = FileStore(environment["DMP_DATA_DIR"])
    repos = Repositories(store, sealer, chain=ChainKey(decode_key(environment["DMP_JOURNAL_KEY"])))
    register = InsuredRegister(store)
    created = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    password_hash = hash_secret(DEMO_PASSWORD)
    people = []
    for n in range(count):
        first = f"2750513{n + 100:03d}777"
        person = InsuredPerson(nir=f"{first}{nir_key(first):02d}", birth_name=f"CHARGE{n}", first_names="Anne",
                               sex="F", birth_date=date(1975, 5, 21), birth_place="Marseille",
                               vitale_serial=f"99{n:014d}", vitale_type="without_photo",
                               address=PostalAddress(f"{n + 1} rue des Tests", "13003", "Marseille"))
        register.put(person)
        dossier_id = f"ch{n:02d}0000000000000001"
        repos.dossiers.add(Dossier(id=dossier_id, holder_nir=person.nir,
                                   ins_c=compute_ins_c(person.nir, person.first_names, person.birth_date),
                                   created_at=created, consent=Consent("holder", "test", created, "online")))
        login_id, email = f"chg75{n:02d}", f"charge{n}@example.org"
        repos.accounts.add(Account(login_id=login_id, dossier_id=dossier_id, password_hash=password_hash,
                                   email=email, otp_channel="email", first_connection_step=FIRST_CONNECTION_DONE))
        for k in range(documents):
            at = created + timedelta(days=k)
            repos.documents.add(Document(
                id=f"c{n:02d}{k:013x}", dossier_id=dossier_id, type_code="patient_note",
                title=f"Note {k + 1} de la patiente {n}", author_kind="holder", author_id=dossier_id,
                author_name="le titulaire", created_at=at, document_date=at.date()),
                text="\n".join(f"Ligne {line} de la note {k + 1}." for line in range(6)))
        people.append((login_id, email))
    return people


def logged_in(server, smtp, login_id: str, email: str):
    """A patient logged in with their password and the code e-mailed to them."""
    from dmp_web.demo import DEMO_PASSWORD

    from .browserlike import BrowserLike
    from .journeys import last_code

    client = BrowserLike(server.ssl_context)
    client.get(server.url + "/connexion")
    client.submit("main form", {"login_id": login_id, "password": DEMO_PASSWORD})
    home = client.submit("main form", {"code": last_code(smtp, email)})
    assert home.url.endswith("/mon-dmp"), home.h1
    return client



@dataclass
class NginxServer:
    url: str
    http_url: str
    process: subprocess.Popen
    error_log: Path

    def stop(self) -> None:
        stop_process(self.process)


def start_nginx(root: Path, cert: Path, key: Path, upstream: str, https_port: int, http_port: int) -> NginxServer:
    """nginx with deploy/nginx-dmp.conf as an operator installs it, only its ports, name and
    certificate paths changed for the test (IPv6 left out: the test host may not have it)."""
    site = (PROJECT_ROOT / "deploy" / "nginx-dmp.conf").read_text(encoding="utf-8")
    for old, new in [("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;", ""),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("listen [::]:443 ssl http2;", ""), ("server 127.0.0.1:8000;", f"server {upstream};"),
                     ("/etc/ssl/dmp/fullchain.pem", str(cert)), ("/etc/ssl/dmp/privkey.pem", str(key)),
                     ("server_name dmp.example.org;", "server_name 127.0.0.1;")]:
        assert old in site, f"deploy/nginx-dmp.conf no longer has {old!r}"
        site = site.replace(old, new)
    (root / "site.conf").write_text(site, encoding="utf-8")
    temp = root / "nginx-temp"
    temp.mkdir()
    user = "user root root;" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log info;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {root}/site.conf;
}}
""", encoding="utf-8")
    checked = subprocess.run(["nginx", "-t", "-p", str(root), "-c", str(root / "nginx.conf")], capture_output=True,
                             text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t refused the site:\n{checked.stderr}")
    process = subprocess.Popen(["nginx", "-p", str(root), "-c", str(root / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = NginxServer(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", process,
                         root / "nginx-error.log")
    wait_until_it_answers(server.url + "/sante", ssl.create_default_context(cafile=str(cert)), process,
                          server.error_log, "nginx")
    return server
