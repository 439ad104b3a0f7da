"""The directory behaves the same on both stores (files, PostgreSQL): entries by login
identifier (one namespace for RPPS numbers and agents' ids), the import's batches and what they
report, the activation links' index, the name search (same matching, order and limit), and an
entry's account changed under its lock so that no code try is lost."""
from __future__ import annotations

from datetime import datetime, UTC

import pytest

from dmp_web.domain.accounts import Account
from dmp_web.domain.actors import ActorKind, DeskAgent, ForbiddenActor, Profession, Professional
from dmp_web.store.directory import Directory
from dmp_web.store.files import FileStore
from dmp_web.store.pg.directory import PgDirectory
from dmp_web.store.sharded import KeyTaken

from ..backends import FileSide, PgSide, both_stores
from ..threads import in_threads
from ..identities import rpps_key

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def rpps(n: int) -> str:
    first_10 = f"10002{n:05d}"
    return first_10 + rpps_key(first_10)


def doctor(n: int, name: str, **fields) -> Professional:
    return Professional(rpps(n), name, Profession.MEDECIN, "cardiologie", **fields)


def new_account() -> Account:
    return Account(login_id="", dossier_id="", password_hash="x", email="pro@example.org")


class FileBackend(FileSide):

    def __init__(self, tmp_path):
        self.directory = Directory(FileStore(tmp_path / "data"))


class PgBackend(PgSide):
    max_size = 6

    def __init__(self, url):
        super().__init__(url)
        self.directory = PgDirectory(self.db)


backend = both_stores(FileBackend, PgBackend)


# -- entries ------------------------------------------------------------------------------------

def test_actors_and_their_accounts_are_found_by_login_identifier(backend):
    directory = backend.directory
    marie, agent = (doctor(1, "Dr Marie Durand", workplace="Cabinet, Lyon"),
                    DeskAgent("agt0001", "Luc Martin", "CPAM Lyon"))
    banker = ForbiddenActor(ActorKind.BANK, "bnk0001", "Banque")
    for actor in (marie, agent, banker):
        directory.add(actor, new_account())
    assert directory.actor(rpps(1)) == marie and directory.professional(f" {rpps(1)} ") == marie
    assert directory.actor("agt0001 ") == agent and directory.professional("agt0001") is None
    assert directory.actor("bnk0001") == banker
    assert directory.account(rpps(1)).login_id == rpps(1) and directory.account("agt0001").login_id == "agt0001"
    assert directory.account(rpps(1)).email == "pro@example.org"
    assert directory.actor(rpps(2)) is None and directory.account(rpps(2)) is None
    assert directory.professional(rpps(2)) is None and directory.active_actor(rpps(2)) is None
    assert directory.active_actor(rpps(1)) == marie


def test_an_identifier_holds_one_entry(backend):
    directory = backend.directory
    directory.add(DeskAgent("agt0001", "Luc Martin"), new_account())
    directory.add(DeskAgent("agt0001", "Luc Martin"), new_account())  # the same again: no harm
    with pytest.raises(KeyTaken):
        directory.add(DeskAgent("agt0001", "Lucie Autre"), new_account())
    assert directory.actor("agt0001").name == "Luc Martin"


def test_a_deactivated_account_opens_no_actor(backend):
    directory = backend.directory
    directory.add(doctor(1, "Dr Marie Durand"), new_account())
    with directory.updating_account(rpps(1)) as account:
        account.deactivated_at = AT
    assert directory.active_actor(rpps(1)) is None and directory.actor(rpps(1)) is not None
    assert directory.account(rpps(1)).deactivated_at == AT


def test_updating_an_account_writes_it_and_keeps_the_actor(backend):
    directory = backend.directory
    directory.add(doctor(1, "Dr Marie Durand"), new_account())
    with directory.updating_account(f"{rpps(1)} ") as account:
        account.failed_passwords = 3
        account.password_hash = "nouveau"
    assert directory.account(rpps(1)).failed_passwords == 3 and directory.account(rpps(1)).password_hash == "nouveau"
    assert directory.professional(rpps(1)).name == "Dr Marie Durand"
    with pytest.raises(RuntimeError), directory.updating_account(rpps(1)) as account:
        account.failed_passwords = 9
        raise RuntimeError("the step failed")
    assert directory.account(rpps(1)).failed_passwords == 3
    with pytest.raises(KeyError), directory.updating_account(rpps(2)):
        pass


