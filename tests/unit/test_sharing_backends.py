"""Sharing codes on both stores (files, PostgreSQL): a dossier's codes and shares read back whole
(nested records in the dossier's row); the index finds a code's dossier until the code expires,
forgets it when told, drops an expired entry when it is looked up or purged; an erased dossier
leaves no entry on PostgreSQL. Then the rules of domain/sharing.py and the use cases on the fakes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

import pytest

from dmp_web.domain import sharing
from dmp_web.domain.actors import Holder, Profession, Professional
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.services import sharing as use_cases
from dmp_web.store.dossiers import DossierRepository
from dmp_web.store.files import FileStore
from dmp_web.store.pg.dossiers import PgDossiers
from dmp_web.store.pg.sharing import PgSharingCodeIndex
from dmp_web.store.sharing import SharingCodeIndex

from ..backends import FileSide, PgSide, both_stores

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PEPPER = b"a pepper of 32 bytes, tests only"
GARCIA = "10001000065"


def dossier(n: int = 1) -> Dossier:
    return Dossier(id=f"d{n:03d}0000000000000001", holder_nir="275051305511212", ins_c=f"{n:010d}12345678901",
                   created_at=AT, consent=Consent("holder", "online", AT, "online"))


class FileBackend(FileSide):
    def __init__(self, tmp_path):
        store = FileStore(tmp_path / "data")
        self.dossiers, self.index = DossierRepository(store), SharingCodeIndex(store)


class PgBackend(PgSide):
    def __init__(self, url):
        super().__init__(url)
        self.dossiers, self.index = PgDossiers(self.db), PgSharingCodeIndex(self.db)


backend = both_stores(FileBackend, PgBackend)


def test_a_dossier_s_codes_and_shares_read_back_whole(backend):
    made = dossier()
    backend.dossiers.add(made)
    assert backend.dossiers.get(made.id).sharing_codes == [] and backend.dossiers.get(made.id).shares == []
    _, used = sharing.make_code(made, AT, PEPPER)
    sharing.make_code(made, AT, PEPPER)
    sharing.use_code(made, used, GARCIA, AT + timedelta(hours=1))
    backend.dossiers.save(made)
    back = backend.dossiers.get(made.id)
    assert back == made
    assert isinstance(back.sharing_codes[0], sharing.SharingCode) and isinstance(back.shares[0], sharing.Share)
    assert back.shares[0].until == AT + timedelta(hours=25) and back.sharing_codes[0].used_at.tzinfo is not None


def test_the_index_finds_a_code_s_dossier_until_it_expires(backend):
    index = backend.index
    index.add("a" * 64, "d1", AT + timedelta(hours=24))
    index.add("b" * 64, "d2", AT + timedelta(hours=1))
    assert index.find("a" * 64, AT) == "d1" and index.find("b" * 64, AT) == "d2"
    assert index.find("c" * 64, AT) is None
    later = AT + timedelta(hours=1)
    assert index.find("b" * 64, later) is None  # expired: it finds nothing, and is dropped
    assert index.purge(later) == 0
    index.forget("a" * 64)
    assert index.find("a" * 64, AT) is None
    index.forget("a" * 64)  # twice: nothing to forget
    index.add("d" * 64, "d3", AT + timedelta(hours=2))
    index.add("e" * 64, "d3", AT + timedelta(hours=5))
    assert index.purge(AT + timedelta(hours=3)) == 1
    assert index.find("e" * 64, AT + timedelta(hours=3)) == "d3"


def test_an_erased_dossier_leaves_no_entry_on_postgresql(backend):
    if backend.name != "postgresql":
        return  # on files, an entry left points to no dossier (refused) and expires with its code
    made = dossier()
    backend.dossiers.add(made)
    backend.index.add("a" * 64, made.id, AT + timedelta(hours=24))
    backend.dossiers.delete(made, None)
    assert backend.index.find("a" * 64, AT) is None


# -- the rules -----------------------------------------------------------------------------------

def test_a_code_has_8_characters_without_look_alikes_and_is_kept_as_a_digest():
    codes = {sharing.new_sharing_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 8 for c in codes)
    assert not set("".join(codes)) & set("01OIL")
    code = codes.pop()
    assert sharing.well_formed(f" {code[:4].lower()} - {code[4:]} ") == code
    assert sharing.well_formed(code[:7]) is None and sharing.well_formed(code[:7] + "0") is None
    digest = sharing.code_digest(code, PEPPER)
    assert digest == sharing.code_digest(code, PEPPER) != sharing.code_digest(code, b"another pepper, of 32 bytes too!")
    assert code not in digest
    with pytest.raises(ValueError):
        sharing.code_digest(code, b"short")


def test_a_code_is_live_until_used_cancelled_or_expired_and_a_share_lasts_24_hours():
    d = dossier()
    _, record = sharing.make_code(d, AT, PEPPER)
    assert record.live(AT) and record.live(AT + timedelta(hours=23, minutes=59))
    assert not record.live(AT + timedelta(hours=24))
    share = sharing.use_code(d, record, GARCIA, AT + timedelta(hours=2))
    assert not record.live(AT + timedelta(hours=2)) and share.until - share.since == timedelta(hours=24)
    assert sharing.shared_with(d, GARCIA, AT + timedelta(hours=25, minutes=59))
    assert not sharing.shared_with(d, GARCIA, AT + timedelta(hours=26))
    assert not sharing.shared_with(d, "10001000016", AT + timedelta(hours=3))
    _, other = sharing.make_code(d, AT, PEPPER)
    other.cancelled_at = AT + timedelta(minutes=5)
    assert not other.live(AT + timedelta(minutes=5))
    dropped = sharing.prune(d, AT + timedelta(hours=27))
    assert sorted(dropped) == sorted([record.digest, other.digest]) and d.sharing_codes == [] and d.shares == []


# -- the use cases, on the fakes -----------------------------------------------------------------

@pytest.fixture
def ctx():
    from dmp_web.services.context import Context

    from ..fakes import FakeClock
    from ..memory_store import MemoryRepositories

    garcia = Professional(GARCIA, "Inès Garcia", Profession.SAGE_FEMME)
    repos = MemoryRepositories([garcia])
    made = dossier()
    repos.dossiers.add(made)

    class Register:
        def get(self, nir):
            from types import SimpleNamespace

            return SimpleNamespace(birth_date=date(1975, 5, 21)) if nir == made.holder_nir else None

    return Context(repos=repos, register=Register(), notifier=None, clock=FakeClock(AT), otp_pepper=PEPPER)


def test_made_used_once_and_journaled_on_the_fakes(ctx):
    holder, garcia = Holder(dossier().id), ctx.repos.directory.professional(GARCIA)
    made = use_cases.make_code(ctx, holder, ctx.repos.dossiers.get(dossier().id))
    assert made.decision.allowed and made.expires_at == AT + timedelta(hours=24)
    assert use_cases.use_code(ctx, garcia, made.code, date(1975, 5, 22)) is None  # wrong birth date
    used = use_cases.use_code(ctx, garcia, made.code, date(1975, 5, 21))
    assert used.decision.allowed and used.until == AT + timedelta(hours=24)
    assert use_cases.use_code(ctx, garcia, made.code, date(1975, 5, 21)) is None  # once
    entries = ctx.repos.journal.entries(dossier().id)
    assert [(e.action, e.allowed, e.actor_kind) for e in entries] == [
        ("manage", True, "holder"), ("sharing_code_used", True, "professional")]
    assert entries[0].detail["change"] == {"what": "sharing_code_made"}
    assert ctx.repos.sharing_codes.rows == {}
