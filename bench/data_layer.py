"""Costs of the embedded store as it grows: journal append, history page, keyed lookup.

Run: .venv/bin/python -m bench.data_layer [--sizes 100,10000,100000] [--samples 200]

- Journal: a dossier's journal is filled to each size (entries made and chained as the app makes
  them, written straight into segments to save time), then `samples` appends and `samples`
  history pages (the first page, 20 entries, as the patient's page reads it) are timed.
- Keyed lookup: a table of 100,000 real keys, then tables modelled at 10 M and 68 M keys: a
  lookup reads one shard file, so for each key looked up its shard is written holding as many
  other keys as a real table of that size would put there (on average n / 16.7 M). The folders
  hold fewer files than a real table's; the file read is the same.
Each figure is p50 / p95 in milliseconds; the last column is largest / smallest p50.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import tempfile
import time
from datetime import datetime, UTC
from pathlib import Path

from dmp_web.domain.journal import Actor, ChainKey, Head, make_entry
from dmp_web.services.history import page_of
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import JournalRepository
from dmp_web.store.files import FileStore
from dmp_web.store.journal import SEGMENT
from dmp_web.store.sharded import ShardedTable

AT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
HOLDER = Actor("holder", "ab12cd34ef56ab12cd34ef56", "le titulaire")
SHARDS = 256 ** 3


def timed(action, samples: int) -> tuple[float, float]:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=100, method="inclusive")[94]


def filled_journal(root: Path, size: int) -> tuple[JournalRepository, str]:
    store = FileStore(root)
    journal = JournalRepository(store, Sealer(Sealer.generate_key()), ChainKey(Sealer.generate_key()))
    dossier = f"{size:024x}"
    journal.append(dossier, AT, HOLDER, "login_succeeded")  # creates the dossier's key and head
    files = journal.files(dossier)
    with files.hold() as held:
        head, lines = held.head, []
        seal_text = journal._dossier_sealer(dossier, create=False).seal_text
        for n in range(size - 1):
            entry = make_entry(head, dossier, journal.chain, AT, HOLDER, "read_dossier", detail=f"lecture {n}",
                               seal_text=seal_text)
            lines.append(json.dumps(entry.as_dict(), ensure_ascii=False, separators=(",", ":")).encode())
            head = Head(head.count + 1, entry.hash)
        first = files.rows(0, 1, held.head)
        lines = [json.dumps(first[0], ensure_ascii=False, separators=(",", ":")).encode(), *lines]
        for number in range(0, -(-len(lines) // SEGMENT)):
            path = files._segment_path(number)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\n".join(lines[number * SEGMENT:(number + 1) * SEGMENT]))
        files._write_head(head)
    assert files.check() is None
    return journal, dossier


def journal_rows(sizes: list[int], samples: int) -> list[tuple[str, list[tuple[float, float]]]]:
    appends, pages = [], []
    for size in sizes:
        with tempfile.TemporaryDirectory() as root:
            journal, dossier = filled_journal(Path(root), size)
            # each timed() runs at once, within this iteration: the lambdas' names are this size's
            pages.append(timed(lambda: page_of(journal, dossier, 1), samples))  # noqa: B023 - timed at once
            appends.append(timed(
                lambda: journal.append(dossier, AT, HOLDER, "read_dossier", detail="x"),  # noqa: B023 - timed at once
                samples))
    return [("journal append", appends), ("history page (20 entries)", pages)]


def _write_shard(store: FileStore, table: str, shard: tuple[str, str, str], rows: list[dict]) -> None:
    path = store.path("keyed", table, *shard)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"_default": {str(i + 1): row for i, row in enumerate(rows)}}))


def poisson(rng: random.Random, mean: float) -> int:
    """How many keys fall in one shard when n keys spread over SHARDS (Knuth's method)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def found(table: ShardedTable, key: str) -> None:
    assert table.get(key) is not None, key


def lookup_rows(samples: int) -> list[tuple[str, list[tuple[float, float]]]]:
    results = []
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as root:
        store = FileStore(root)
        table = ShardedTable(store, "real")
        by_shard: dict[tuple, list] = {}
        keys = [f"1{n:014d}" for n in range(100_000)]
        for key in keys:
            by_shard.setdefault(table.shard_of(key), []).append({"key": key, "value": {"dossier": key[-8:]}})
        for shard, rows in by_shard.items():
            _write_shard(store, "real", shard, rows)
        chosen = rng.sample(keys, samples)
        iterator = iter(chosen)
        results.append(timed(lambda: found(table, next(iterator)), samples))
        for size in (10_000_000, 68_000_000):
            model = ShardedTable(store, f"model{size}")
            chosen = [f"2{rng.randrange(10 ** 14):014d}" for _ in range(samples)]
            for key in chosen:  # its shard, as full as at this size
                neighbours = poisson(rng, size / SHARDS)  # the keys that share its shard
                rows = [{"key": f"9{n:014d}", "value": {"dossier": "x"}} for n in range(neighbours)]
                _write_shard(store, f"model{size}", model.shard_of(key),
                             [*rows, {"key": key, "value": {"dossier": "y"}}])
            iterator = iter(chosen)
            results.append(timed(lambda: found(model, next(iterator)), samples))  # noqa: B023 - timed at once
    return [("keyed lookup (100 k, 10 M, 68 M keys)", results)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,10000,100000")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"journal sizes {sizes}; {args.samples} samples each; ms p50 / p95")
    for name, figures in journal_rows(sizes, args.samples) + lookup_rows(args.samples):
        cells = "  ".join(f"{p50:6.2f} / {p95:6.2f}" for p50, p95 in figures)
        print(f"{name:38} {cells}   ratio {figures[-1][0] / figures[0][0]:.2f}")


if __name__ == "__main__":
    main()