def test_two_threads_updating_one_account_lose_no_try(backend):
    directory = backend.directory
    directory.add(doctor(1, "Dr Marie Durand"), new_account())

    def count_up(_n):
        for _ in range(10):
            with directory.updating_account(rpps(1)) as account:
                account.failed_passwords += 1

    assert in_threads(count_up, 3) == []
    assert directory.account(rpps(1)).failed_passwords == 30


# -- the import ---------------------------------------------------------------------------------

def test_put_professionals_adds_updates_or_leaves_each_and_says_which(backend):
    directory = backend.directory
    directory.add(doctor(1, "Dr Marie Durand"), new_account())
    with directory.updating_account(rpps(1)) as account:
        account.password_hash = "chosen"
    outcomes = directory.put_professionals([
        doctor(1, "Dr Marie Durand", workplace="Hôpital, Lyon"), doctor(2, "Dr Jean Petit"), doctor(3, "Dr Ana Roux")])
    assert outcomes == {rpps(1): "updated", rpps(2): "added", rpps(3): "added"}
    assert directory.professional(rpps(1)).workplace == "Hôpital, Lyon"
    assert directory.account(rpps(1)).password_hash == "chosen"  # its account kept
    added = directory.account(rpps(2))
    assert (added.login_id, added.password_hash, added.email, added.otp_channel) == (rpps(2), "", "", "email")
    again = directory.put_professionals([doctor(2, "Dr Jean Petit"), doctor(3, "Dr Ana Roux-Blanc")])
    assert again == {rpps(2): "unchanged", rpps(3): "updated"}
    assert directory.put_professionals([]) == {}
    assert sorted(directory.professional_ids()) == [rpps(1), rpps(2), rpps(3)]


def test_professional_ids_lists_professionals_only(backend):
    backend.directory.add(DeskAgent("agt0001", "Luc Martin"), new_account())
    backend.directory.put_professionals([doctor(1, "Dr Marie Durand")])
    assert backend.directory.professional_ids() == [rpps(1)]


def test_one_rpps_twice_in_a_batch_keeps_the_last(backend):
    outcomes = backend.directory.put_professionals([doctor(1, "Dr Marie Durand"), doctor(1, "Dr Marie Durand-Roux")])
    assert outcomes == {rpps(1): "added"}
    assert backend.directory.professional(rpps(1)).name == "Dr Marie Durand-Roux"


def test_two_imports_at_once_add_each_professional_once(backend):
    batches = [[doctor(n, f"Dr Nom{n:03d} Commun") for n in range(first, first + 30)] for first in (0, 10)]
    results = [None, None]

    def run(n):
        results[n] = backend.directory.put_professionals(batches[n])

    assert in_threads(run, 2) == []
    for n in range(10, 30):  # in both batches: added by one import, unchanged for the other
        assert sorted([results[0][rpps(n)], results[1][rpps(n)]]) == ["added", "unchanged"]
    assert len(backend.directory.professional_ids()) == 40
    assert len(backend.directory.search_professionals("commun", limit=100)) == 40


# -- activation links ---------------------------------------------------------------------------

def test_an_activation_digest_finds_its_login_until_replaced_or_forgotten(backend):
    directory = backend.directory
    assert directory.find_by_activation("d1") is None
    directory.index_activation("d1", rpps(1))
    assert directory.find_by_activation("d1") == rpps(1)
    directory.index_activation("d2", rpps(1), replaces="d1")
    assert directory.find_by_activation("d1") is None and directory.find_by_activation("d2") == rpps(1)
    directory.index_activation("d3", "agt0001")
    directory.forget_activation("d2")
    assert directory.find_by_activation("d2") is None and directory.find_by_activation("d3") == "agt0001"
    directory.forget_activation("d2")  # twice: no harm


# -- the search ---------------------------------------------------------------------------------

