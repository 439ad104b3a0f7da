"""The unit of work behaves the same on both stores (files, PostgreSQL): the « decide → change →
journal » door of services/dossier_access.py commits a change with its journal entry or
neither; two overlapping changes of one dossier both land (no lost update); an erase leaves a
purged head and nothing else."""
from __future__ import annotations

import threading
from datetime import datetime, UTC

import pytest

from dmp_web.demo import DEMO_LOGIN, load_demo_data
from dmp_web.domain.actors import Holder
from dmp_web.domain.journal import Actor, ChainKey
from dmp_web.services import management
from dmp_web.services.context import Context
from dmp_web.services.dossier_access import decide_and_journal
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import Repositories
from dmp_web.store.files import FileStore
from dmp_web.store.pg import Database
from dmp_web.store.pg.migrations import upgrade
from dmp_web.store.pg.repositories import PgRepositories

from ..fakes import FakeClock, FakeNotifier

DOSSIER = DEMO_LOGIN["dossier_id"]
PHARMACIST, CARDIOLOGIST = "10001000032", "10001000024"  # Claire Petit, Dr Paul Lefèvre


@pytest.fixture(params=["files", "postgresql"])
def repos(request, tmp_path):
    sealer, chain = Sealer(Sealer.generate_key()), ChainKey(Sealer.generate_key())
    if request.param == "files":
        made = Repositories(FileStore(tmp_path / "data"), sealer, session_sealer=sealer, chain=chain)
        load_demo_data(made)
        yield made
        return
    made = request.getfixturevalue("pg_repos")(max_size=8)
    load_demo_data(made)
    yield made


@pytest.fixture
def pg_repos(fresh_pg_url):
    """pg_repos(**database_options): empty repositories on this test's fresh database, closed after it."""
    opened = []

    def make(**options) -> PgRepositories:
        upgrade(fresh_pg_url)
        sealer, chain = Sealer(Sealer.generate_key()), ChainKey(Sealer.generate_key())
        opened.append(Database(fresh_pg_url, **{"max_size": 4, **options}))
        return PgRepositories(opened[-1], sealer, sealer, chain)

    yield make
    for db in opened:
        db.close()


def context(repos) -> Context:
    return Context(repos=repos, register=getattr(repos, "register", None), notifier=FakeNotifier(None),
                   clock=FakeClock(), otp_pepper=b"p" * 32)


def test_a_change_and_its_entry_commit_together_or_not_at_all(repos):
    before = repos.journal.count(DOSSIER)
    with pytest.raises(RuntimeError), repos.unit(DOSSIER) as unit:
        dossier = unit.dossier()
        dossier.blocked_rpps = [*dossier.blocked_rpps, PHARMACIST]
        unit.save_dossier(dossier)
        unit.journal(at=datetime(2026, 11, 23, tzinfo=UTC), actor=Actor("holder", DOSSIER, ""),
                     action="manage", allowed=True, reason="", detail="", emergency=False)
        raise RuntimeError("the request died before its commit")
    assert PHARMACIST not in repos.dossiers.get(DOSSIER).blocked_rpps
    assert repos.journal.count(DOSSIER) == before
    with repos.unit(DOSSIER) as unit:
        dossier = unit.dossier()
        dossier.blocked_rpps = [*dossier.blocked_rpps, PHARMACIST]
        unit.save_dossier(dossier)
        unit.journal(at=datetime(2026, 11, 23, tzinfo=UTC), actor=Actor("holder", DOSSIER, ""),
                     action="manage", allowed=True, reason="", detail="", emergency=False)
        [entry] = unit.commit()
    assert PHARMACIST in repos.dossiers.get(DOSSIER).blocked_rpps
    assert repos.journal.count(DOSSIER) == before + 1 and entry.seq == before
    assert repos.journal.check(DOSSIER) is None


