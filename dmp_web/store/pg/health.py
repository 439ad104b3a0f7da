"""What the health check reads and writes on PostgreSQL: a probe, and the data keys' canary,
as rows of `store_facts` (the same checks as store/health.py on files)."""
from __future__ import annotations

import secrets

from psycopg.types.json import Jsonb

from ..crypto import Sealer
from ..health import CANARY
from . import Database


class PgHealthRecords:
    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    def write_and_read(self) -> bool:
        value = secrets.token_hex(8)
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO store_facts (name, value) VALUES ('probe', %s) "
                         "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", (Jsonb(value),))
        with self.db.transaction() as conn:
            row = conn.execute("SELECT value FROM store_facts WHERE name = 'probe'").fetchone()
        return bool(row) and row[0] == value

    def canary_opens(self) -> bool:
        """The canary sealed at the first check opens with today's keys (SealBroken otherwise)."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO store_facts (name, value) VALUES ('canary', %s) ON CONFLICT DO NOTHING",
                         (Jsonb(self.sealer.seal(CANARY).decode("ascii")),))
            sealed = conn.execute("SELECT value FROM store_facts WHERE name = 'canary'").fetchone()[0]
        return self.sealer.open(sealed.encode("ascii")) == CANARY

    def reseal_canary(self) -> int:
        with self.db.transaction() as conn:
            row = conn.execute("SELECT value FROM store_facts WHERE name = 'canary' FOR UPDATE").fetchone()
            if row is None:
                return 0
            conn.execute("UPDATE store_facts SET value = %s WHERE name = 'canary'",
                         (Jsonb(self.sealer.reseal_text(row[0])),))
        return 1
