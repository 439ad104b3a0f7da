"""The patient's wishes and the reimbursements behave the same on both stores (files,
PostgreSQL): one sealed record per dossier, read back whole, never in clear at rest, sealed
again with a new key, saved at once by many without a loss or a broken record; the dossiers
that hold reimbursements walked a page at a time."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from types import GeneratorType, SimpleNamespace

import psycopg
import pytest

from dmp_web.domain.reimbursements import Reimbursement
from dmp_web.domain.wishes import CardChoices, Person, Wishes
from dmp_web.store.crypto import SealBroken, Sealer
from dmp_web.store.files import FileStore
from dmp_web.store.pg.wishes import PgReimbursementRepository, PgWishesRepository
from dmp_web.store.reimbursements import ReimbursementRepository
from dmp_web.store.wishes import WishesRepository

from ..backends import FileSide, PgSide, both_stores

DOSSIER = "abcd1234abcd1234abcd1234"
OTHER = "abcd1234abcd1234abcd9999"
NIR = "2840513055123"
WISHES = Wishes(trusted_person=Person("Paul Roche", "mon mari", "0611223344"), allergies="pénicilline",
                blood_group="O+", organ_donation="yes", emergency_contact_is_trusted_person=True,
                advance_directives="Pas d’acharnement thérapeutique.")
ROWS = [Reimbursement(NIR, date(2026, 10, 2), "Séance de kinésithérapie", "Cabinet Laurent", 1650, 990),
        Reimbursement(NIR, date(2026, 10, 2), "Séance de kinésithérapie", "Cabinet Laurent", 1650, 990, 2),
        Reimbursement(NIR, date(2026, 3, 14), "Consultation chez le psychiatre", "Dr Anne Vidal", 5000, 3500)]


class FileBackend(FileSide):

    def __init__(self, tmp_path):
        self.store = FileStore(tmp_path / "data")

    def repos(self, sealer: Sealer) -> SimpleNamespace:
        return SimpleNamespace(wishes=WishesRepository(self.store, sealer),
                               reimbursements=ReimbursementRepository(self.store, sealer))

    def at_rest(self) -> bytes:
        return b"".join(p.read_bytes() for p in self.store.root.rglob("*") if p.is_file())

    @contextmanager
    def locked(self, dossier_id: str):
        """The dossier's lock, as a unit of work holds one: the arguments the calls take under it."""
        with self.store.lock("dossiers", dossier_id[:2], dossier_id, "unit"):
            yield {}


class PgBackend(PgSide):

    def __init__(self, url):
        super().__init__(url)

    def repos(self, sealer: Sealer) -> SimpleNamespace:
        return SimpleNamespace(wishes=PgWishesRepository(self.db, sealer),
                               reimbursements=PgReimbursementRepository(self.db, sealer))

    def sql(self, query: str, *args):
        with psycopg.connect(self.url) as conn:
            cursor = conn.execute(query, args, binary=True)
            return cursor.fetchall() if cursor.description else None

    def at_rest(self) -> bytes:
        """Every value of every table, bytea as its bytes."""
        out = []
        for (table,) in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"):
            for row in self.sql(f'SELECT * FROM "{table}"'):
                out += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
        return b"\n".join(out)

    @contextmanager
    def locked(self, dossier_id: str):
        """The dossier's row locked in one transaction, as the unit of work does."""
        self.sql("INSERT INTO dossiers (dossier_id, record, status) VALUES (%s, '{}', 'open') ON CONFLICT DO NOTHING",
                 dossier_id)
        with self.db.transaction() as conn:
            conn.execute("SELECT 1 FROM dossiers WHERE dossier_id = %s FOR UPDATE", (dossier_id,))
            yield {"conn": conn}


def with_repositories(made) -> None:
    made.key = Sealer.generate_key()
    made.__dict__.update(vars(made.repos(Sealer(made.key))))  # backend.wishes, backend.reimbursements


backend = both_stores(FileBackend, PgBackend, ready=with_repositories)


@pytest.fixture
def pg(fresh_pg_url):
    made = PgBackend(fresh_pg_url)
    made.__dict__.update(vars(made.repos(Sealer(Sealer.generate_key()))))
    yield made
    made.close()


