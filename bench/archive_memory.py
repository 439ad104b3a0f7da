"""Peak memory of the ZIP archive of a dossier with large files (the «archive» download).

Run: .venv/bin/python -m bench.archive_memory [--files 6] [--megabytes 8]
The demo dossier gets that many files of that size (random bytes: they do not compress), in a
temporary store. The archive is made and read to its end in blocks, as a response sends it;
tracemalloc gives the peak of Python's allocations during that, against the total size of the
files. Run by hand; the tests never time or measure.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import tracemalloc
from datetime import datetime, timedelta, UTC
from pathlib import Path


def main() -> None:
    from dmp_web import create_app
    from dmp_web.demo import DEMO_LOGIN, load_demo_data
    from dmp_web.domain.actors import Holder
    from dmp_web.domain.documents import Document
    from dmp_web.services import copies
    from dmp_web.settings import Settings
    from dmp_web.web.deps import ctx

    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--megabytes", type=int, default=8)
    args = parser.parse_args()
    dossier_id = DEMO_LOGIN["dossier_id"]
    with tempfile.TemporaryDirectory() as root:
        settings = Settings(env="testing", secret_key="b" * 40, data_dir=Path(root) / "d", exports_dir=Path(root) / "e")
        app = create_app(settings)
        repos = app.extensions["dmp.repos"]
        load_demo_data(repos)
        start = datetime(2026, 6, 1, tzinfo=UTC)
        for n in range(args.files):
            document = Document(f"b16f{n:012x}", dossier_id, "patient_note", f"Gros fichier {n + 1}", "holder",
                                dossier_id, "Fatima ROCHE", start + timedelta(days=n))
            repos.documents.add(document, file_name=f"scan-{n + 1}.bin", content_type="application/pdf",
                                data=os.urandom(args.megabytes * 1024 * 1024))
        with app.test_request_context():
            context = ctx()
            dossier = context.repos.dossiers.get(dossier_id)
            tracemalloc.start()
            made = copies.archive_copy(context, Holder(dossier_id), dossier)
            size = 0
            if made.data is not None:  # the archive built in memory, whole
                size = len(made.data)
            else:  # the archive in a spooled file, read in blocks as a response sends it
                while block := made.file.read(64 * 1024):
                    size += len(block)
                made.file.close()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    total = args.files * args.megabytes
    print(f"{args.files} files of {args.megabytes} MiB ({total} MiB), archive {size / 2**20:.1f} MiB")
    print(f"peak of Python allocations while making and sending it: {peak / 2**20:.1f} MiB "
          f"({peak / 2**20 / total:.2f} × the files)")


if __name__ == "__main__":
    main()
