"""Sessions behave the same on both stores (files, PostgreSQL): sealed records by digest, each
account's sessions listed oldest first, ended one by one or all but the one in use, kept forms
taken once within their hour, and the purge ending the idle and the too old."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, UTC

import psycopg

from dmp_web.domain.accounts import KEPT_FORM_FOR, SESSION_MAX_AGE
from dmp_web.store.crypto import Sealer
from dmp_web.store.files import FileStore
from dmp_web.store.pg.sessions import PgSessionRepository
from dmp_web.store.sessions import SessionRecord, SessionRepository, session_digest

from ..backends import FileSide, PgSide, both_stores

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PATIENT, PRO = "patient:d3m0f47140a0c5e55e0001", "pro:10001000016"
IDLE = timedelta(minutes=15)
SECRET = "jeton-csrf-tres-secret"


class FileBackend(FileSide):

    def __init__(self, tmp_path):
        self.store = FileStore(tmp_path / "data")
        self.sessions = SessionRepository(self.store, Sealer(Sealer.generate_key()))

    def stored_text(self) -> str:
        """Everything the store holds, as text (to show what is sealed)."""
        return "".join(p.read_text("utf-8", "replace") for p in self.store.root.rglob("*.json"))


class PgBackend(PgSide):

    def __init__(self, url):
        super().__init__(url)
        self.sessions = PgSessionRepository(self.db, Sealer(Sealer.generate_key()))

    def stored_text(self) -> str:
        with psycopg.connect(self.url) as conn:
            rows = conn.execute("SELECT record::text FROM sessions UNION ALL SELECT record::text FROM kept_forms")
            return "".join(r[0] for r in rows)


backend = both_stores(FileBackend, PgBackend)


def record(account: str = PATIENT, at: datetime = AT, seen: datetime | None = None, **data) -> SessionRecord:
    return SessionRecord(created_at=at, last_seen=seen or at, account=account, device="Firefox, Linux", data=data)


def test_a_session_is_kept_by_digest_its_data_sealed(backend):
    digest = session_digest("s1")
    assert backend.sessions.get(digest) is None
    kept = record(csrf=SECRET, pending={"dossier": "x"})
    backend.sessions.put(digest, kept)
    assert backend.sessions.get(digest) == kept
    assert SECRET not in backend.stored_text() and digest != "s1"  # the id never, the data sealed
    empty = record("", seen=AT + timedelta(minutes=1))
    backend.sessions.put(digest, empty, previous_account=PATIENT)
    assert backend.sessions.get(digest) == empty and backend.sessions.get(digest).data == {}
    backend.sessions.delete(digest)
    assert backend.sessions.get(digest) is None
    backend.sessions.delete(digest)  # twice: no harm


def test_an_account_lists_its_own_sessions_oldest_first(backend):
    repo = backend.sessions
    for n, account in enumerate([PATIENT, PRO, PATIENT, ""]):
        repo.put(session_digest(f"s{n}"), record(account, AT - timedelta(minutes=n)))
    assert [d for d, _ in repo.of_account(PATIENT)] == [session_digest("s2"), session_digest("s0")]
    assert [r.created_at for _, r in repo.of_account(PATIENT)] == [AT - timedelta(minutes=2), AT]
    assert sorted(repo.listed(PATIENT)) == sorted([session_digest("s0"), session_digest("s2")])
    assert repo.listed(PRO) == [session_digest("s1")] and repo.of_account("patient:other") == []


def test_a_session_that_logs_in_or_out_moves_between_accounts(backend):
    repo, digest = backend.sessions, session_digest("s1")
    repo.put(digest, record(""))
    assert repo.listed(PATIENT) == []
    repo.put(digest, record(PATIENT), previous_account="")  # login
    assert repo.listed(PATIENT) == [digest]
    repo.put(digest, record(PRO), previous_account=PATIENT)  # another login in the same browser
    assert repo.listed(PATIENT) == [] and repo.listed(PRO) == [digest] and repo.of_account(PATIENT) == []
    repo.delete(digest)
    assert repo.listed(PRO) == [] and repo.of_account(PRO) == []


def test_end_and_end_all_end_the_accounts_sessions_but_the_one_kept(backend):
    repo = backend.sessions
    digests = [session_digest(f"s{n}") for n in range(4)]
    for n, digest in enumerate(digests):
        repo.put(digest, record(PATIENT, AT + timedelta(minutes=n)))
    repo.put(session_digest("pro"), record(PRO))
    repo.end(PATIENT, [digests[0], session_digest("gone")])  # one already ended is no harm
    assert repo.get(digests[0]) is None and sorted(repo.listed(PATIENT)) == sorted(digests[1:])
    assert repo.end_all(PATIENT, keep=digests[2]) == 2
    assert repo.listed(PATIENT) == [digests[2]] and repo.get(digests[2]) is not None
    assert repo.get(digests[1]) is None and repo.get(digests[3]) is None
    assert repo.listed(PRO) == [session_digest("pro")]  # another account's: untouched
    assert repo.end_all(PATIENT) == 1 and repo.listed(PATIENT) == [] and repo.end_all(PATIENT) == 0


def test_a_kept_form_comes_back_once_for_its_account_only_within_its_hour(backend):
    repo = backend.sessions
    form = {"path": "/patient/volontes", "form": {"texte": "Pas d’acharnement : " + SECRET}}
    repo.keep_form(PATIENT, {"path": "/old"}, AT - timedelta(minutes=5))
    repo.keep_form(PATIENT, form, AT)  # one per account: the last
    assert SECRET not in backend.stored_text()
    assert repo.take_form(PRO, AT, KEPT_FORM_FOR) is None
    assert repo.take_form(PATIENT, AT + timedelta(minutes=30), KEPT_FORM_FOR) == form
    assert repo.take_form(PATIENT, AT + timedelta(minutes=31), KEPT_FORM_FOR) is None  # once
    repo.keep_form(PATIENT, form, AT)
    assert repo.take_form(PATIENT, AT + KEPT_FORM_FOR + timedelta(seconds=1), KEPT_FORM_FOR) is None  # too old
    assert repo.take_form(PATIENT, AT, KEPT_FORM_FOR) is None  # and gone with it


def test_the_purge_ends_the_idle_and_the_too_old_sessions_and_keeps_the_others(backend):
    repo = backend.sessions
    now = AT + timedelta(hours=20)
    cases = {
        "idle": record(PATIENT, now - timedelta(hours=1), seen=now - IDLE - timedelta(seconds=1)),
        "old": record(PRO, now - SESSION_MAX_AGE - timedelta(seconds=1), seen=now),
        "fresh": record(PATIENT, now - timedelta(hours=1), seen=now - IDLE + timedelta(seconds=1)),
        "anonymous": record("", now - timedelta(minutes=1)),
        "anonymous_idle": record("", now - timedelta(hours=1), seen=now - timedelta(hours=1)),
    }
    for name, kept in cases.items():
        repo.put(session_digest(name), kept)
    assert repo.purge(now, IDLE, SESSION_MAX_AGE) == 3
    left = {name for name in cases if repo.get(session_digest(name)) is not None}
    assert left == {"fresh", "anonymous"}
    assert repo.listed(PATIENT) == [session_digest("fresh")] and repo.listed(PRO) == []
    assert repo.purge(now, IDLE, SESSION_MAX_AGE) == 0


def test_a_session_record_round_trips_its_data_as_json(backend):
    data = {"_user_id": PATIENT, "n": 3, "nested": {"a": [1, 2]}, "texte": "é"}
    backend.sessions.put(session_digest("s"), record(**data))
    assert backend.sessions.get(session_digest("s")).data == json.loads(json.dumps(data))
