"""The background worker's jobs (store/copies.py): one worker takes each job, a killed worker's
job goes back to the queue, a replaced job never overwrites its successor, a kept copy is sealed
and read back only whole and in order."""
from __future__ import annotations

import io
import os
import threading
import time
from datetime import datetime, timedelta, UTC

import pytest

from dmp_web.store.copies import DONE, FAILED, QUEUE, QUEUED, RUNNING, RUNNING_STATE, JobStore, OutputBroken
from dmp_web.store.crypto import Sealer
from dmp_web.store.files import FileStore
from dmp_web.store.pg import Database
from dmp_web.store.pg.jobs import PgJobStore
from dmp_web.store.pg.migrations import upgrade

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DOSSIER = "d3m0f47140a0c5e55e0001"


@pytest.fixture(params=["files", "postgresql"])
def jobs(request, tmp_path):
    """The same job store on both: the queue a folder of files, or rows taken FOR UPDATE SKIP LOCKED."""
    sealer = Sealer(Sealer.generate_key())
    if request.param == "files":
        yield JobStore(FileStore(tmp_path / "data"), sealer)
        return
    yield request.getfixturevalue("pg_jobs")


@pytest.fixture
def pg_jobs(fresh_pg_url):
    """The job store on this test's fresh PostgreSQL database, closed after it."""
    upgrade(fresh_pg_url)
    db = Database(fresh_pg_url, max_size=10)
    yield PgJobStore(db, Sealer(Sealer.generate_key()))
    db.close()


@pytest.fixture
def file_jobs(tmp_path):
    """For what only the file store has: its queue folder, its leases in file times, its files."""
    return JobStore(FileStore(tmp_path / "data"), Sealer(Sealer.generate_key()))


def ask(jobs, kind="pdf", mark="m1", dossier=DOSSIER, reusable=lambda job: job.state != FAILED):
    return jobs.request(kind, mark, NOW, dossier_id=dossier, reusable=reusable)


def test_asking_twice_gives_the_same_job_until_it_is_not_reusable(jobs):
    first = ask(jobs)
    assert first.state == QUEUED and ask(jobs).id == first.id and jobs.waiting() == 1
    second = ask(jobs, mark="m2", reusable=lambda job: job.mark == "m2")
    assert second.id != first.id
    assert jobs.get("pdf", dossier_id=DOSSIER).id == second.id
    # the first one's queue entry is dropped when a worker finds it replaced
    taken = jobs.claim(NOW, 3)
    assert taken.id == second.id and taken.state == RUNNING_STATE and jobs.claim(NOW, 3) is None


def test_eight_workers_at_once_take_each_job_once(jobs):
    asked = {ask(jobs, dossier=f"d{n:03d}abcdef").id for n in range(40)}
    taken, lock = [], threading.Lock()

    def work():
        while (job := jobs.claim(NOW, 3)) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(asked)  # each once, none lost


def test_a_killed_workers_job_goes_back_to_the_queue_after_its_lease(file_jobs):
    jobs = file_jobs
    ask(jobs)
    job = jobs.claim(NOW, 3)
    assert jobs.claim(NOW, 3) is None
    assert jobs.requeue_stale(60) == 0  # still within its lease
    running = jobs.store.path(QUEUE, RUNNING, f"{job.id}.json")
    old = time.time() - 120
    os.utime(running, (old, old))  # its worker stopped renewing it
    assert jobs.requeue_stale(60) == 1
    again = jobs.claim(NOW, 3)
    assert again.id == job.id and again.attempts == 2


def test_a_job_replaced_while_it_ran_never_overwrites_its_successor(jobs):
    ask(jobs)
    old = jobs.claim(NOW, 3)
    new = ask(jobs, mark="m2", reusable=lambda job: False)
    taken = jobs.claim(NOW, 3)
    assert taken.id == new.id
    jobs.finish(taken, io.BytesIO(b"new copy"), NOW)
    assert jobs.finish(old, io.BytesIO(b"old copy"), NOW) is None  # too late: not recorded
    current = jobs.get("pdf", dossier_id=DOSSIER)
    assert current.id == new.id and current.state == DONE
    assert b"".join(jobs.output(current)) == b"new copy"
    with pytest.raises(OutputBroken):  # the old one's output is gone
        b"".join(jobs.output(old))


def test_a_kept_copy_is_sealed_chunked_and_refused_when_cut_or_reordered(file_jobs, monkeypatch):
    jobs = file_jobs
    monkeypatch.setattr("dmp_web.store.copies.CHUNK", 1000)
    data = os.urandom(2500) + b"Fatima ROCHE"
    ask(jobs)
    done = jobs.finish(jobs.claim(NOW, 3), io.BytesIO(data), NOW)
    assert done.size == len(data)
    [path] = jobs.store.root.rglob("*.bin")
    sealed = path.read_bytes()
    assert b"Fatima" not in sealed
    chunks = list(jobs.output(done))
    assert [len(c) for c in chunks] == [1000, 1000, 512] and b"".join(chunks) == data

    def records(blob: bytes) -> list[bytes]:
        out, at = [], 0
        while at < len(blob):
            size = int.from_bytes(blob[at:at + 4], "big")
            out.append(blob[at:at + 4 + size])
            at += 4 + size
        return out

    parts = records(sealed)
    for broken in (b"".join(parts[:2]),  # the last chunk cut off
                   parts[1] + parts[0] + parts[2],  # two chunks swapped
                   sealed + parts[2],  # a chunk repeated past the last
                   sealed[:-5]):  # a chunk truncated
        path.write_bytes(broken)
        with pytest.raises(OutputBroken):
            b"".join(jobs.output(done))


