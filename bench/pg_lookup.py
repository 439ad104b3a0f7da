"""bench.data_layer's costs on PostgreSQL: journal append, history page, keyed lookup.

Run: .venv/bin/python -m bench.pg_lookup [--sizes 100,10000,100000] [--samples 500] [--rebuild]

- Server: bench/pg_cluster.py (the cluster kept in /tmp/bench-pg-cache/cluster; fsync and
  synchronous_commit on, so an append's commit waits for its WAL flush).
- Journal (PgJournal): for each size, a fresh database and one dossier's journal of that many
  entries: the first appended by PgJournal.append (its key and head), the others made and chained
  as the app makes them (make_entry, sealed with the dossier's key) and sent by COPY, the head
  written last; journal.check() proves the chain. Then `samples` history pages (page_of, the first
  page, 20 entries) and `samples` appends (PgJournal.append, one transaction each) are timed, the
  sizes taking turns (one of each per round, after 20 rounds to warm up).
- Keyed lookup (PgDossiers.find_by_nir: the dossier_keys row, then the dossier's): dossier_keys
  holds 100 k, then (another database) 10 M synthetic NIR keys, in random order, loaded by COPY
  (the 10 M with its indexes made after the load); the keys point to 100 k real dossier rows. The
  two databases are kept (bench_keys_<n>; --rebuild makes them again). Lookups are of random keys,
  the two sizes taking turns, after pg_prewarm has read both tables and indexes into shared
  buffers. The key's SELECT alone is timed as the server runs it (EXPLAIN ANALYZE's execution
  time: the index's cost without the round trips), both then and right after the server started
  (its pages read from the OS's cache or the disk).
Each figure is p50 / p95 in milliseconds; the last column is largest / smallest p50.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import datetime, UTC

import psycopg
from psycopg.types.json import Jsonb

from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.journal import ChainKey, Head, make_entry
from dmp_web.services.history import page_of
from dmp_web.store.codec import to_row
from dmp_web.store.crypto import Sealer
from dmp_web.store.pg import Database
from dmp_web.store.pg.dossiers import PgDossiers
from dmp_web.store.pg.journal import PgJournal
from dmp_web.store.pg.migrations import upgrade

from . import pg_cluster
from .data_layer import AT, HOLDER

DOSSIERS = 100_000  # the dossier rows the keys point to
KEY_SIZES = (100_000, 10_000_000)
CHUNK = 1_000_000  # key rows per COPY transaction
WARM_UP = 20


# -- journal --------------------------------------------------------------------------------

def filled_journal(url: str, size: int) -> tuple[PgJournal, str]:
    journal = PgJournal(Database(url), Sealer(Sealer.generate_key()), ChainKey(Sealer.generate_key()))
    dossier = f"{size:024x}"
    journal.append(dossier, AT, HOLDER, "login_succeeded")  # its key and head
    with journal.db.transaction() as conn:
        head = journal._head(conn, dossier, lock=True)
        seal_text = journal._dossier_sealer(conn, dossier, create=False).seal_text
        with conn.cursor().copy("COPY journal_entries (journal_id, seq, emergency, stored) FROM STDIN") as copy:
            for n in range(size - 1):
                entry = make_entry(head, dossier, journal.chain, AT, HOLDER, "read_dossier", detail=f"lecture {n}",
                                   seal_text=seal_text)
                copy.write_row((dossier, entry.seq, entry.emergency, Jsonb(entry.as_dict())))
                head = Head(head.count + 1, entry.hash)
        journal._write_head(conn, dossier, head)
    assert journal.check(dossier) is None and journal.count(dossier) == size
    return journal, dossier


def interleaved(actions: list, samples: int) -> list[tuple[float, float]]:
    """p50 / p95 (ms) of each action, timed in turns (one of each per round), so that a change of
    the machine's load falls on all of them."""
    times: list[list[float]] = [[] for _ in actions]
    for round_number in range(WARM_UP + samples):
        for action, kept in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            if round_number >= WARM_UP:
                kept.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(t), statistics.quantiles(t, n=100, method="inclusive")[94]) for t in times]


def journal_rows(server: str, sizes: list[int], samples: int) -> tuple[list, list[str]]:
    journals, notes = [], []
    try:
        for size in sizes:
            start = time.perf_counter()
            url = pg_cluster.fresh_database(server, f"bench_journal_{size}")
            upgrade(url)
            journals.append(filled_journal(url, size))
            pg_cluster.settle(url)
            notes.append(f"journal of {size:,} entries: made in {time.perf_counter() - start:.1f} s")
        pages = interleaved([lambda j=j, d=d: page_of(j, d, 1) for j, d in journals], samples)
        appends = interleaved([lambda j=j, d=d: j.append(d, AT, HOLDER, "read_dossier", detail="x")
                               for j, d in journals], samples)
    finally:
        for journal, _ in journals:
            journal.db.close()
        with psycopg.connect(server, autocommit=True) as conn:
            for size in sizes:
                conn.execute(f'DROP DATABASE IF EXISTS "bench_journal_{size}" WITH (FORCE)')
    return [("journal append", appends), ("history page (20 entries)", pages)], notes


# -- keyed lookup ---------------------------------------------------------------------------

def key(n: int) -> str:
    """The n-th synthetic NIR (15 digits): a permutation, so keys come in random order."""
    return f"1{n * 2654435761 % 10 ** 14:014d}"


def dossier_id(n: int) -> str:
    return f"{n % DOSSIERS:024x}"


