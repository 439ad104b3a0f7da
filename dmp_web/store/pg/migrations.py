"""Versioned schema files (migrations/NNNN_name.sql), applied in order, each once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

FOLDER = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK = 0x444D5057  # «DMPW»: the advisory lock every upgrade takes


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(folder: Path = FOLDER) -> list[Migration]:
    """The schema files, by version; two files with one version are a mistake of ours."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"{path.name}: a schema file is named NNNN_words.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions) or versions != sorted(versions):
        raise ValueError("two schema files have the same version")
    return found


def current_version(conn: psycopg.Connection) -> int:
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def upgrade(url: str, folder: Path = FOLDER) -> list[str]:
    """Apply the schema files the database has not had yet; the names applied (none: up to date)."""
    applied = []
    with psycopg.connect(url, autocommit=False) as conn:
        for migration in migrations(folder):
            with conn.transaction():
                # Two servers upgrading at once: the second waits, then sees the version done.
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                             "version integer PRIMARY KEY, name text NOT NULL, "
                             "applied_at timestamptz NOT NULL DEFAULT now())")
                if migration.version <= current_version(conn):
                    continue
                conn.execute(migration.sql)
                conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)",
                             (migration.version, migration.name))
                applied.append(migration.name)
    return applied