def run_at_once(work, count: int) -> None:
    errors = []
    start = threading.Barrier(count)

    def run(n):
        try:
            start.wait()
            work(n)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# -- wishes -----------------------------------------------------------------------------------


def test_wishes_round_trip_and_are_never_in_clear_at_rest(backend):
    assert backend.wishes.get(DOSSIER) == Wishes()  # nothing said yet
    backend.wishes.save(DOSSIER, WISHES)
    assert backend.wishes.get(DOSSIER) == WISHES
    assert backend.wishes.get(DOSSIER).contact_to_call().name == "Paul Roche"
    assert backend.wishes.get(OTHER) == Wishes()
    stored = backend.at_rest()
    assert stored  # the record is there
    for clear in ("Paul Roche", "pénicilline", "0611223344", "acharnement", "mon mari"):
        assert clear.encode() not in stored, clear


def test_the_emergency_cards_choices_and_treatments_are_part_of_the_sealed_record(backend):
    card = CardChoices(["blood_group", "treatments", "advance_directives"], "chez mon notaire")
    backend.wishes.save(DOSSIER, replace(WISHES, current_treatments="Kardegic 75 mg", card=card))
    kept = backend.wishes.get(DOSSIER)
    assert kept.card == card and kept.current_treatments == "Kardegic 75 mg" and kept.allergies == "pénicilline"
    stored = backend.at_rest()
    for clear in ("Kardegic", "notaire", "advance_directives"):
        assert clear.encode() not in stored, clear


def test_a_record_sealed_before_the_emergency_card_reads_back_with_nothing_chosen(backend):
    """Records written before the card's fields: the same JSON, less the new keys."""
    old = {k: v for k, v in json.loads(backend.wishes.sealer.open_text(backend.wishes.seal(WISHES))).items()
           if k not in ("card", "current_treatments")}
    backend.wishes.save_sealed(DOSSIER, backend.wishes.sealer.seal_text(json.dumps(old)))
    kept = backend.wishes.get(DOSSIER)
    assert kept == WISHES and kept.card == CardChoices() and kept.current_treatments == ""


def test_a_sealed_record_saved_as_a_unit_of_work_does_reads_back(backend):
    backend.wishes.save(DOSSIER, WISHES)
    backend.wishes.save_sealed(DOSSIER, backend.wishes.seal(Wishes(blood_group="A+")))  # replaces the whole
    assert backend.wishes.get(DOSSIER) == Wishes(blood_group="A+")


def test_wishes_sealed_again_open_with_the_new_key_alone(backend):
    backend.wishes.save(DOSSIER, WISHES)
    new_key = Sealer.generate_key()
    with pytest.raises(SealBroken):
        backend.repos(Sealer(new_key)).wishes.get(DOSSIER)
    ring = backend.repos(Sealer(new_key, backend.key)).wishes
    assert ring.get(DOSSIER) == WISHES
    assert ring.reseal(DOSSIER) == 1 and ring.reseal(OTHER) == 0
    assert backend.repos(Sealer(new_key)).wishes.get(DOSSIER) == WISHES
    with pytest.raises(SealBroken):  # the old key alone opens nothing now
        backend.repos(Sealer(backend.key)).wishes.get(DOSSIER)
    with pytest.raises(SealBroken):  # a ring without the key that sealed it changes nothing
        backend.repos(Sealer(Sealer.generate_key())).wishes.reseal(DOSSIER)
    assert backend.repos(Sealer(new_key)).wishes.get(DOSSIER) == WISHES


def test_concurrent_changes_of_the_wishes_under_the_dossiers_lock_lose_nothing(backend):
    """Each change reads, adds its allergy and saves under the lock, as a unit of work does."""
    backend.wishes.save(DOSSIER, Wishes(blood_group="B+"))

    def change(n):
        for step in range(3):
            with backend.locked(DOSSIER) as within:
                wishes = backend.wishes.get(DOSSIER, **within)
                wishes.allergies = " ".join(filter(None, [wishes.allergies, f"a{n}-{step}"]))
                backend.wishes.save(DOSSIER, wishes, **within)

    run_at_once(change, 6)
    kept = backend.wishes.get(DOSSIER)
    assert sorted(kept.allergies.split()) == sorted(f"a{n}-{s}" for n in range(6) for s in range(3))
    assert kept.blood_group == "B+"


