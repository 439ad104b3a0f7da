"""The patient's documents page at 10 and 2,000 documents.

Run: .venv/bin/python -m bench.documents_page [--requests 50]
The demo dossier gets the documents in one write, then the logged-in patient asks the page
through Flask's test client (no server: the page's own cost). The page shows 50 documents at a
time; the list it is cut from is read once while the dossier's documents file is unchanged.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from datetime import datetime, timedelta, UTC
from pathlib import Path

from dmp_web.domain.documents import Document
from tests.conftest import make_app
from tests.web.copy_dossier import DOSSIER

TYPES = ["consultation_report", "lab_results", "medication_prescription", "imaging_report"]


def timings(documents: int, requests: int, root: Path) -> tuple[float, float]:
    app = make_app(root, WTF_CSRF_ENABLED=False)
    repos = app.extensions["dmp.repos"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [repos.documents.prepare(Document(
        id=f"b{k:015x}", dossier_id=DOSSIER, type_code=TYPES[k % 4], title=f"Document {k}", author_kind="holder",
        author_id=DOSSIER, author_name="le titulaire", created_at=start + timedelta(hours=k),
        document_date=(start + timedelta(hours=k)).date()), text="Texte.") for k in range(documents)]
    with repos.store.transaction("dossiers", DOSSIER[:2], DOSSIER, "documents.json") as db:
        db.insert_multiple(rows)
    client = app.test_client()
    client.post("/connexion", data={"login_id": "fro7510", "password": "demo-dmp-2026"})
    client.post("/connexion/code", data={"code": app.extensions["dmp.notifier"].last_otp()})
    samples = []
    for _ in range(requests):
        began = time.perf_counter()
        assert client.get("/mon-dmp/documents").status_code == 200
        samples.append((time.perf_counter() - began) * 1000)
    cut = statistics.quantiles(samples, n=100, method="inclusive")
    return cut[49], cut[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    logging.getLogger("dmp.requests").setLevel(logging.WARNING)
    results = {}
    for documents in (10, 2000):
        with tempfile.TemporaryDirectory() as root:
            results[documents] = timings(documents, args.requests, Path(root))
    print("| | 10 documents | 2,000 documents | largest / smallest p50 |")
    print("| --- | --- | --- | --- |")
    small, large = results[10], results[2000]
    print(f"| documents page | {small[0]:.1f} / {small[1]:.1f} | {large[0]:.1f} / {large[1]:.1f} | "
          f"{large[0] / small[0]:.2f} |")


if __name__ == "__main__":
    main()
