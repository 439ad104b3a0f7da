"""Dossiers and the operators' journal behave the same on both stores (files, PostgreSQL): found
by NIR and INS-C, one DMP per person even when two creations race, closed ones listed for the
purge, an erase leaves nothing; the operators' journal chained and checked."""
from __future__ import annotations

import threading
from datetime import datetime, UTC

import pytest

from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.journal import Actor, ChainKey
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import DossierRepository
from dmp_web.store.files import FileStore
from dmp_web.store.operators import OperatorsJournal
from dmp_web.store.pg import Database
from dmp_web.store.pg.dossiers import PgDossiers
from dmp_web.store.pg.journal import PgOperatorsJournal
from dmp_web.store.pg.migrations import upgrade
from dmp_web.store.sharded import KeyTaken

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def dossier(n: int = 1, nir: str = "275051305511212") -> Dossier:
    return Dossier(id=f"d{n:03d}0000000000000001", holder_nir=nir, ins_c=f"{n:010d}12345678901",
                   created_at=AT, consent=Consent("holder", "online", AT, "online"))


@pytest.fixture(params=["files", "postgresql"])
def stores(request, tmp_path):
    chain = ChainKey(Sealer.generate_key())
    if request.param == "files":
        store = FileStore(tmp_path / "data")
        yield DossierRepository(store), OperatorsJournal(store, chain)
        return
    url = request.getfixturevalue("fresh_pg_url")
    upgrade(url)
    db = Database(url, max_size=8)
    yield PgDossiers(db), PgOperatorsJournal(db, chain)
    db.close()


def test_a_dossier_is_found_by_its_nir_and_its_ins_and_saved_whole(stores):
    dossiers, _ = stores
    made = dossier()
    dossiers.add(made)
    assert dossiers.get(made.id) == made
    assert dossiers.find_by_nir(made.holder_nir).id == made.id
    assert dossiers.find_by_ins(made.ins_c).id == made.id
    assert dossiers.find_by_nir("175051305511299") is None and dossiers.get("nobody") is None
    made.blocked_rpps = ["10003000012"]
    made.attending_doctor_rpps = "10001000016"
    dossiers.save(made)
    assert dossiers.get(made.id) == made and dossiers.all_ids() == [made.id]


def test_two_creations_for_one_person_at_once_make_one_dossier(stores):
    dossiers, _ = stores
    results, barrier = [], threading.Barrier(6)

    def create(n: int) -> None:
        barrier.wait()
        try:
            dossiers.add(dossier(n))
            results.append(n)
        except KeyTaken:
            results.append(None)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [n for n in results if n is not None]
    assert dossiers.find_by_nir("275051305511212").id == dossier(winner).id
    assert dossiers.all_ids() == [dossier(winner).id]


def test_closed_dossiers_are_listed_and_an_erase_leaves_nothing(stores):
    dossiers, _ = stores
    made = dossier()
    dossiers.add(made)
    dossiers.add(dossier(2, nir="148086912304582"))
    assert dossiers.closed() == []
    made.status, made.closed_at = "closed", AT
    dossiers.save(made)
    assert dossiers.closed() == [(made.id, AT)]
    dossiers.delete(made, None)
    assert dossiers.get(made.id) is None and dossiers.find_by_nir(made.holder_nir) is None
    assert dossiers.find_by_ins(made.ins_c) is None and dossiers.closed() == []
    assert dossiers.all_ids() == [dossier(2).id]
    dossiers.add(dossier(3))  # the person may have a DMP again
    assert dossiers.find_by_nir(made.holder_nir).id == dossier(3).id


def test_the_operators_journal_is_chained_and_checked(stores):
    _, operators = stores
    assert operators.check() is None and operators.entries() == []
    operators.append(AT, Actor("operator", "alice", "alice"), "backup_made", detail="12 fichiers")
    operators.append(AT, Actor("operator", "bob", "bob"), "data_resealed", allowed=False, reason="clé absente")
    assert [(e.action, e.actor_id, e.allowed) for e in operators.entries()] == [
        ("backup_made", "alice", True), ("data_resealed", "bob", False)]
    assert operators.entries()[0].detail == "12 fichiers" and operators.check() is None
    with pytest.raises(ValueError):
        operators.append(AT, Actor("operator", "eve", "eve"), "read_document")


def test_a_row_written_before_the_three_emergency_switches_reads_into_them(stores):
    dossiers, _ = stores
    said_yes, said_no, never = dossier(1), dossier(2, "175051305511299"), dossier(3, "260057512312345")
    for old, answer in ((said_yes, True), (said_no, False)):
        old.emergency_access = answer  # as the rows of before stored it, after __post_init__
    for old in (said_yes, said_no, never):
        dossiers.add(old)
    read = [dossiers.get(d.id) for d in (said_yes, said_no, never)]
    assert [(d.regulator_access, d.break_glass_access, d.hidden_in_emergency, d.emergency_access) for d in read] == [
        (True, True, False, None), (False, False, False, None), (None, None, False, None)]
    assert [d.emergency_chosen for d in read] == [True, True, False]