def test_saves_at_once_never_fail_nor_mix_two_records(backend):
    """Without the lock the last save wins (the unit of work holds it), but whole: one record."""
    made = [Wishes(allergies=f"allergie {n}", blood_group="AB-", trusted_person=Person(f"Personne {n}"))
            for n in range(8)]
    run_at_once(lambda n: [backend.wishes.save(DOSSIER, made[n]) for _ in range(3)], 8)
    assert backend.wishes.get(DOSSIER) in made
    run_at_once(lambda n: backend.wishes.save(f"abcd1234abcd1234abcd00{n:02d}", made[n]), 8)  # many dossiers
    assert [backend.wishes.get(f"abcd1234abcd1234abcd00{n:02d}") for n in range(8)] == made


def test_a_wishes_save_in_a_transaction_that_fails_is_not_kept(pg):
    pg.wishes.save(DOSSIER, Wishes(blood_group="B+"))
    with pytest.raises(RuntimeError), pg.db.transaction() as conn:
        pg.wishes.save(DOSSIER, WISHES, conn=conn)
        assert pg.wishes.get(DOSSIER, conn=conn) == WISHES  # seen inside
        assert pg.wishes.get(DOSSIER) == Wishes(blood_group="B+")  # not outside, before the commit
        raise RuntimeError("the unit of work fails")
    assert pg.wishes.get(DOSSIER) == Wishes(blood_group="B+")


# -- reimbursements ---------------------------------------------------------------------------


def test_reimbursements_round_trip_and_are_never_in_clear_at_rest(backend):
    repo = backend.reimbursements
    assert repo.list(DOSSIER) == []
    repo.save_sealed(DOSSIER, repo.seal(ROWS))
    assert repo.list(DOSSIER) == ROWS  # as stored: the two occurrences, in their order
    assert repo.list(OTHER) == []
    stored = backend.at_rest()
    assert stored
    for clear in ("psychiatre", "kinésithérapie", "Dr Anne Vidal", "Cabinet Laurent", NIR, "2026-03-14"):
        assert clear.encode() not in stored, clear


def test_an_emptied_list_is_kept_and_its_dossier_still_walked(backend):
    repo = backend.reimbursements
    repo.save_sealed(DOSSIER, repo.seal(ROWS))
    repo.save_sealed(DOSSIER, repo.seal([]))
    assert repo.list(DOSSIER) == [] and list(repo.dossier_ids()) == [DOSSIER]


def test_the_dossiers_holding_reimbursements_are_walked_a_page_at_a_time_each_once(backend):
    repo = backend.reimbursements
    repo.PAGE = 2  # PostgreSQL reads ids a page at a time: several pages here (the file store walks its folders)
    ids = [f"abcd1234abcd1234abcd{n:04d}" for n in range(7)]
    for dossier_id in ids:
        repo.save_sealed(dossier_id, repo.seal(ROWS[:1]))
    backend.wishes.save(OTHER, WISHES)  # wishes alone: not walked
    walk = repo.dossier_ids()
    assert isinstance(walk, GeneratorType)  # lazy: never all in memory at once
    assert sorted(walk) == ids


def test_reimbursements_sealed_again_open_with_the_new_key_alone(backend):
    repo = backend.reimbursements
    repo.save_sealed(DOSSIER, repo.seal(ROWS))
    new_key = Sealer.generate_key()
    ring = backend.repos(Sealer(new_key, backend.key)).reimbursements
    assert ring.reseal(DOSSIER) == 1 and ring.reseal(OTHER) == 0
    assert backend.repos(Sealer(new_key)).reimbursements.list(DOSSIER) == ROWS
    with pytest.raises(SealBroken):
        backend.repos(Sealer(backend.key)).reimbursements.list(DOSSIER)


def test_a_reimbursements_save_in_a_transaction_that_fails_is_not_kept(pg):
    with pytest.raises(RuntimeError), pg.db.transaction() as conn:
        pg.reimbursements.save_sealed(DOSSIER, pg.reimbursements.seal(ROWS), conn=conn)
        assert pg.reimbursements.list(DOSSIER, conn=conn) == ROWS
        assert list(pg.reimbursements.dossier_ids(conn=conn)) == [DOSSIER]
        raise RuntimeError("the unit of work fails")
    assert pg.reimbursements.list(DOSSIER) == [] and list(pg.reimbursements.dossier_ids()) == []
