"""The journal behaves the same on both stores (files, PostgreSQL): appends, pages of entries,
emergencies, the head, and `check` finding each attack (an edited entry, a removed one, a cut
tail, a chain made again without the key, a forged head)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, UTC

import psycopg
import pytest

from dmp_web.domain.journal import Actor, ChainKey, Head
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import JournalRepository
from dmp_web.store.files import FileStore
from dmp_web.store.pg import Database
from dmp_web.store.pg.journal import PgJournal
from dmp_web.store.pg.migrations import upgrade

DOSSIER = "d3m0f47140a0c5e55e0001"
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DOCTOR = Actor("professional", "10001000016", "Dr Marie Durand")


class FileBackend:
    name = "files"

    def __init__(self, tmp_path, chain):
        self.store = FileStore(tmp_path / "data")
        self.journal = JournalRepository(self.store, Sealer(Sealer.generate_key()), chain)

    def rows(self) -> list[dict]:
        return self.journal.files(DOSSIER).rows()

    def replace_rows(self, rows: list[dict]) -> None:
        folder = self.store.path("dossiers", DOSSIER[:2], DOSSIER, "journal")
        for path in folder.glob("*.jsonl"):
            path.unlink()
        for start in range(0, len(rows), 64):
            lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows[start:start + 64]]
            (folder / f"{start // 64:08d}.jsonl").write_text("\n".join(lines), encoding="utf-8")

    def write_head(self, head: Head, mac: str) -> None:
        path = self.store.path("journal-heads", DOSSIER[:2], DOSSIER[2:4], f"{DOSSIER}.json")
        path.write_text(json.dumps({"count": head.count, "last_hash": head.last_hash, "purged_at": None,
                                    "mac": mac}))

    def close(self) -> None:
        pass


class PgBackend:
    name = "postgresql"

    def __init__(self, url, chain):
        upgrade(url)
        self.url = url
        self.db = Database(url, max_size=4)
        self.journal = PgJournal(self.db, Sealer(Sealer.generate_key()), chain)

    def _sql(self, query: str, *args):
        with psycopg.connect(self.url) as conn:
            return conn.execute(query, args).fetchall() if query.startswith("SELECT") else conn.execute(query, args)

    def rows(self) -> list[dict]:
        return [r[0] for r in self._sql("SELECT stored FROM journal_entries WHERE journal_id = %s ORDER BY seq",
                                        DOSSIER)]

    def replace_rows(self, rows: list[dict]) -> None:
        with psycopg.connect(self.url) as conn:
            conn.execute("DELETE FROM journal_entries WHERE journal_id = %s", (DOSSIER,))
            for row in rows:
                conn.execute("INSERT INTO journal_entries (journal_id, seq, emergency, stored) VALUES (%s, %s, %s, %s)",
                             (DOSSIER, row["seq"], row["emergency"], psycopg.types.json.Jsonb(row)))

    def write_head(self, head: Head, mac: str) -> None:
        self._sql("UPDATE journal_heads SET count = %s, last_hash = %s, mac = %s WHERE journal_id = %s",
                  head.count, head.last_hash, mac, DOSSIER)

    def close(self) -> None:
        self.db.close()


@pytest.fixture(params=["files", "postgresql"])
def backend(request, tmp_path):
    chain = ChainKey(Sealer.generate_key())
    made = FileBackend(tmp_path, chain) if request.param == "files" else \
        PgBackend(request.getfixturevalue("fresh_pg_url"), chain)
    made.chain = chain
    yield made
    made.close()


def fill(journal, count: int = 70) -> None:
    """More than a segment of the file store; every 10th an emergency."""
    for n in range(count):
        journal.append(DOSSIER, AT + timedelta(minutes=n), DOCTOR, "read_document", allowed=True,
                       reason="Le médecin traitant peut lire.", detail=f'{{"document": "d{n:03d}"}}',
                       emergency=n % 10 == 0)


def test_entries_are_appended_paged_and_opened_the_same(backend):
    journal = backend.journal
    assert journal.count(DOSSIER) == 0 and journal.entries(DOSSIER) == [] and journal.check(DOSSIER) is None
    fill(journal)
    assert journal.count(DOSSIER) == 70
    page = journal.entries(DOSSIER, 60, 80)
    assert [e.seq for e in page] == list(range(60, 70))
    assert page[0].actor_name == "Dr Marie Durand" and page[0].reason == "Le médecin traitant peut lire."
    assert [e.seq for e in journal.emergencies(DOSSIER, 65)] == [60, 50, 40, 30, 20, 10, 0]
    assert journal.head(DOSSIER).count == 70 and journal.check(DOSSIER) is None
    stored = backend.rows()[5]
    assert "Dr Marie Durand" not in json.dumps(stored) and stored["sealed"]  # private fields sealed


HOLDER = Actor("holder", DOSSIER, "le titulaire")
MOTHER = Actor("legal_representative", "r1", "sa mère")
AGENT = Actor("desk_agent", "a1", "Agent Martin")


def fill_mixed(journal, count: int = 150) -> None:
    """The holder's own entries mostly; every 7th a doctor's, every 20th the legal
    representative's, every 30th a desk agent's: more than 2 segments of the file store."""
    for n in range(count):
        actor = DOCTOR if n % 7 == 0 else MOTHER if n % 20 == 0 else AGENT if n % 30 == 0 else HOLDER
        journal.append(DOSSIER, AT + timedelta(minutes=n), actor, "list_documents", detail=f"n{n}")


def test_the_entries_of_others_than_the_holder_s_side_are_counted_and_paged_newest_first(backend):
    journal = backend.journal
    assert journal.others(DOSSIER, 0) == (0, [])
    fill_mixed(journal)
    others = [n for n in range(150) if n % 7 == 0 or (n % 30 == 0 and n % 20)]
    total, entries = journal.others(DOSSIER, 150)
    assert total == len(others) and [e.seq for e in entries] == others[::-1]
    assert {e.actor_kind for e in entries} == {"professional", "desk_agent"} and entries[0].detail == "n147"
    total, page = journal.others(DOSSIER, 120, skip=5, limit=4)  # cut where an earlier page was
    assert total == len([n for n in others if n < 120]) and [e.seq for e in page] == [90, 84, 77, 70]
    assert [e.actor_name for e in page[:2]] == ["Agent Martin", "Dr Marie Durand"]  # opened
    assert journal.others(DOSSIER, 150, skip=len(others), limit=4) == (len(others), [])
    journal.append(DOSSIER, AT, AGENT, "read_dossier")  # appended after a first reading
    journal.append(DOSSIER, AT, HOLDER, "read_dossier")
    total, newest = journal.others(DOSSIER, 152, limit=1)
    assert total == len(others) + 1 and [e.seq for e in newest] == [150]


def test_an_edited_entry_is_found(backend):
    fill(backend.journal, 5)
    rows = backend.rows()
    rows[2] = {**rows[2], "action": "list_documents"}
    backend.replace_rows(rows)
    assert backend.journal.check(DOSSIER).kind == "changed"


def test_a_removed_entry_and_a_cut_tail_are_found(backend):
    fill(backend.journal, 5)
    rows = backend.rows()
    backend.replace_rows(rows[:2] + rows[3:])
    assert backend.journal.check(DOSSIER).kind == "changed"
    backend.replace_rows(rows[:4])  # the last entry cut: the head still counts 5
    assert backend.journal.check(DOSSIER) is not None
    backend.replace_rows([])
    assert backend.journal.check(DOSSIER).kind == "deleted"


def test_a_chain_made_again_without_the_key_and_a_forged_head_are_found(backend):
    fill(backend.journal, 3)
    rows = backend.rows()
    other = ChainKey(Sealer.generate_key())  # whoever edits the store has no journal key
    rows[1] = {**rows[1], "action": "list_documents"}
    prev = rows[0]["hash"]
    for row in rows[1:]:
        row["prev_hash"] = prev
        fields = {k: v for k, v in row.items() if k != "hash"}
        row["hash"] = prev = other.mac(DOSSIER, fields)
    backend.replace_rows(rows)
    assert backend.journal.check(DOSSIER).kind == "changed"
    forged = Head(3, prev)
    backend.write_head(forged, other.head_mac(DOSSIER, forged))
    assert backend.journal.check(DOSSIER).kind == "head_forged"


def test_the_others_appended_since_a_reading_are_all_found_across_segments(backend):
    journal = backend.journal
    fill_mixed(journal, 70)
    assert journal.others(DOSSIER, 70)[0] == 11  # read once at 70 entries, in the middle of a segment
    for n in range(70, 210):  # more than 2 segments more
        journal.append(DOSSIER, AT, DOCTOR if n % 7 == 0 else HOLDER, "list_documents")
    total, entries = journal.others(DOSSIER, 210)
    assert total == 11 + 20 and [e.seq for e in entries[:3]] == [203, 196, 189] and entries[-1].seq == 0


def test_on_files_an_index_changed_by_hand_is_made_again_never_read(tmp_path):
    """The file store keeps the seqs of the others' entries in a derived index: one that hides an
    entry (changed without the journal key) or that covers another journal is not believed."""
    backend = FileBackend(tmp_path, ChainKey(Sealer.generate_key()))
    fill_mixed(backend.journal, 30)
    assert backend.journal.others(DOSSIER, 30)[0] == 5  # 0, 7, 14, 21, 28: the index is made
    path = backend.store.path("dossiers", DOSSIER[:2], DOSSIER, "journal", "index-others.json")
    index = json.loads(path.read_text())
    path.write_text(json.dumps({**index, "seqs": index["seqs"][:-1]}))  # the newest doctor hidden
    assert [e.seq for e in backend.journal.others(DOSSIER, 30)[1]] == [28, 21, 14, 7, 0]
    rows = backend.rows()
    backend.replace_rows(rows[:10])  # a shorter journal put back, with a head of its own
    backend.write_head(Head(10, rows[9]["hash"]), backend.journal.chain.head_mac(DOSSIER, Head(10, rows[9]["hash"])))
    assert [e.seq for e in backend.journal.others(DOSSIER, 10)[1]] == [7, 0]


def test_a_helper_is_sealed_with_the_detail_and_read_back_and_older_entries_stay_whole(backend):
    """« Je me fais aider »: the helper is one more part of the sealed detail; the entry before,
    without one, keeps its stored form, and the chain holds across both."""
    from dmp_web.domain.details import JournaledDetail, read_detail, with_helper
    from dmp_web.domain.helped_visit import Helper

    journal = backend.journal
    plain = JournaledDetail("holder", "d0c0000000000002").stored()
    helper = Helper("Odile FERRANDIER", "Maison des Tilleuls")
    journal.append(DOSSIER, AT, HOLDER, "read_document", detail=plain)
    first = backend.rows()[0]
    journal.append(DOSSIER, AT + timedelta(minutes=1), HOLDER, "read_document", detail=with_helper(plain, helper))
    before, helped = journal.entries(DOSSIER)
    assert before.detail == plain and read_detail(before.detail).helper is None
    assert read_detail(helped.detail) == JournaledDetail("holder", "d0c0000000000002", helper=helper)
    assert backend.rows()[0] == first and journal.check(DOSSIER) is None
    stored = json.dumps(backend.rows(), ensure_ascii=False)
    assert "FERRANDIER" not in stored and "Tilleuls" not in stored  # sealed
