"""Build time of the PDF copy of a dossier with 20 documents (median of a few runs).

Run: .venv/bin/python -m bench.copy_pdf [--runs 5] [--documents 20] [--history 200]
The demo dossier is grown to that many documents the patient sees (3 with a file) and a history
of that many more entries, in a temporary store. Each run is what the download does: the
"export" decision journaled, the dossier read, the PDF rendered; the render alone and the ZIP
are timed too. The first run pays WeasyPrint's import and the stylesheet's parse: it is shown
apart and left out of the median.
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import pdfplumber

from dmp_web import create_app
from dmp_web.demo import load_demo_data
from dmp_web.domain.actors import Holder
from dmp_web.services import copies
from dmp_web.settings import Settings
from dmp_web.web.deps import ctx
from tests.web.copy_dossier import DOSSIER, grow_demo_dossier


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--history", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        settings = Settings(env="testing", secret_key="b" * 40, data_dir=Path(root) / "d", exports_dir=Path(root) / "e")
        app = create_app(settings)
        load_demo_data(app.extensions["dmp.repos"])
        grow_demo_dossier(app.extensions["dmp.repos"], visible=args.documents, files=3, history=args.history)
        with app.test_request_context():
            context = ctx()
            holder = Holder(DOSSIER)
            dossier = context.repos.dossiers.get(DOSSIER)
            first, made = timed(lambda: copies.pdf_copy(context, holder, dossier))
            whole, render, gather, archive = [], [], [], []
            for _ in range(args.runs):
                seconds, made = timed(lambda: copies.pdf_copy(context, holder, dossier))
                whole.append(seconds)
                seconds, content = timed(lambda: copies.gather(context, holder, dossier))
                gather.append(seconds)
                seconds, _ = timed(lambda content=content: copies.render_copy(content))
                render.append(seconds)
                seconds, _ = timed(lambda: copies.archive_copy(context, holder, dossier))
                archive.append(seconds)
    with pdfplumber.open(io.BytesIO(made.data)) as pdf:
        pages = len(pdf.pages)
    print(f"dossier: {len(content.documents)} documents the patient sees, {len(content.files)} files, "
          f"{len(content.history)} history entries")
    print(f"PDF: {pages} pages, {len(made.data) / 1024:.0f} KiB")
    print(f"first PDF copy (WeasyPrint import, stylesheet parse): {first:6.2f} s")
    print(f"PDF copy (decide + journal + read + render), median of {args.runs}: {statistics.median(whole):6.2f} s"
          f"   (min {min(whole):.2f}, max {max(whole):.2f})")
    print(f"  of which reading the dossier: {statistics.median(gather) * 1000:6.1f} ms,"
          f" rendering: {statistics.median(render):.2f} s ({statistics.median(render) / pages * 1000:.0f} ms a page)")
    print(f"ZIP archive (PDF + files + manifest), median of {args.runs}: {statistics.median(archive):6.2f} s")


if __name__ == "__main__":
    main()