def test_two_overlapping_settings_changes_both_land(repos):
    ctx = context(repos)
    holder = Holder(DOSSIER)
    barrier = threading.Barrier(2)
    errors = []

    def run(change):
        try:
            barrier.wait()
            change()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    dossier = repos.dossiers.get(DOSSIER)  # both requests loaded it before either saved
    threads = [
        threading.Thread(target=run, args=(lambda: management.block(ctx, holder, dossier, PHARMACIST),)),
        threading.Thread(target=run, args=(lambda: management.grant_rights(ctx, holder, dossier, CARDIOLOGIST),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    fresh = repos.dossiers.get(DOSSIER)
    assert PHARMACIST in fresh.blocked_rpps and CARDIOLOGIST in fresh.attending_rights_rpps
    assert repos.journal.check(DOSSIER) is None


def test_a_decision_is_journaled_once_per_reading(repos):
    ctx = context(repos)
    before = repos.journal.count(DOSSIER)
    decision = decide_and_journal(ctx, Holder(DOSSIER), "read_dossier", repos.dossiers.get(DOSSIER))
    assert decision.allowed and repos.journal.count(DOSSIER) == before + 1
    [entry] = repos.journal.entries(DOSSIER, before)
    assert entry.action == "read_dossier" and entry.actor_kind == "holder"


def test_an_erase_leaves_a_purged_head_and_nothing_else(repos):
    login = repos.accounts.get(DOSSIER).login_id
    with repos.unit(DOSSIER) as unit:
        unit.erase(login, datetime(2026, 11, 23, tzinfo=UTC))
        unit.commit()
    assert repos.dossiers.get(DOSSIER) is None and repos.accounts.get(DOSSIER) is None
    assert repos.dossiers.find_by_nir(DEMO_LOGIN["nir"]) is None and repos.documents.list(DOSSIER) == []
    assert repos.accounts.find_by_login(login) is None
    head = repos.journal.head(DOSSIER)
    assert head is not None and head.purged_at and repos.journal.check(DOSSIER) is None


def test_a_unit_waits_for_the_dossiers_lock_no_longer_than_the_setting_on_postgresql(pg_repos):
    import threading as threads

    from dmp_web.store.files import StoreBusy

    repos = pg_repos(lock_timeout=0.3)
    held, release = threads.Event(), threads.Event()

    def hold():
        with repos.unit(DOSSIER):
            held.set()
            release.wait(10)

    holder = threads.Thread(target=hold)
    holder.start()
    try:
        held.wait(10)
        with pytest.raises(StoreBusy), repos.unit(DOSSIER):
            pass
    finally:
        release.set()
        holder.join()


def test_an_entry_is_never_appended_onto_a_cut_chain_on_postgresql(pg_repos, fresh_pg_url):
    import psycopg

    from dmp_web.store.journal import ChainBroken

    repos = pg_repos()
    at = datetime(2026, 11, 23, tzinfo=UTC)
    for _ in range(3):
        repos.journal.append(DOSSIER, at, Actor("holder", DOSSIER, ""), "read_dossier")
    with psycopg.connect(fresh_pg_url) as conn:  # the last entry cut
        conn.execute("DELETE FROM journal_entries WHERE seq = 2")
    with pytest.raises(ChainBroken):
        repos.journal.append(DOSSIER, at, Actor("holder", DOSSIER, ""), "read_dossier")
    assert repos.journal.check(DOSSIER) is not None


def test_a_creation_cut_short_leaves_nothing_on_postgresql(pg_repos):
    from dmp_web.domain.accounts import Account
    from dmp_web.domain.dossier import Consent, Dossier

    repos = pg_repos()
    at = datetime(2026, 11, 23, tzinfo=UTC)
    made = Dossier(id="d0010000000000000001", holder_nir="148086912304582", ins_c="0123456789012345678901",
                   created_at=at, consent=Consent("holder", "online", at, "online"))
    with pytest.raises(RuntimeError), repos.unit(made.id) as unit:
        unit.add_dossier(made)
        unit.add_account(Account(login_id="dup1234", dossier_id=made.id, password_hash="x"))
        raise RuntimeError("the server died before the first entry")
    assert repos.dossiers.find_by_nir(made.holder_nir) is None and repos.accounts.find_by_login("dup1234") is None
    with repos.unit(made.id) as unit:  # the person may create their DMP at once
        unit.add_dossier(made)
        unit.add_account(Account(login_id="dup1234", dossier_id=made.id, password_hash="x"))
        unit.journal(at=at, actor=Actor("holder", made.id, ""), action="dossier_created", allowed=True,
                     reason="", detail="", emergency=False)
        unit.commit()
    assert repos.dossiers.find_by_nir(made.holder_nir).id == made.id and repos.journal.count(made.id) == 1