def test_a_failed_job_is_queued_again_then_fails_for_good(jobs):
    ask(jobs)
    job = jobs.claim(NOW, 3)
    assert jobs.fail(job, NOW, again=True).state == QUEUED
    job = jobs.claim(NOW, 3)
    assert job.attempts == 2
    assert jobs.fail(job, NOW, again=False).state == FAILED
    assert jobs.claim(NOW, 3) is None and jobs.waiting() == 0


def test_kept_copies_are_listed_apart_and_forgotten(jobs):
    ask(jobs)
    done = jobs.finish(jobs.claim(NOW, 3), io.BytesIO(b"copy"), NOW - timedelta(days=2))
    assert [j.id for j in jobs.kept()] == [done.id]
    jobs.forget(done)
    assert list(jobs.kept()) == [] and jobs.get("pdf", dossier_id=DOSSIER) is None
    with pytest.raises(OutputBroken):  # its output is gone with it
        b"".join(jobs.output(done))


def test_a_forged_job_id_in_the_queue_reaches_no_path(file_jobs):
    jobs = file_jobs
    queue = jobs.store.path(QUEUE)
    queue.mkdir(parents=True)
    (queue / "x.json").write_text('{"id": "../../etc", "kind": "pdf", "dossier_id": "../x"}')
    assert jobs.claim(NOW, 3) is None
    assert not (queue / RUNNING / "x.json").exists()


def test_a_copy_of_another_job_or_dossier_is_never_served(file_jobs):
    jobs = file_jobs
    ask(jobs)
    mine = jobs.finish(jobs.claim(NOW, 3), io.BytesIO(b"my copy"), NOW)
    ask(jobs, dossier="d999otherdossier01")
    theirs = jobs.finish(jobs.claim(NOW, 3), io.BytesIO(b"PATIENT B: secret"), NOW)
    [mine_path] = [p for p in jobs.store.root.rglob("*.bin") if mine.id in p.name]
    [their_path] = [p for p in jobs.store.root.rglob("*.bin") if theirs.id in p.name]
    mine_path.write_bytes(their_path.read_bytes())  # another patient's file in my copy's place
    with pytest.raises(OutputBroken):
        b"".join(jobs.output(mine))
    # a record moved from another dossier's folder is not this dossier's
    theirs_record = jobs.store.path("dossiers", "d9", "d999otherdossier01", "copies", "pdf.json")
    jobs.store.path("dossiers", DOSSIER[:2], DOSSIER, "copies", "pdf.json").write_bytes(theirs_record.read_bytes())
    assert jobs.get("pdf", dossier_id=DOSSIER) is None


def test_a_job_just_taken_is_within_its_lease_even_if_it_waited_long(file_jobs):
    jobs = file_jobs
    ask(jobs)
    [waiting] = [p for p in jobs.store.path(QUEUE).iterdir() if p.is_file()]
    os.utime(waiting, (0, 0))  # it waited for a long time
    job = jobs.claim(NOW, 3)
    assert jobs.requeue_stale(60) == 0  # another worker's heartbeat does not take it back
    assert jobs.claim(NOW, 3) is None and job is not None


def test_forgetting_a_copy_of_an_erased_dossier_makes_no_folder(file_jobs):
    jobs = file_jobs
    import shutil

    ask(jobs)
    done = jobs.finish(jobs.claim(NOW, 3), io.BytesIO(b"copy"), NOW)
    folder = jobs.store.path("dossiers", DOSSIER[:2], DOSSIER)
    shutil.rmtree(folder)  # purge-closed erased the dossier
    jobs.forget(done)
    assert not folder.exists() and list(jobs.kept()) == []


def test_a_killed_workers_job_is_taken_again_once_its_lease_ran_out_on_postgresql(pg_jobs, fresh_pg_url):
    import psycopg

    jobs = pg_jobs
    ask(jobs)
    job = jobs.claim(NOW, 3)
    assert jobs.claim(NOW, 3) is None and jobs.requeue_stale(60) == 0  # within its lease
    jobs.renew(job)
    with psycopg.connect(fresh_pg_url) as conn:  # its worker was killed: no renewal for a minute
        conn.execute("UPDATE jobs SET lease_until = now() - interval '1 second'")
    again = jobs.claim(NOW, 3)
    assert again.id == job.id and again.attempts == 2


def test_a_worker_that_lost_its_lease_never_finishes_nor_fails_the_new_takers_work(pg_jobs, fresh_pg_url):
    import psycopg

    jobs = pg_jobs
    ask(jobs)
    slow = jobs.claim(NOW, 3)
    with psycopg.connect(fresh_pg_url) as conn:  # it stalled past its lease
        conn.execute("UPDATE jobs SET lease_until = now() - interval '1 second'")
    taker = jobs.claim(NOW, 3)
    assert taker.id == slow.id and taker.attempts == 2
    assert jobs.finish(slow, io.BytesIO(b"late copy"), NOW) is None  # not its job any more
    assert jobs.fail(slow, NOW, again=True) is None
    done = jobs.finish(taker, io.BytesIO(b"the copy"), NOW)
    assert done.state == DONE and b"".join(jobs.output(done)) == b"the copy"
