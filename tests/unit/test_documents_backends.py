"""Documents, their files and emergency accesses behave the same on both stores (files,
PostgreSQL): sealed at rest (titles, file names, texts, reasons: nowhere in clear), read back,
listed newest first, saved without losing their content, sealed again with a new key, and a
file altered at rest refused. On PostgreSQL a file is sealed chunks: a large one is stored and
read chunk by chunk, and a chunk swapped, moved, repeated or cut is refused."""
from __future__ import annotations

import base64
import re
import secrets
import threading
from datetime import datetime, timedelta, UTC
from types import SimpleNamespace

import psycopg
import pytest
from psycopg.types.json import Jsonb

from dmp_web.domain.access import EmergencyAccess, EmergencyKind
from dmp_web.domain.documents import Document
from dmp_web.store.blobs import BlobStore
from dmp_web.store.crypto import SealBroken, Sealer
from dmp_web.store.documents import DocumentRepository, EmergencyRepository, StoredFile
from dmp_web.store.files import FileStore, UnsafePath
from dmp_web.store.pg.documents import (
    CHUNK,
    ChunkBroken,
    PgBlobStore,
    PgDocumentRepository,
    PgEmergencyRepository,
)

from ..backends import FileSide, PgSide, both_stores

DOSSIER = "d3m0f47140a0c5e55e0001"
OTHER = "d3m0f47140a0c5e55e0002"
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MARKER = b"CLEAR-MARKER-compte-rendu-de-Jeanne-Martin"
TITLE = "Bilan de mon diabète"
FILE_NAME = "glycemie-mars.pdf"
TEXT = "Allergie à la pénicilline, vue le 3 mars."
REASON = "Malaise grave dans la cage d’escalier"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MIB = 1024 * 1024


class CountingSealer(Sealer):
    """Counts the texts it opens: a list kept in memory opens none."""

    opened = 0

    def open_text(self, token: str) -> str:
        type(self).opened += 1
        return super().open_text(token)


class FileBackend(FileSide):

    def __init__(self, tmp_path):
        self.store = FileStore(tmp_path / "data")

    def repos(self, sealer: Sealer) -> SimpleNamespace:
        return SimpleNamespace(documents=DocumentRepository(self.store, sealer),
                               emergencies=EmergencyRepository(self.store, sealer), blobs=BlobStore(self.store, sealer))

    def at_rest(self) -> bytes:
        """Every byte the store keeps."""
        return b"".join(p.read_bytes() for p in self.store.root.rglob("*") if p.is_file())

    def _blob(self, dossier_id: str, blob_id: str):
        return self.store.root / "dossiers" / dossier_id[:2] / dossier_id / "files" / f"{blob_id}.bin"

    def flip_a_bit(self, dossier_id: str, blob_id: str) -> None:
        path = self._blob(dossier_id, blob_id)
        path.write_bytes(_flipped(path.read_bytes()))

    def truncate(self, dossier_id: str, blob_id: str) -> None:
        path = self._blob(dossier_id, blob_id)
        path.write_bytes(path.read_bytes()[:-8])

    def as_before_sealing(self, dossier_id: str, documents: DocumentRepository) -> None:
        """Rows as an older version wrote them: title, file name and reason in clear."""
        with self.store.transaction("dossiers", dossier_id[:2], dossier_id, "documents.json") as db:
            for row in db.all():
                opened = documents._opened(row)
                db.update({"title": opened["title"], "file": opened["file"], "sealed_meta": False},
                          doc_ids=[row.doc_id])
        with self.store.transaction("dossiers", dossier_id[:2], dossier_id, "emergencies.json") as db:
            for row in db.all():
                db.update({"reason": documents.sealer.open_text(row["reason"]), "sealed": False},
                          doc_ids=[row.doc_id])