def test_professionals_are_found_by_name_words_or_rpps(backend):
    """By name words, accents and case aside, or by RPPS number, on both stores."""
    directory = backend.directory
    people = [("Dr Paul Lefèvre", "1000200001"), ("Dr Paule Lefranc", "1000200002"), ("Claire Petit", "1000200003")]
    for name, first_10 in people:
        number = first_10 + rpps_key(first_10)
        profession = Profession.MEDECIN if name.startswith("Dr") else Profession.PHARMACIEN
        directory.add(Professional(number, name, profession, "cardiologie" if name.startswith("Dr") else ""),
                      Account(login_id="", dossier_id="", password_hash="x"))
    assert [p.name for p in directory.search_professionals("lefevre")] == ["Dr Paul Lefèvre"]
    assert [p.name for p in directory.search_professionals("Lef")] == ["Dr Paul Lefèvre", "Dr Paule Lefranc"]
    assert [p.name for p in directory.search_professionals("paul lef")] == ["Dr Paul Lefèvre", "Dr Paule Lefranc"]
    assert [p.name for p in directory.search_professionals("LEFÈVRE  paul")] == ["Dr Paul Lefèvre"]
    petit = "1000200003" + rpps_key("1000200003")
    assert [p.name for p in directory.search_professionals(petit)] == ["Claire Petit"]
    assert [p.name for p in directory.search_professionals(petit[:5] + " " + petit[5:])] == ["Claire Petit"]
    assert directory.search_professionals(petit[:10]) == []  # digits, not an RPPS number
    assert directory.search_professionals("le") == [] and directory.search_professionals("dupont") == []
    assert directory.search_professionals("dr") == [] and directory.search_professionals("") == []


def test_the_search_sorts_by_name_and_stops_at_the_limit(backend):
    names = [f"Dr Martin {chr(ord('A') + n)}lain" for n in range(25)]
    backend.directory.put_professionals([doctor(n, name) for n, name in zip(range(24, -1, -1), names, strict=True)])
    assert [p.name for p in backend.directory.search_professionals("martin")] == names[:20]
    assert [p.name for p in backend.directory.search_professionals("martin", limit=3)] == names[:3]
    assert [p.name for p in backend.directory.search_professionals("martin clain")] == ["Dr Martin Clain"]


def test_a_renamed_professional_is_found_by_the_new_name_only(backend):
    directory = backend.directory
    directory.put_professionals([doctor(1, "Dr Marie Durand"), doctor(2, "Dr Marc Durand")])
    directory.put_professionals([doctor(1, "Dr Marie Lambert")])
    assert [p.rpps for p in directory.search_professionals("durand")] == [rpps(2)]
    assert [p.rpps for p in directory.search_professionals("lambert")] == [rpps(1)]
    assert [p.rpps for p in directory.search_professionals("marie")] == [rpps(1)]


def test_a_desk_agent_is_never_a_search_result(backend):
    backend.directory.add(DeskAgent("agt0001", "Luc Durand"), new_account())
    backend.directory.put_professionals([doctor(1, "Dr Marie Durand")])
    assert [p.rpps for p in backend.directory.search_professionals("durand")] == [rpps(1)]


# -- the professional's sex (the words of the pages agree with it) --------------------------------

def test_a_professional_s_sex_is_kept_and_an_entry_without_it_stays_unchanged(backend):
    directory = backend.directory
    directory.add(doctor(1, "Dr Marie Durand", sex="F"), new_account())
    assert directory.put_professionals([doctor(2, "Dr Jean Petit", sex="M"), doctor(3, "Dr Camille Roux")]) == {
        rpps(2): "added", rpps(3): "added"}
    assert [directory.professional(rpps(n)).sex for n in (1, 2, 3)] == ["F", "M", ""]
    assert directory.professional(rpps(1)).description == "médecin, cardiologie"
    # an entry written before the field, or without a sex, is the same entry: no change to write
    assert directory.put_professionals([doctor(3, "Dr Camille Roux")]) == {rpps(3): "unchanged"}
    assert directory.put_professionals([doctor(3, "Dr Camille Roux", sex="F")]) == {rpps(3): "updated"}
    assert directory.professional(rpps(3)).sex == "F"
    assert [p.sex for p in directory.search_professionals("roux")] == ["F"]
