"""The store loses nothing under concurrent processes and survives a killed writer."""
import json
import multiprocessing
import os
import random
import signal
import time

import pytest

from dmp_web.store import FileStore, KeyTaken, ShardedTable, UnsafePath
from dmp_web.store import files as store_files

WRITERS = 4
RECORDS_EACH = 200


def _write_records(root: str, writer: int, start_event) -> None:
    store = FileStore(root)
    start_event.wait()
    for n in range(RECORDS_EACH):
        with store.transaction("shared", "journal.json") as db:
            db.insert({"writer": writer, "n": n})


def test_four_processes_writing_200_records_each_lose_nothing_and_leave_valid_json(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_write_records, args=(str(tmp_path), w, start)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0

    raw = json.loads((tmp_path / "shared" / "journal.json").read_text(encoding="utf-8"))
    rows = list(raw["_default"].values())
    assert len(rows) == WRITERS * RECORDS_EACH
    assert {(r["writer"], r["n"]) for r in rows} == {
        (w, n) for w in range(WRITERS) for n in range(RECORDS_EACH)
    }
    assert len(raw["_default"]) == len(set(raw["_default"]))  # no doc id written twice


def _write_until_killed(root: str, stop_at: int, ready) -> None:
    """Commit records one by one; on the stop_at-th commit, stall halfway through the write."""
    real_fsync = os.fsync

    def stalling_fsync(fd):
        if stalling_fsync.writes == stop_at:
            os.write(fd, b'{"half-written": ')  # garbage in the temporary file, never renamed
            ready.set()
            time.sleep(600)
        real_fsync(fd)

    stalling_fsync.writes = 0
    store_files.os.fsync = stalling_fsync  # type: ignore[attr-defined]
    store = FileStore(root)
    for n in range(10_000):
        stalling_fsync.writes = n
        with store.transaction("dossier", "journal.json") as db:
            db.insert({"n": n})


def test_a_writer_killed_in_the_middle_of_a_write_leaves_every_committed_record(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_write_until_killed, args=(str(tmp_path), 57, ready))
    proc.start()
    assert ready.wait(60), "the writer never reached the write it should be killed in"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL

    leftovers = list((tmp_path / ".tmp").glob(".journal.json.*.tmp"))
    assert leftovers, "the kill should have happened with a temporary file half written"

    store = FileStore(tmp_path, lock_timeout=5)
    assert store.clean_leftovers(older_than=3600) == 0  # it may be a write in progress: spared
    assert store.clean_leftovers(older_than=0) == len(leftovers)  # a start cleans what is old enough
    assert not [p for p in tmp_path.rglob("*.tmp") if p.is_file()]
    with store.snapshot("dossier", "journal.json") as db:
        assert sorted(r["n"] for r in db.all()) == list(range(57))
    # the lock died with the process: a new writer carries on at once
    with store.transaction("dossier", "journal.json") as db:
        db.insert({"n": 57})
    with store.snapshot("dossier", "journal.json") as db:
        assert len(db) == 58


def _kill_at_random(root: str) -> None:
    store = FileStore(root)
    while True:
        with store.transaction("stress", "data.json") as db:
            n = len(db)
            db.insert({"n": n, "padding": "x" * 2000})


def _records(root) -> list[int]:
    store = FileStore(root, lock_timeout=5)
    with store.snapshot("stress", "data.json") as db:
        return [r["n"] for r in db.all()]


def test_writers_killed_at_random_moments_never_leave_a_broken_file(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    rng = random.Random(7)
    for _ in range(5):
        before = len(_records(tmp_path))
        proc = ctx.Process(target=_kill_at_random, args=(str(tmp_path),))
        proc.start()
        # wait until this writer has committed something (a busy machine starts it slowly),
        # then kill it at a random moment of the writes that follow
        deadline = time.monotonic() + 60
        while len(_records(tmp_path)) <= before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        numbers = _records(tmp_path)
        assert len(numbers) > before, "the writer never committed a record"
        assert numbers == list(range(len(numbers)))  # contiguous: nothing half-applied


def test_a_transaction_that_raises_writes_nothing(tmp_path):
    store = FileStore(tmp_path)
    with store.transaction("d", "f.json") as db:
        db.insert({"n": 1})
    with pytest.raises(RuntimeError), store.transaction("d", "f.json") as db:
        db.insert({"n": 2})
        raise RuntimeError("boom")
    with store.snapshot("d", "f.json") as db:
        assert [r["n"] for r in db.all()] == [1]


@pytest.mark.parametrize("segment", ["..", "../etc", "a/b", "/etc/passwd", "", ".hidden", "x" * 200, "é"])
def test_no_path_segment_can_leave_the_data_folder(tmp_path, segment):
    store = FileStore(tmp_path)
    with pytest.raises(UnsafePath):
        store.path("keyed", segment)


def test_a_keyed_lookup_reads_only_its_own_shard(tmp_path):
    store = FileStore(tmp_path)
    table = ShardedTable(store, "login")
    for i in range(600):
        table.put(f"user{i:04d}", {"dossier": f"d{i}"})
    target = "user0421"
    folder = tmp_path / "keyed" / "login"
    shards = list(folder.glob("*/*/*.json"))
    assert len(shards) > 590  # the keys really are spread out: about one a shard
    for shard in shards:
        if shard.relative_to(folder).parts != table.shard_of(target):
            shard.write_text("not json at all")  # any read of another shard would now fail
    assert table.get(target) == {"dossier": "d421"}


def test_shards_of_one_folder_share_one_lock_file(tmp_path):
    table = ShardedTable(FileStore(tmp_path), "login")
    for i in range(2000):
        table.put(f"user{i:04d}", {"dossier": f"d{i}"})
    files = [p for p in (tmp_path / "keyed" / "login").rglob("*") if p.is_file()]
    shards = [p for p in files if p.suffix == ".json"]
    locks = [p for p in files if p.suffix == ".lock"]
    assert len(shards) > 1900 and len(locks) == len({p.relative_to(tmp_path).parts[2] for p in shards}) <= 256


def test_an_older_store_s_flat_shards_move_to_the_nested_ones(tmp_path):
    store = FileStore(tmp_path)
    with store.transaction("keyed", "login", "a7.json") as db:  # as the earlier version wrote them
        db.insert({"key": "hup7510", "value": {"dossier": "d1"}})
        db.insert({"key": "fro7510", "value": {"dossier": "d2"}})
    table = ShardedTable(store, "login")
    assert table.get("hup7510") is None  # not where a lookup looks
    assert table.migrate_flat() == 2 and table.migrate_flat() == 0
    assert table.get("hup7510") == {"dossier": "d1"} and table.get("fro7510") == {"dossier": "d2"}
    assert not list((tmp_path / "keyed" / "login").glob("*.json*"))


def test_adding_a_key_twice_with_another_value_is_refused(tmp_path):
    table = ShardedTable(FileStore(tmp_path), "ins")
    table.add("1234", {"dossier": "a"})
    table.add("1234", {"dossier": "a"})  # same value: idempotent
    with pytest.raises(KeyTaken):
        table.add("1234", {"dossier": "b"})
    assert table.get("1234") == {"dossier": "a"}


def _count_up(root: str, key: str, times: int) -> None:
    table = ShardedTable(FileStore(root), "counters")
    for _ in range(times):
        with table.updating(key) as value:
            value["n"] += 1


def test_updating_a_keyed_record_holds_the_lock_so_no_increment_is_lost(tmp_path):
    ShardedTable(FileStore(tmp_path), "counters").put("k", {"n": 0})
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_count_up, args=(str(tmp_path), "k", 50)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert ShardedTable(FileStore(tmp_path), "counters").get("k") == {"n": 150}


def test_no_write_lands_while_a_backup_links_its_snapshot(tmp_path, monkeypatch):
    import threading

    store = FileStore(tmp_path / "data", lock_timeout=10)
    for n in range(3):
        with store.transaction("t", f"f{n}.json") as db:
            db.insert({"n": n})
    walking, times = threading.Event(), {}
    real_link = store_files.os.link

    def slow_link(source, target):
        walking.set()
        time.sleep(0.05)
        real_link(source, target)

    def writer():
        walking.wait(5)
        with store.transaction("t", "f0.json") as db:
            db.insert({"n": "during"})
        times["write"] = time.monotonic()

    monkeypatch.setattr(store_files.os, "link", slow_link)
    thread = threading.Thread(target=writer)
    thread.start()
    linked = store.copy_consistent(tmp_path / "data" / ".backup-test")
    times["snapshot"] = time.monotonic()
    thread.join()
    assert len(linked) == 3
    assert times["write"] > times["snapshot"]  # the write waited for the snapshot to end
    with store.snapshot("t", "f0.json") as db:
        assert len(db) == 2  # and then it landed


def test_a_batch_job_s_scratch_folder_goes_with_it_or_at_the_next_start(tmp_path):
    store = FileStore(tmp_path)
    with store.scratch() as first, store.scratch() as second:
        assert first != second and first.parent == store.tmp_dir  # two jobs never share a folder
        (first / "bucket-000.spill").write_bytes(b"x")
    assert not first.exists() and not second.exists()
    left = tmp_path / ".tmp" / "scratch-killed"  # what a job killed with -9 leaves
    left.mkdir()
    (left / "bucket-001.spill").write_bytes(b"x")
    assert store.clean_leftovers(older_than=0) == 1 and not left.exists()  # a folder, not a crash
