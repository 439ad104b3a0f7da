"""What a store keeps, as bytes, for the tests that prove nothing is kept in clear: every file
of the data folder and, on PostgreSQL, every row of every table (bytea columns decoded too)."""
from __future__ import annotations

import re


def everything_stored(app) -> bytes:
    files = b"".join(p.read_bytes() for p in app.config["DMP_SETTINGS"].data_dir.rglob("*") if p.is_file())
    db = getattr(app.extensions["dmp.repos"], "db", None)
    if db is None:
        return files
    with db.transaction() as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        rows = [r[0] for table in tables for r in conn.execute(f'SELECT t::text FROM "{table}" t')]
    # a bytea column reads as hex in a row's text: its bytes are decoded, so clear bytes would show
    decoded = b"".join(bytes.fromhex(h) for row in rows for h in re.findall(r"\\+x([0-9a-f]+)", row)
                       if len(h) % 2 == 0)
    return files + "\n".join(rows).encode() + decoded


def journal_stored(app, dossier_id: str) -> bytes:
    """A dossier's journal as stored: its segment files, or its rows."""
    db = getattr(app.extensions["dmp.repos"], "db", None)
    if db is None:
        return b"".join(p.read_bytes() for p in app.extensions["dmp.store"].path(
            "dossiers", dossier_id[:2], dossier_id, "journal").iterdir())
    with db.transaction() as conn:
        rows = conn.execute("SELECT stored::text FROM journal_entries WHERE journal_id = %s", (dossier_id,)).fetchall()
    return "\n".join(r[0] for r in rows).encode()
