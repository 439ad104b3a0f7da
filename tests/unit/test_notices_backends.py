"""The hourly message's state (store/notices.py, store/pg/notices.py) behaves the same on both
stores: read back whole, the due queue follows each change, a change holds a lock (many servers
claiming one opening at once: one wins), and an erased dossier leaves nothing waiting. The
carers' daily message has a state of its own, kept apart in the same way."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from dmp_web.domain.notices import CARERS_PACE, OpeningDigest
from dmp_web.store.files import FileStore
from dmp_web.store.notices import OpeningNoticeRepository
from dmp_web.store.pg.notices import PgOpeningNoticeRepository

from ..backends import FileSide, PgSide, both_stores

DOSSIER = "abcd1234abcd1234abcd1234"
OTHER = "abcd1234abcd1234abcd9999"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FileBackend(FileSide):
    def __init__(self, tmp_path):
        store = FileStore(tmp_path / "data")
        self.notices = OpeningNoticeRepository(store)
        self.carers = OpeningNoticeRepository(store, "carers")


class PgBackend(PgSide):
    def __init__(self, url):
        super().__init__(url)
        self.notices = PgOpeningNoticeRepository(self.db)
        self.carers = PgOpeningNoticeRepository(self.db, "carers")


backend = both_stores(FileBackend, PgBackend)


def test_a_state_reads_back_and_the_due_queue_follows_it(backend):
    notices = backend.notices
    assert notices.get(DOSSIER) is None and notices.due(NOW) == []
    sent = OpeningDigest().sent(NOW, 12)
    assert notices.update(DOSSIER, lambda state: sent) == sent
    assert notices.get(DOSSIER) == sent and notices.due(NOW + timedelta(days=1)) == []
    waiting = notices.update(DOSSIER, lambda state: state.waiting())
    assert waiting.due_at == NOW + timedelta(hours=1) and notices.get(DOSSIER) == waiting
    notices.update(OTHER, lambda state: OpeningDigest(NOW - timedelta(hours=2), 3, NOW - timedelta(hours=1)))
    assert notices.due(NOW) == [OTHER]  # DOSSIER's hour is not over
    assert notices.due(NOW + timedelta(hours=1)) == [OTHER, DOSSIER]  # the longest waiting first
    assert notices.due(NOW + timedelta(hours=1), limit=1) == [OTHER]
    notices.update(DOSSIER, lambda state: state.sent(NOW + timedelta(hours=1), 20))
    assert notices.due(NOW + timedelta(hours=2)) == [OTHER]


def test_a_change_that_returns_none_changes_nothing(backend):
    notices = backend.notices
    assert notices.update(DOSSIER, lambda state: None) is None
    assert notices.get(DOSSIER) is None
    notices.update(DOSSIER, lambda state: OpeningDigest().sent(NOW, 1))
    assert notices.update(DOSSIER, lambda state: None) is None
    assert notices.get(DOSSIER) == OpeningDigest().sent(NOW, 1)


def test_many_servers_claiming_one_opening_at_once_send_it_once(backend):
    notices, claimed, errors = backend.notices, [], []
    start = threading.Barrier(6)

    def claim(n):
        def change(state):
            state = state or OpeningDigest()
            if not state.may_send(NOW):
                return state.waiting()
            claimed.append(n)
            return state.sent(NOW, 5)
        try:
            start.wait()
            notices.update(DOSSIER, change)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(claimed) == 1
    assert notices.get(DOSSIER).due_at == NOW + timedelta(hours=1)  # the others wait for the hour


def test_a_forgotten_dossier_waits_no_more(backend):
    notices = backend.notices
    notices.update(DOSSIER, lambda state: OpeningDigest(NOW, 1, NOW + timedelta(hours=1)))
    notices.forget(DOSSIER)
    assert notices.due(NOW + timedelta(days=1)) == []


def test_the_carers_message_is_kept_apart_from_the_hourly_one(backend):
    notices, carers = backend.notices, backend.carers
    waiting = carers.update(DOSSIER, lambda state: OpeningDigest().gathering(NOW, CARERS_PACE))
    assert carers.get(DOSSIER) == waiting and waiting.due_at == NOW + timedelta(hours=1)
    assert notices.get(DOSSIER) is None and notices.due(NOW + timedelta(days=2)) == []
    assert carers.due(NOW + timedelta(hours=1)) == [DOSSIER]
    sent = notices.update(DOSSIER, lambda state: OpeningDigest().sent(NOW, 3))
    assert carers.get(DOSSIER) == waiting  # the hourly one changed, not this one
    carers.forget(DOSSIER)
    assert carers.due(NOW + timedelta(days=2)) == [] and notices.get(DOSSIER) == sent
