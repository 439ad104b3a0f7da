"""Patients' accounts, creation codes and the register behave the same on both stores (files,
PostgreSQL): the login index (unique, case-blind), `updating` losing no change when two
threads update one account, creation codes renewed and tried under their lock (the first one
made once even when two threads make it at once), the register written and read by NIR."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, UTC

import psycopg
import pytest

from dmp_web.domain.accounts import Account, CodeCheck, CreationCode, first_creation_code
from dmp_web.domain.credentials import hash_secret
from dmp_web.domain.journal import ChainKey
from dmp_web.domain.register import InsuredPerson, PostalAddress
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import Repositories
from dmp_web.store.files import FileStore
from dmp_web.store.pg.accounts import PgAccountRepository, PgCreationCodeRepository
from dmp_web.store.pg.repositories import PgRepositories
from dmp_web.store.pg.register import PgInsuredRegister
from dmp_web.store.register import InsuredRegister

from ..backends import FileSide, PgSide, both_stores
from ..threads import in_threads

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
NIR = "185057800608436"
DOSSIER_A, DOSSIER_B = "d3m0f47140a0c5e55e0001", "d3m0f47140a0c5e55e0002"


class FileBackend(FileSide):

    def __init__(self, tmp_path):
        sealer = Sealer(Sealer.generate_key())
        repos = Repositories(FileStore(tmp_path / "data"), sealer, sealer, ChainKey(Sealer.generate_key()))
        self.accounts = repos.accounts
        self.codes = repos.creation_codes
        self.register = InsuredRegister(repos.store)


class PgBackend(PgSide):
    max_size = 6

    def __init__(self, url):
        super().__init__(url)
        self.accounts = PgAccountRepository(self.db)
        self.codes = PgCreationCodeRepository(self.db)
        self.register = PgInsuredRegister(self.db)


backend = both_stores(FileBackend, PgBackend)


def account(dossier_id: str = DOSSIER_A, login_id: str = "hup7510") -> Account:
    return Account(login_id=login_id, dossier_id=dossier_id, password_hash=hash_secret("x"),
                   mobile="0611223344", email="marie@example.org")


# -- accounts -----------------------------------------------------------------------------------

def test_an_account_is_found_by_dossier_and_by_login_whatever_its_case_and_spaces(backend):
    repo = backend.accounts
    assert repo.get(DOSSIER_A) is None and repo.find_by_login("hup7510") is None
    added = repo.add(account())
    assert added.login_id == "hup7510"
    assert repo.get(DOSSIER_A) == added
    assert repo.find_by_login("  HUP7510 ") == added
    assert repo.find_by_login("hup7511") is None


def test_adding_the_same_account_again_keeps_its_login(backend):
    backend.accounts.add(account())
    again = backend.accounts.add(account())
    assert again.login_id == "hup7510" and backend.accounts.find_by_login("hup7510").dossier_id == DOSSIER_A
    upper = backend.accounts.add(account(DOSSIER_B, "ABC1234"))
    assert backend.accounts.add(account(DOSSIER_B, "ABC1234")).login_id == upper.login_id == "ABC1234"


def test_a_login_taken_by_another_dossier_is_drawn_again(backend):
    backend.accounts.add(account(DOSSIER_A))
    other = backend.accounts.add(account(DOSSIER_B))
    assert other.login_id != "hup7510"
    assert backend.accounts.find_by_login("hup7510").dossier_id == DOSSIER_A
    assert backend.accounts.find_by_login(other.login_id).dossier_id == DOSSIER_B
    assert backend.accounts.get(DOSSIER_B).login_id == other.login_id  # the record says the login it got


def test_two_dossiers_adding_one_login_at_once_get_two_logins(backend):
    dossiers = [f"d3m0f47140a0c5e55e{n:04d}" for n in range(4)]
    errors = in_threads(lambda n: backend.accounts.add(account(dossiers[n])), 4)
    assert errors == []
    logins = [backend.accounts.get(d).login_id for d in dossiers]
    assert len(set(logins)) == 4 and "hup7510" in logins  # the index entry is unique
    for dossier, login in zip(dossiers, logins, strict=True):
        assert backend.accounts.find_by_login(login).dossier_id == dossier


def test_a_dossier_s_second_slot_is_an_account_of_its_own_found_by_its_own_login(backend):
    first = backend.accounts.add(account())
    second = backend.accounts.add(Account(login_id="bob2222", dossier_id=DOSSIER_A, password_hash="", slot="r2",
                                          email="pere@example.org"))
    assert backend.accounts.get(DOSSIER_A) == first and backend.accounts.get(DOSSIER_A, "r2") == second
    assert backend.accounts.find_by_login("BOB2222") == second
    assert backend.accounts.find_by_login("hup7510") == first
    with backend.accounts.updating(DOSSIER_A, "r2") as acc:
        acc.failed_passwords = 1
    tries = [backend.accounts.get(DOSSIER_A, slot).failed_passwords for slot in ("r2", "")]
    assert tries == [1, 0]
    # at 18 the first slot becomes the young adult's: the old identifier opens nothing any more
    backend.accounts.add(Account(login_id="ado1818", dossier_id=DOSSIER_A, password_hash="", email="lucas@example.org"))
    assert backend.accounts.get(DOSSIER_A).login_id == "ado1818"
    assert backend.accounts.find_by_login("hup7510") is None
    assert backend.accounts.find_by_login("ado1818").email == "lucas@example.org"


def test_save_writes_the_account(backend):
    added = backend.accounts.add(account())
    added.email = "autre@example.org"
    backend.accounts.save(added)
    assert backend.accounts.find_by_login("hup7510").email == "autre@example.org"


def test_updating_writes_the_change_and_an_error_writes_nothing(backend):
    backend.accounts.add(account())
    with backend.accounts.updating(DOSSIER_A) as acc:
        acc.failed_passwords = 2
        acc.locked_until = AT
    assert backend.accounts.get(DOSSIER_A).failed_passwords == 2
    assert backend.accounts.get(DOSSIER_A).locked_until == AT
    with pytest.raises(RuntimeError), backend.accounts.updating(DOSSIER_A) as acc:
        acc.failed_passwords = 9
        raise RuntimeError("the login step failed")
    assert backend.accounts.get(DOSSIER_A).failed_passwords == 2
    with pytest.raises(LookupError), backend.accounts.updating(DOSSIER_B):
        pass


def test_two_threads_updating_one_account_lose_no_change(backend):
    backend.accounts.add(account())

    def count_up(_n):
        for _ in range(10):
            with backend.accounts.updating(DOSSIER_A) as acc:
                acc.failed_passwords += 1

    assert in_threads(count_up, 3) == []
    assert backend.accounts.get(DOSSIER_A).failed_passwords == 30


def test_on_postgresql_updating_holds_the_account_row_in_the_callers_transaction(fresh_pg_url):
    made = PgBackend(fresh_pg_url)
    try:
        made.accounts.add(account())
        with made.db.transaction() as conn, made.accounts.updating(DOSSIER_A, conn=conn) as acc:
            acc.failed_passwords = 1
            with psycopg.connect(fresh_pg_url) as other:  # another server: the row is locked
                other.execute("SET lock_timeout = '100ms'")
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    other.execute("SELECT 1 FROM accounts WHERE dossier_id = %s FOR UPDATE", (DOSSIER_A,))
        assert made.accounts.get(DOSSIER_A).failed_passwords == 1
        with pytest.raises(RuntimeError), made.db.transaction() as conn:
            made.accounts.add(account(DOSSIER_B, "abc1234"), conn)
            raise RuntimeError("the unit of work failed")
        assert made.accounts.get(DOSSIER_B) is None and made.accounts.find_by_login("abc1234") is None
    finally:
        made.close()


def test_updating_waits_for_a_unit_of_work_of_the_dossier_and_neither_change_is_lost(backend, tmp_path):
    if backend.name == "files":
        sealer = Sealer(Sealer.generate_key())
        repos = Repositories(FileStore(tmp_path / "data"), sealer, sealer, ChainKey(Sealer.generate_key()))
    else:
        key = Sealer.generate_key()
        repos = PgRepositories(backend.db, Sealer(key), Sealer(key), ChainKey(Sealer.generate_key()))
    repos.accounts.add(account())

    def login_step():
        with repos.accounts.updating(DOSSIER_A) as acc:
            acc.failed_passwords += 1

    with repos.unit(DOSSIER_A) as unit:
        acc = unit.account()
        thread = threading.Thread(target=login_step)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # the login step waits for the unit
        acc.email = "autre@example.org"
        unit.save_account(acc)
        unit.commit()
    thread.join(30)
    final = repos.accounts.get(DOSSIER_A)
    assert (final.email, final.failed_passwords) == ("autre@example.org", 1)


# -- creation codes ------------------------------------------------------------------------------

def renew_with(code: str, now: datetime = AT):
    return lambda record: record.renewed(hash_secret(code), "email", now) if record else \
        first_creation_code(NIR, hash_secret(code), "email", now)


def test_a_code_is_put_and_read_by_nir(backend):
    assert backend.codes.get(NIR) is None
    code = first_creation_code(NIR, hash_secret("ABCD1234"), "post", AT)
    backend.codes.put(code)
    assert backend.codes.get(NIR) == code
    replacing = first_creation_code(NIR, hash_secret("EFGH5678"), "email", AT + timedelta(days=1))
    backend.codes.put(replacing)
    assert backend.codes.get(NIR) == replacing


def test_renew_makes_the_first_code_then_renews_it_and_none_keeps_it(backend):
    first = backend.codes.renew(NIR, renew_with("ABCD1234"))
    assert first.nir == NIR and backend.codes.get(NIR) == first
    assert first.check("ABCD1234", AT) is CodeCheck.OK
    second = backend.codes.renew(NIR, renew_with("EFGH5678", AT + timedelta(hours=1)))
    assert backend.codes.get(NIR) == second and len(second.sends) == 2
    assert second.check("ABCD1234", AT + timedelta(hours=2)) is CodeCheck.OK  # the earlier still good
    seen = []
    assert backend.codes.renew(NIR, lambda record: seen.append(record)) is None
    assert seen == [second] and backend.codes.get(NIR) == second  # None: kept as it was
    assert backend.codes.renew("299999999999999", lambda record: None) is None
    assert backend.codes.get("299999999999999") is None  # nothing made for nothing given


def test_a_renewal_that_raises_leaves_no_code(backend):
    def broken(record):
        raise RuntimeError("the letter could not be made")

    with pytest.raises(RuntimeError):
        backend.codes.renew(NIR, broken)
    assert backend.codes.get(NIR) is None
    assert backend.codes.renew(NIR, renew_with("ABCD1234")) is not None  # and nothing stands in the way


def test_apply_keeps_the_tries_and_the_use_and_gives_its_result(backend):
    assert backend.codes.apply(NIR, lambda record: ("none", record)) == ("none", None)
    assert backend.codes.get(NIR) is None
    backend.codes.renew(NIR, renew_with("ABCD1234"))
    assert backend.codes.apply(NIR, lambda record: record.check("WRONG000", AT)) is CodeCheck.WRONG
    assert backend.codes.get(NIR).tries == 1

    def use(record: CreationCode):
        check = record.check("ABCD1234", AT)
        record.used_at = AT
        return check

    assert backend.codes.apply(NIR, use) is CodeCheck.OK
    assert backend.codes.get(NIR).used_at == AT
    assert backend.codes.apply(NIR, lambda record: record.check("ABCD1234", AT)) is CodeCheck.MISSING


def test_two_threads_renewing_a_code_that_is_not_there_yet_lose_no_renewal(backend):
    def renew(n):
        for k in range(3):
            backend.codes.renew(NIR, renew_with(f"CODE{n}{k:03d}", AT + timedelta(minutes=n * 10 + k)))

    assert in_threads(renew, 3) == []
    assert len(backend.codes.get(NIR).sends) == 9  # each renewal saw the one before it


def test_two_threads_trying_codes_at_once_count_every_try(backend):
    backend.codes.renew(NIR, renew_with("ABCD1234"))
    errors = in_threads(lambda n: [backend.codes.apply(NIR, lambda r: r.check("WRONG000", AT)) for _ in range(2)], 2)
    assert errors == [] and backend.codes.get(NIR).tries == 4


# -- the register --------------------------------------------------------------------------------

def person(nir: str = NIR, city: str = "Lyon", email: str = "") -> InsuredPerson:
    return InsuredPerson(nir=nir, birth_name="DURAND", first_names="Marie Claire", sex="F",
                         birth_date=date(1985, 5, 17), birth_place="Lyon", vitale_serial="12345678",
                         vitale_type="adulte", address=PostalAddress("3 rue des Lilas", "69003", city),
                         email=email)


def test_the_register_is_written_and_read_by_nir(backend):
    assert backend.register.get(NIR) is None
    backend.register.put(person())
    assert backend.register.get(NIR) == person()
    backend.register.put(person(city="Villeurbanne"))
    assert backend.register.get(NIR).address.city == "Villeurbanne"


def test_put_many_writes_each_person_once_the_last_of_a_nir_winning(backend):
    others = [person(f"2850578006{n:03d}{n % 97:02d}", email=f"p{n}@example.org") for n in range(30)]
    backend.register.put_many(others + [person(), person(city="Bron")])
    assert backend.register.get(NIR).address.city == "Bron"
    assert [backend.register.get(p.nir) for p in others] == others
    backend.register.put_many(others)  # the same again: no harm
    backend.register.put_many([])
    assert backend.register.get(others[7].nir) == others[7]


def test_on_postgresql_put_many_leaves_an_unchanged_person_unwritten(fresh_pg_url):
    made = PgBackend(fresh_pg_url)
    try:
        made.register.put_many([person(), person("285057800600111")])

        def versions():
            with psycopg.connect(fresh_pg_url) as conn:
                return dict(conn.execute("SELECT nir, xmin::text FROM register").fetchall())

        before = versions()
        made.register.put_many([person(), person("285057800600111", city="Bron")])
        after = versions()
        assert after[NIR] == before[NIR] and after["285057800600111"] != before["285057800600111"]
    finally:
        made.close()


def test_on_postgresql_a_renewal_that_raises_in_a_unit_of_work_leaves_no_row_behind(fresh_pg_url):
    def broken(record):
        raise RuntimeError("the letter could not be made")

    made = PgBackend(fresh_pg_url)
    try:
        with made.db.transaction() as conn:
            with pytest.raises(RuntimeError):
                made.codes.renew(NIR, broken, conn)
            conn.execute("SELECT 1")  # the caller's transaction goes on
        with psycopg.connect(fresh_pg_url) as other:
            assert other.execute("SELECT count(*) FROM creation_codes").fetchone()[0] == 0
    finally:
        made.close()
