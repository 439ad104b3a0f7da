"""The monthly history letters' state (store/history_letters.py, store/pg/history_letters.py)
behaves the same on both stores: read back whole, one record per month, a change that returns
None changes nothing, and many servers claiming one letter at once: one wins."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from dmp_web.domain.history_letters import CLAIM_LEASE, HistoryLetter, claim
from dmp_web.store.files import FileStore
from dmp_web.store.history_letters import HistoryLetterRepository
from dmp_web.store.pg.history_letters import PgHistoryLetters

from ..backends import FileSide, PgSide, both_stores

DOSSIER = "abcd1234abcd1234abcd1234"
NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
KEY = "0123456789abcdef0123456789abcdef"


class FileBackend(FileSide):
    def __init__(self, tmp_path):
        self.letters = HistoryLetterRepository(FileStore(tmp_path / "data"))


class PgBackend(PgSide):
    def __init__(self, url):
        super().__init__(url)
        self.letters = PgHistoryLetters(self.db)


backend = both_stores(FileBackend, PgBackend)


def test_a_letter_reads_back_one_record_per_month(backend):
    letters = backend.letters
    assert letters.get(DOSSIER, "2026-11") is None
    claimed = letters.update(DOSSIER, "2026-11", lambda state: claim(state, "2026-11", NOW, KEY))
    assert claimed == HistoryLetter("2026-11", KEY, NOW) == letters.get(DOSSIER, "2026-11")
    sent = letters.update(DOSSIER, "2026-11", lambda state: state.sent("20261201T050000-0123456789ab", NOW))
    assert letters.get(DOSSIER, "2026-11") == sent and sent.sent_at == NOW
    assert letters.get(DOSSIER, "2026-10") is None  # another month is another letter
    assert letters.update(DOSSIER, "2026-10", lambda state: None) is None
    assert letters.get(DOSSIER, "2026-10") is None


def test_a_sent_letter_is_never_claimed_again_and_a_stale_claim_keeps_its_key(backend):
    letters = backend.letters
    letters.update(DOSSIER, "2026-11", lambda state: claim(state, "2026-11", NOW, KEY))
    later = NOW + CLAIM_LEASE - timedelta(seconds=1)
    assert letters.update(DOSSIER, "2026-11", lambda state: claim(state, "2026-11", later, "f" * 32)) is None
    again = letters.update(DOSSIER, "2026-11", lambda state: claim(state, "2026-11", NOW + CLAIM_LEASE, "f" * 32))
    assert again.once == KEY and again.claimed_at == NOW + CLAIM_LEASE  # the run that stopped: the same letter
    letters.update(DOSSIER, "2026-11", lambda state: state.sent("20261201T050000-0123456789ab", NOW))
    assert letters.update(DOSSIER, "2026-11", lambda state: claim(state, "2026-11", NOW + timedelta(days=9), KEY)) \
        is None


def test_many_servers_claiming_one_letter_at_once_one_wins(backend):
    letters, won = backend.letters, []
    start = threading.Barrier(4)

    def server(n: int) -> None:
        start.wait()
        if letters.update(DOSSIER, "2026-11", lambda state: claim(state, "2026-11", NOW, f"{n:032x}")) is not None:
            won.append(n)

    threads = [threading.Thread(target=server, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and letters.get(DOSSIER, "2026-11").once == f"{won[0]:032x}"