def build_keys(server: str, size: int) -> float:
    start = time.perf_counter()
    url = pg_cluster.fresh_database(server, f"bench_keys_{size}")
    upgrade(url)
    created = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY dossiers (dossier_id, record, status) FROM STDIN") as copy:
            for n in range(DOSSIERS):
                dossier = Dossier(id=dossier_id(n), holder_nir=key(n), ins_c=f"ins{n}", created_at=created,
                                  consent=Consent("holder", "online", created, "online"), emergency_access=True)
                copy.write_row((dossier.id, Jsonb(to_row(dossier)), dossier.status))
        conn.commit()
        bulk = size > 1_000_000
        if bulk:  # indexes made after the load, sorted: minutes rather than an hour of random inserts
            conn.execute("ALTER TABLE dossier_keys DROP CONSTRAINT dossier_keys_pkey")
            conn.execute("DROP INDEX dossier_keys_dossier")
            conn.commit()
        for first in range(0, size, CHUNK):
            with conn.cursor().copy("COPY dossier_keys (kind, key, dossier_id) FROM STDIN") as copy:
                for block in range(first, min(first + CHUNK, size), 100_000):
                    copy.write("".join(f"nir\t{key(n)}\t{dossier_id(n)}\n"
                                       for n in range(block, min(block + 100_000, size))))
            conn.commit()
            print(f"  bench_keys_{size}: {min(first + CHUNK, size):,} keys", file=sys.stderr, flush=True)
        if bulk:
            conn.execute("ALTER TABLE dossier_keys ADD PRIMARY KEY (kind, key)")
            conn.execute("CREATE INDEX dossier_keys_dossier ON dossier_keys (dossier_id)")
            conn.commit()
    pg_cluster.settle(url)
    return time.perf_counter() - start


def ready_keys(server: str, size: int, rebuild: bool) -> dict:
    marker = pg_cluster.CACHE / f"keys_{size}.json"
    if rebuild or not marker.exists() or not pg_cluster.has_database(server, f"bench_keys_{size}"):
        print(f"loading {size:,} keys ...", file=sys.stderr, flush=True)
        seconds = build_keys(server, size)
        marker.write_text(json.dumps({"keys": size, "seconds": round(seconds, 1), "at": datetime.now().isoformat()}))
        return {**json.loads(marker.read_text()), "reused": False}
    upgrade(pg_cluster.database_url(server, f"bench_keys_{size}"))  # the schema of the code measured
    return {**json.loads(marker.read_text()), "reused": True}


def lookup_rows(server: str, samples: int, rebuild: bool) -> tuple[list, list[str]]:
    rng = random.Random(7)
    opened, notes = [], []
    try:
        for size in KEY_SIZES:
            built = ready_keys(server, size, rebuild)
            dossiers = PgDossiers(Database(pg_cluster.database_url(server, f"bench_keys_{size}")))
            opened.append((size, dossiers))
            with dossiers.db.transaction() as conn:
                index, table = conn.execute("SELECT pg_size_pretty(pg_relation_size('dossier_keys_pkey')), "
                                            "pg_size_pretty(pg_relation_size('dossier_keys'))").fetchone()
            how = "reused" if built["reused"] else "loaded now"
            notes.append(f"{size:,} keys: database bench_keys_{size} ({how}; the load took {built['seconds']} s); "
                         f"dossier_keys {table}, its primary key {index}")

        def finder(size, dossiers):
            chosen = iter([rng.randrange(size) for _ in range(WARM_UP + samples)])

            def find() -> None:
                n = next(chosen)
                assert dossiers.find_by_nir(key(n)).id == dossier_id(n)
            return find

        def server_side(pairs) -> list[tuple[float, float]]:
            """The key's SELECT as the server runs it (EXPLAIN ANALYZE): the index's cost, no round trip."""
            measured: list[list[float]] = []

            def probe(size, dossiers):
                kept: list[float] = []
                measured.append(kept)

                def run() -> None:
                    with dossiers.db.transaction() as conn:
                        plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT dossier_id FROM dossier_keys "
                                            "WHERE kind = 'nir' AND key = %s", (key(rng.randrange(size)),)).fetchone()
                    kept.append(plan[0][0]["Execution Time"])
                return run
            interleaved([probe(*pair) for pair in pairs], samples)
            return [(statistics.median(ms[WARM_UP:]), statistics.quantiles(ms[WARM_UP:], n=100, method="inclusive")[94])
                    for ms in measured]

        cold = server_side(opened)  # the server just started: pages from the OS's cache or the disk
        for _, dossiers in opened:
            with dossiers.db.transaction() as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
                for relation in ("dossier_keys", "dossier_keys_pkey", "dossiers", "dossiers_pkey"):
                    conn.execute("SELECT pg_prewarm(%s)", (relation,))
        results = interleaved([finder(*pair) for pair in opened], samples)
        warm = server_side(opened)
    finally:
        for _, dossiers in opened:
            dossiers.db.close()
    return [("keyed lookup, find_by_nir (100 k, 10 M keys)", results),
            ("  its key's SELECT, server side, tables in memory", warm),
            ("  the same, first reads after a restart", cold)], notes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true", help="load the keys' databases again")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with pg_cluster.running_cluster() as server:
        rows, journal_notes = journal_rows(server, sizes, args.samples)
        lookups, notes = lookup_rows(server, args.samples, args.rebuild)
    print("\n".join(journal_notes + notes))
    print(f"PostgreSQL; journal sizes {sizes}; {args.samples} samples each; ms p50 / p95")
    for name, figures in rows + lookups:
        cells = "  ".join(f"{p50:6.2f} / {p95:6.2f}" for p50, p95 in figures)
        print(f"{name:50} {cells}   ratio {figures[-1][0] / figures[0][0]:.2f}")


if __name__ == "__main__":
    main()