class PgBackend(PgSide):

    def __init__(self, url):
        super().__init__(url)

    def repos(self, sealer: Sealer) -> SimpleNamespace:
        return SimpleNamespace(documents=PgDocumentRepository(self.db, sealer),
                               emergencies=PgEmergencyRepository(self.db, sealer), blobs=PgBlobStore(self.db, sealer))

    def sql(self, query: str, *args):
        with psycopg.connect(self.url) as conn:
            cursor = conn.execute(query, args, binary=True)
            return cursor.fetchall() if cursor.description else None

    def at_rest(self) -> bytes:
        """Every value of every table, bytea as its bytes (a hex dump would hide a clear marker)."""
        tables = [r[0] for r in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        out = []
        for table in tables:
            for row in self.sql(f'SELECT * FROM "{table}"'):
                for value in row:
                    out.append(bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode())
        return b"\n".join(out)

    def chunks(self, blob_id: str) -> list[tuple[int, bytes]]:
        return [(n, bytes(s)) for n, s in self.sql(
            "SELECT chunk, sealed FROM files WHERE blob_id = %s ORDER BY chunk", blob_id)]

    def set_chunk(self, dossier_id: str, blob_id: str, number: int, sealed: bytes) -> None:
        self.sql("INSERT INTO files (dossier_id, blob_id, chunk, sealed) VALUES (%s, %s, %s, %s) "
                 "ON CONFLICT (dossier_id, blob_id, chunk) DO UPDATE SET sealed = EXCLUDED.sealed",
                 dossier_id, blob_id, number, sealed)

    def flip_a_bit(self, dossier_id: str, blob_id: str) -> None:
        number, sealed = self.chunks(blob_id)[0]
        self.set_chunk(dossier_id, blob_id, number, _flipped(sealed))

    def truncate(self, dossier_id: str, blob_id: str) -> None:
        number, sealed = self.chunks(blob_id)[-1]
        self.set_chunk(dossier_id, blob_id, number, sealed[:-8])

    def as_before_sealing(self, dossier_id: str, documents: PgDocumentRepository) -> None:
        for document_id, row in self.sql("SELECT document_id, record FROM documents WHERE dossier_id = %s",
                                         dossier_id):
            opened = documents._opened(row)
            self.sql("UPDATE documents SET record = %s WHERE dossier_id = %s AND document_id = %s",
                     Jsonb({**row, "title": opened["title"], "file": opened["file"], "sealed_meta": False}),
                     dossier_id, document_id)
        for access_id, row in self.sql("SELECT access_id, record FROM emergencies WHERE dossier_id = %s",
                                       dossier_id):
            self.sql("UPDATE emergencies SET record = %s WHERE dossier_id = %s AND access_id = %s",
                     Jsonb({**row, "reason": documents.sealer.open_text(row["reason"]), "sealed": False}),
                     dossier_id, access_id)


def _flipped(token: bytes) -> bytes:
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[40] ^= 0x01  # one bit of the ciphertext
    return base64.urlsafe_b64encode(bytes(raw))


def with_repositories(made) -> None:
    made.key = Sealer.generate_key()
    made.sealer = Sealer(made.key)
    made.__dict__.update(vars(made.repos(made.sealer)))  # backend.documents, .emergencies, .blobs


backend = both_stores(FileBackend, PgBackend, ready=with_repositories)


@pytest.fixture
def pg(fresh_pg_url):
    made = PgBackend(fresh_pg_url)
    made.sealer = Sealer(Sealer.generate_key())
    made.__dict__.update(vars(made.repos(made.sealer)))
    yield made
    made.close()


def document(n: int, *, at: datetime | None = None, title: str | None = None, dossier_id: str = DOSSIER,
             **changes) -> Document:
    return Document(f"d{n:015x}", dossier_id, "consultation_report", title or f"Consultation numéro {n}",
                    "professional", "10001000016", "Dr Marie Durand", at or AT + timedelta(hours=n), **changes)


def access(rpps: str = "10001000016", at: datetime = AT, reason: str = REASON) -> EmergencyAccess:
    return EmergencyAccess(EmergencyKind.BREAK_GLASS, rpps, reason, at)


# -- files ------------------------------------------------------------------------------------


def test_a_stored_file_reads_back_the_same(backend):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 100
    blob_id = backend.blobs.put(DOSSIER, data)
    assert re.fullmatch(r"[0-9a-f]{32}", blob_id)
    assert backend.blobs.get(DOSSIER, blob_id) == data
    assert backend.blobs.put(DOSSIER, b"same") != backend.blobs.put(DOSSIER, b"same")  # a new id each time
    assert backend.blobs.get(DOSSIER, backend.blobs.put(DOSSIER, b"")) == b""


def test_a_3_mib_file_reads_back_byte_for_byte(backend):
    data = secrets.token_bytes(3 * MIB)
    blob_id = backend.blobs.put(DOSSIER, data)
    assert backend.blobs.get(DOSSIER, blob_id) == data


def test_no_stored_byte_holds_the_clear_file(backend):
    backend.blobs.put(DOSSIER, MARKER * 1000)
    assert MARKER not in backend.at_rest()


def test_a_file_sealed_with_another_key_cannot_be_read(backend):
    blob_id = backend.blobs.put(DOSSIER, MARKER)
    with pytest.raises(SealBroken):
        backend.repos(Sealer(Sealer.generate_key())).blobs.get(DOSSIER, blob_id)


def test_a_file_altered_at_rest_is_refused(backend):
    blob_id = backend.blobs.put(DOSSIER, MARKER * 10)
    backend.flip_a_bit(DOSSIER, blob_id)
    with pytest.raises(SealBroken):
        backend.blobs.get(DOSSIER, blob_id)


def test_a_truncated_file_is_refused(backend):
    blob_id = backend.blobs.put(DOSSIER, MARKER * 10)
    backend.truncate(DOSSIER, blob_id)
    with pytest.raises(SealBroken):
        backend.blobs.get(DOSSIER, blob_id)


class NoDiskStore(FileStore):
    def path(self, *segments):
        raise AssertionError(f"the disk was reached with {segments!r}")


class NoDatabase:
    def using(self, conn=None):
        raise AssertionError("the database was reached")

    transaction = using


@pytest.mark.parametrize("blob_id", ["../x", "abc", "", "A" * 32, "0" * 31, "0" * 33, "0" * 32 + ".bin",
                                     "../" + "0" * 29, "0" * 32 + "\n", None])
@pytest.mark.parametrize("make", [lambda s: BlobStore(NoDiskStore("/nonexistent"), s),
                                  lambda s: PgBlobStore(NoDatabase(), s)], ids=["files", "postgresql"])
def test_an_unsafe_blob_id_is_refused_before_the_store_is_touched(make, blob_id):
    blobs = make(Sealer(Sealer.generate_key()))
    for call in (blobs.get, blobs.delete, blobs.reseal):
        with pytest.raises(UnsafePath):
            call(DOSSIER, blob_id)


def test_an_unsafe_dossier_id_is_refused(backend):
    with pytest.raises(UnsafePath):
        backend.blobs.put("../etc", b"x")


def test_a_file_of_another_dossier_is_not_found_with_this_dossiers_id(backend):
    blob_id = backend.blobs.put(DOSSIER, MARKER)
    with pytest.raises(KeyError):
        backend.blobs.get(OTHER, blob_id)
    with pytest.raises(KeyError):
        backend.blobs.get(DOSSIER, "0" * 32)


def test_a_deleted_file_is_gone_and_deleting_it_again_is_harmless(backend):
    blob_id, kept = backend.blobs.put(DOSSIER, MARKER * 10), backend.blobs.put(DOSSIER, b"kept")
    backend.blobs.delete(DOSSIER, blob_id)
    with pytest.raises(KeyError):
        backend.blobs.get(DOSSIER, blob_id)
    backend.blobs.delete(DOSSIER, blob_id)
    assert backend.blobs.get(DOSSIER, kept) == b"kept"


def test_the_purge_removes_the_files_of_one_dossier_only(backend):
    purged = [backend.blobs.put(DOSSIER, b"a"), backend.blobs.put(DOSSIER, b"b" * (2 * MIB))]
    kept = backend.blobs.put(OTHER, b"c")
    backend.documents.add(document(1, title=TITLE), text=TEXT)

    backend.blobs.delete_dossier_files(DOSSIER)

    for blob_id in purged:
        with pytest.raises(KeyError):
            backend.blobs.get(DOSSIER, blob_id)
    assert backend.blobs.get(OTHER, kept) == b"c"
    # the dossier's records are another repository's business
    assert backend.documents.text(DOSSIER, document(1).id) == TEXT
    backend.blobs.delete_dossier_files(DOSSIER)  # nothing left: no error


def test_a_file_sealed_again_opens_with_the_new_key_alone(backend):
    data = secrets.token_bytes(2 * MIB + 5)
    blob_id = backend.blobs.put(DOSSIER, data)
    new_key = Sealer.generate_key()
    backend.repos(Sealer(new_key, backend.key)).blobs.reseal(DOSSIER, blob_id)
    assert backend.repos(Sealer(new_key)).blobs.get(DOSSIER, blob_id) == data
    with pytest.raises(SealBroken):
        backend.repos(Sealer(backend.key)).blobs.get(DOSSIER, blob_id)
    with pytest.raises((KeyError, OSError)):  # what reseal-data reports for a file gone
        backend.blobs.reseal(DOSSIER, "0" * 32)


# -- files on PostgreSQL: sealed chunks -------------------------------------------------------


def test_a_3_mib_file_is_stored_in_sealed_chunks_of_at_most_1_mib_and_read_chunk_by_chunk(pg):
    data = secrets.token_bytes(3 * MIB)
    blob_id = pg.blobs.put(DOSSIER, data)
    stored = pg.chunks(blob_id)
    assert [n for n, _ in stored] == list(range(len(stored))) and len(stored) >= 3
    assert all(len(sealed) <= MIB for _, sealed in stored)
    assert all(data[:64] not in sealed for _, sealed in stored)
    pieces = list(pg.blobs.chunks(DOSSIER, blob_id))
    assert len(pieces) == len(stored) and all(len(p) <= CHUNK for p in pieces)
    assert b"".join(pieces) == data


def test_the_largest_chunk_sealed_fits_in_1_mib():
    sealer = Sealer(Sealer.generate_key())
    assert len(sealer.seal(bytes(21 + CHUNK))) <= MIB  # header and block


@pytest.fixture
def three_chunks(pg):
    data = secrets.token_bytes(2 * CHUNK + 100)
    blob_id = pg.blobs.put(DOSSIER, data)
    assert pg.blobs.get(DOSSIER, blob_id) == data and len(pg.chunks(blob_id)) == 3
    return blob_id


def test_two_chunks_swapped_are_refused(pg, three_chunks):
    (_, first), (_, second), _ = pg.chunks(three_chunks)
    pg.set_chunk(DOSSIER, three_chunks, 0, second)
    pg.set_chunk(DOSSIER, three_chunks, 1, first)
    with pytest.raises(ChunkBroken):
        pg.blobs.get(DOSSIER, three_chunks)


def test_a_repeated_chunk_is_refused(pg, three_chunks):
    (_, first), _, _ = pg.chunks(three_chunks)
    pg.set_chunk(DOSSIER, three_chunks, 1, first)
    with pytest.raises(ChunkBroken):
        pg.blobs.get(DOSSIER, three_chunks)


@pytest.mark.parametrize("cut", [2, 1])
def test_a_file_cut_short_or_in_the_middle_is_refused(pg, three_chunks, cut):
    pg.sql("DELETE FROM files WHERE blob_id = %s AND chunk = %s", three_chunks, cut)
    with pytest.raises(ChunkBroken):
        pg.blobs.get(DOSSIER, three_chunks)


def test_a_file_that_goes_on_past_its_last_chunk_is_refused(pg, three_chunks):
    _, _, (_, last) = pg.chunks(three_chunks)
    pg.set_chunk(DOSSIER, three_chunks, 3, last)
    with pytest.raises(ChunkBroken):
        pg.blobs.get(DOSSIER, three_chunks)


def test_a_chunk_of_another_file_in_its_place_is_refused(pg, three_chunks):
    other = pg.blobs.put(DOSSIER, secrets.token_bytes(2 * CHUNK + 100))  # same dossier, same key
    pg.set_chunk(DOSSIER, three_chunks, 1, pg.chunks(other)[1][1])
    with pytest.raises(ChunkBroken):
        pg.blobs.get(DOSSIER, three_chunks)


def test_a_file_moved_to_another_dossier_is_refused(pg, three_chunks):
    pg.sql("UPDATE files SET dossier_id = %s WHERE blob_id = %s", OTHER, three_chunks)
    with pytest.raises(ChunkBroken):
        pg.blobs.get(OTHER, three_chunks)


def test_a_file_written_in_a_transaction_that_fails_is_not_kept(pg):
    with pytest.raises(RuntimeError), pg.db.transaction() as conn:
        blob_id = pg.blobs.put(DOSSIER, MARKER * 10, conn)
        assert pg.blobs.get(DOSSIER, blob_id, conn) == MARKER * 10  # seen inside
        raise RuntimeError("the unit of work fails")
    assert pg.chunks(blob_id) == []


# -- documents --------------------------------------------------------------------------------


def test_a_document_reads_back_its_title_text_and_file(backend):
    docs = backend.documents
    assert docs.list(DOSSIER) == [] and docs.get(DOSSIER, "d0c0000000000001") is None
    assert docs.text(DOSSIER, "d0c0000000000001") == "" and docs.file(DOSSIER, "d0c0000000000001") is None
    mine = document(1, title=TITLE, document_date=AT.date())
    docs.add(mine, text=TEXT, file_name=FILE_NAME, content_type="application/pdf", data=PDF)
    docs.add(document(2, title="Sans fichier"))
    assert docs.get(DOSSIER, mine.id) == mine
    assert docs.text(DOSSIER, mine.id) == TEXT and docs.text(DOSSIER, document(2).id) == ""
    stored = docs.file(DOSSIER, mine.id)
    assert isinstance(stored, StoredFile)
    assert (stored.name, stored.content_type, stored.size) == (FILE_NAME, "application/pdf", len(PDF))
    assert docs.file_data(DOSSIER, stored) == PDF
    assert docs.file(DOSSIER, document(2).id) is None
    assert docs.list(OTHER) == [] and docs.get(OTHER, mine.id) is None  # of this dossier only


def test_titles_file_names_and_texts_are_nowhere_in_clear(backend):
    backend.documents.add(document(1, title=TITLE), text=TEXT, file_name=FILE_NAME,
                          content_type="application/pdf", data=MARKER)
    stored = backend.at_rest()
    assert b"Dr Marie Durand" in stored  # the query does see the rows
    for clear in (TITLE.encode(), FILE_NAME.encode(), TEXT.encode(), MARKER, b"glycemie", b"diab"):
        assert clear not in stored, clear


def test_a_3_mib_file_of_a_document_reads_back_byte_for_byte(backend):
    data = secrets.token_bytes(3 * MIB)
    backend.documents.add(document(1), file_name="scan.pdf", content_type="application/pdf", data=data)
    stored = backend.documents.file(DOSSIER, document(1).id)
    assert stored.size == 3 * MIB and backend.documents.file_data(DOSSIER, stored) == data


def test_the_list_is_newest_first_and_documents_of_one_instant_keep_the_order_they_came_in(backend):
    same = AT + timedelta(days=3)
    for n, at in [(1, AT), (2, AT + timedelta(days=5)), (3, same), (4, AT + timedelta(days=1)), (5, same),
                  (6, same)]:
        backend.documents.add(document(n, at=at))
    assert [d.id for d in backend.documents.list(DOSSIER)] == [document(n).id for n in (2, 3, 5, 6, 4, 1)]


def test_a_prepared_row_is_inserted_once(backend):
    row = backend.documents.prepare(document(1, title=TITLE), text=TEXT, file_name=FILE_NAME,
                                    content_type="text/plain", data=b"note")
    backend.documents.insert(DOSSIER, row)
    backend.documents.insert(DOSSIER, row)  # a unit of work finished again after a crash
    listed = backend.documents.list(DOSSIER)
    assert [d.title for d in listed] == [TITLE]
    assert backend.documents.file_data(DOSSIER, backend.documents.file(DOSSIER, listed[0].id)) == b"note"


def test_a_save_changes_the_document_and_keeps_its_content(backend):
    docs = backend.documents
    mine = document(1, title=TITLE, pending_explanation=True)
    docs.add(mine, text=TEXT, file_name=FILE_NAME, content_type="application/pdf", data=PDF)
    mine.hidden, mine.title = True, "Bilan renommé"
    mine.release(AT + timedelta(days=1))
    docs.save(mine)
    assert docs.get(DOSSIER, mine.id) == mine and not docs.get(DOSSIER, mine.id).awaiting_explanation
    assert docs.text(DOSSIER, mine.id) == TEXT
    assert docs.file_data(DOSSIER, docs.file(DOSSIER, mine.id)) == PDF
    assert docs.file(DOSSIER, mine.id).name == FILE_NAME
    assert b"Bilan renomm" not in backend.at_rest()  # the new title sealed too
    docs.save(document(9))  # a save never adds a document
    assert docs.get(DOSSIER, document(9).id) is None and len(docs.list(DOSSIER)) == 1


def test_the_list_kept_in_memory_follows_every_change_and_callers_get_copies(backend):
    sealer = CountingSealer(backend.key)
    docs = backend.repos(sealer).documents
    for n in range(5):
        docs.add(document(n))
    before = docs.list(DOSSIER)
    before[0].title = "changé par un appelant"
    CountingSealer.opened = 0
    again = docs.list(DOSSIER)
    assert CountingSealer.opened == 0  # kept: no title opened again
    assert again[0].title == "Consultation numéro 4"
    hidden = docs.get(DOSSIER, document(2).id)
    hidden.hidden = True
    docs.save(hidden)
    assert [d.hidden for d in docs.list(DOSSIER)] == [False, False, True, False, False]
    docs.add(document(7, title="Une note de plus"))
    assert docs.list(DOSSIER)[0].title == "Une note de plus" and len(docs.list(DOSSIER)) == 6
    other = backend.repos(sealer).documents  # another server's writes are seen too
    other.add(document(8, title="Écrite ailleurs"))
    assert docs.list(DOSSIER)[0].title == "Écrite ailleurs"


def test_reseal_moves_everything_to_the_new_key_and_the_old_key_alone_opens_nothing(backend):
    old = backend.repos(Sealer(backend.key))
    old.documents.add(document(1, title=TITLE), text=TEXT, file_name=FILE_NAME, content_type="application/pdf",
                      data=PDF)
    old.documents.add(document(2), text="Tension normale.")
    old.documents.add(document(3), file_name="radio.png", content_type="image/png", data=MARKER * 100)
    old.documents.add(document(4))
    old.emergencies.add(DOSSIER, access())

    def content(repos):
        docs = repos.documents
        listed = docs.list(DOSSIER)
        files = [docs.file(DOSSIER, d.id) for d in listed]
        return ([d.title for d in listed], [docs.text(DOSSIER, d.id) for d in listed],
                [(f.name, docs.file_data(DOSSIER, f)) for f in files if f], repos.emergencies.all(DOSSIER))

    before = content(old)
    new_key = Sealer.generate_key()
    with pytest.raises(SealBroken):  # the new key alone cannot open what the old one sealed
        content(backend.repos(Sealer(new_key)))
    ring = backend.repos(Sealer(new_key, backend.key))
    assert content(ring) == before
    assert ring.documents.reseal(DOSSIER) == 4  # two files, two texts
    assert ring.emergencies.reseal(DOSSIER) == 1
    assert content(backend.repos(Sealer(new_key))) == before
    old_only = backend.repos(Sealer(backend.key))
    readings = [lambda: old_only.documents.list(DOSSIER), lambda: old_only.documents.get(DOSSIER, document(1).id),
                lambda: old_only.documents.text(DOSSIER, document(2).id),
                lambda: old_only.documents.file_data(DOSSIER, ring.documents.file(DOSSIER, document(3).id)),
                lambda: old_only.emergencies.all(DOSSIER)]
    for reading in readings:
        with pytest.raises(SealBroken):
            reading()
    assert ring.documents.reseal(OTHER) == 0 and ring.emergencies.reseal(OTHER) == 0


def test_reseal_with_no_key_that_opens_changes_nothing(backend):
    backend.documents.add(document(1, title=TITLE), text=TEXT, file_name=FILE_NAME, content_type="text/plain",
                          data=b"note")
    lost = backend.repos(Sealer(Sealer.generate_key()))  # the old key was dropped too early
    with pytest.raises(SealBroken):
        lost.documents.reseal(DOSSIER)
    assert backend.documents.text(DOSSIER, document(1).id) == TEXT
    assert backend.documents.file_data(DOSSIER, backend.documents.file(DOSSIER, document(1).id)) == b"note"


def test_rows_written_before_sealing_are_read_and_reseal_seals_them(backend):
    backend.documents.add(document(1, title=TITLE), file_name=FILE_NAME, content_type="application/pdf", data=PDF)
    backend.emergencies.add(DOSSIER, access())
    backend.as_before_sealing(DOSSIER, backend.documents)
    fresh = backend.repos(backend.sealer)  # no list kept from before
    assert [d.title for d in fresh.documents.list(DOSSIER)] == [TITLE]
    assert fresh.documents.file(DOSSIER, document(1).id).name == FILE_NAME
    assert fresh.emergencies.all(DOSSIER)[0].reason == REASON
    assert TITLE.encode() in backend.at_rest() and REASON.encode() in backend.at_rest()
    assert fresh.documents.reseal(DOSSIER) == 1 and fresh.emergencies.reseal(DOSSIER) == 1
    for clear in (TITLE, FILE_NAME, REASON):
        assert clear.encode() not in backend.at_rest(), clear
    assert [d.title for d in fresh.documents.list(DOSSIER)] == [TITLE]
    assert fresh.documents.file(DOSSIER, document(1).id).name == FILE_NAME
    assert fresh.emergencies.all(DOSSIER)[0].reason == REASON


def test_a_save_of_a_row_written_before_sealing_keeps_its_file_name(pg):
    # The file store marks such a row sealed and leaves its file name clear (then unreadable);
    # here the name is sealed with the title.
    pg.documents.add(document(1, title=TITLE), file_name=FILE_NAME, content_type="application/pdf", data=PDF)
    pg.as_before_sealing(DOSSIER, pg.documents)
    changed = pg.documents.get(DOSSIER, document(1).id)
    changed.hidden = True
    pg.documents.save(changed)
    assert pg.documents.file(DOSSIER, changed.id).name == FILE_NAME and pg.documents.get(DOSSIER, changed.id).hidden
    assert FILE_NAME.encode() not in pg.at_rest() and TITLE.encode() not in pg.at_rest()


def test_a_document_added_in_a_transaction_that_fails_leaves_nothing(pg):
    with pytest.raises(RuntimeError), pg.db.transaction() as conn:
        pg.documents.add(document(1, title=TITLE), text=TEXT, file_name=FILE_NAME,
                         content_type="application/pdf", data=PDF, conn=conn)
        assert [d.title for d in pg.documents.list(DOSSIER, conn)] == [TITLE]  # seen inside
        assert pg.documents.list(DOSSIER) == []  # not outside, before the commit
        raise RuntimeError("the unit of work fails")
    assert pg.documents.list(DOSSIER) == [] and pg.sql("SELECT count(*) FROM files") == [(0,)]


def test_two_servers_adding_documents_at_once_lose_none(pg):
    other = pg.repos(pg.sealer).documents

    def add(repo, start):
        for n in range(start, start + 20):
            repo.add(document(n), text=f"texte {n}")

    threads = [threading.Thread(target=add, args=(repo, start)) for repo, start in ((pg.documents, 0), (other, 20))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(d.id for d in pg.documents.list(DOSSIER)) == sorted(document(n).id for n in range(40))


# -- emergency accesses -----------------------------------------------------------------------


def test_emergency_accesses_read_back_oldest_first_with_their_reasons_sealed(backend):
    first, second = access(at=AT), access("10003000012", AT + timedelta(hours=2), "Patient inconscient")
    backend.emergencies.add(DOSSIER, first)
    backend.emergencies.add(DOSSIER, second)
    backend.emergencies.add(OTHER, access(at=AT + timedelta(hours=1), reason="Une autre personne"))
    assert backend.emergencies.all(DOSSIER) == [first, second]
    assert backend.emergencies.all("d3m0f47140a0c5e55e0099") == []
    stored = backend.at_rest()
    assert b"10003000012" in stored  # who opened it is no secret
    for clear in (REASON, "Patient inconscient", "Une autre personne"):
        assert clear.encode() not in stored, clear


def test_an_emergency_access_is_inserted_once(backend):
    row = backend.emergencies.prepare(access())
    backend.emergencies.insert(DOSSIER, row)
    backend.emergencies.insert(DOSSIER, row)  # a unit of work finished again after a crash
    backend.emergencies.insert(DOSSIER, backend.emergencies.prepare(access(reason="Même instant, même soignant")))
    assert backend.emergencies.all(DOSSIER) == [access()]


def test_active_for_honours_the_end_of_the_access(backend):
    rpps, emergencies = "10001000016", backend.emergencies
    assert emergencies.active_for(DOSSIER, rpps, AT) is None
    emergencies.add(DOSSIER, access(rpps, AT))
    assert emergencies.active_for(DOSSIER, rpps, AT) == access(rpps, AT)
    assert emergencies.active_for(DOSSIER, rpps, AT + timedelta(hours=24) - timedelta(microseconds=1)) \
        == access(rpps, AT)
    assert emergencies.active_for(DOSSIER, rpps, AT + timedelta(hours=24)) is None  # ended
    assert emergencies.active_for(DOSSIER, rpps, AT - timedelta(seconds=1)) is None  # not begun
    assert emergencies.active_for(DOSSIER, "10003000012", AT + timedelta(hours=1)) is None  # not theirs
    assert emergencies.active_for(OTHER, rpps, AT + timedelta(hours=1)) is None  # not this dossier
    later = access(rpps, AT + timedelta(hours=10), "Nouvelle chute")
    emergencies.add(DOSSIER, later)
    assert emergencies.active_for(DOSSIER, rpps, AT + timedelta(hours=11)) == later  # the latest
    assert emergencies.active_for(DOSSIER, rpps, AT + timedelta(hours=25)) == later  # the first ended
    assert emergencies.active_for(DOSSIER, rpps, AT + timedelta(hours=34)) is None
