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
from pathlib import Path

from dmp_web.demo import load_demo_data
from dmp_web.store import FileStore
from dmp_web.store.crypto import Sealer, decode_key, encode_key

from ..smtp_server import SmtpTestServer, free_port

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
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def production_environment(root: Path, smtp: SmtpTestServer, port: int) -> dict[str, str]:
    data_key = encode_key(Sealer.generate_key())
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DMP_ENV": "production",
        "DMP_SECRET_KEY": "tls-test-secret-" + "s" * 40,
        "DMP_DATA_KEYS": data_key,
        "DMP_DATA_DIR": str(root / "data"),
        "DMP_EXPORTS_DIR": str(root / "exports"),
        "DMP_SITE_URL": f"https://127.0.0.1:{port}",
        "DMP_SMTP_HOST": smtp.host,
        "DMP_SMTP_PORT": str(smtp.port),
        "DMP_SMTP_FROM": "ne-pas-repondre@dmp.example",
        "DMP_SMS_EMAIL_DOMAIN": "sms.example.org",
        "DMP_BIND": f"127.0.0.1:{port}",
        "DMP_WORKERS": "2",
    }


def seed_demo_dossier(environment: dict[str, str]) -> None:
    """The demo patient and professionals, written straight into the store with the server's
    data key: production never runs demo-data, so the test puts them there before it starts."""
    sealer = Sealer.from_keys([decode_key(environment["DMP_DATA_KEYS"])], "documents")
    load_demo_data(FileStore(environment["DMP_DATA_DIR"]), sealer)


def start_gunicorn(root: Path, environment: dict[str, str], cert: Path, key: Path) -> GunicornServer:
    log_path = root / "gunicorn.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--certfile", str(cert), "--keyfile", str(key),
         "app:app"],
        cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )
    context = ssl.create_default_context(cafile=str(cert))
    server = GunicornServer(environment["DMP_SITE_URL"], process, log_path, context, Path(environment["DMP_DATA_DIR"]))
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/", context=context, timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer in 40 s:\n{log_path.read_text()}")
