"""Uploaded files are stored encrypted in their dossier's folder, and only read back with the key."""
import base64
import re

import pytest

from dmp_web.domain.dossier import new_dossier_id
from dmp_web.store import FileStore, UnsafePath
from dmp_web.store.blobs import BlobStore
from dmp_web.store.crypto import SealBroken, Sealer

MARKER = b"CLEAR-MARKER-compte-rendu-de-Jeanne-Martin"


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "data")


@pytest.fixture
def blobs(store):
    return BlobStore(store, Sealer(Sealer.generate_key()))


@pytest.fixture
def dossier_id():
    return new_dossier_id()


class NoDiskStore(FileStore):
    """A store that fails the test if anything asks it for a path."""

    def path(self, *segments):
        raise AssertionError(f"the disk was reached with {segments!r}")


def blob_file(store, dossier_id, blob_id):
    return store.root / "dossiers" / dossier_id[:2] / dossier_id / "files" / f"{blob_id}.bin"


def test_a_stored_file_reads_back_the_same(blobs, dossier_id):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 100
    blob_id = blobs.put(dossier_id, data)
    assert re.fullmatch(r"[0-9a-f]{32}", blob_id)
    assert blobs.get(dossier_id, blob_id) == data


def test_the_file_lives_in_its_dossier_folder(blobs, store, dossier_id):
    blob_id = blobs.put(dossier_id, b"x")
    assert blob_file(store, dossier_id, blob_id).is_file()


def test_each_file_gets_a_new_id(blobs, dossier_id):
    assert blobs.put(dossier_id, b"same") != blobs.put(dossier_id, b"same")


def test_no_file_on_disk_holds_the_clear_bytes(blobs, store, dossier_id):
    blob_id = blobs.put(dossier_id, MARKER * 1000)
    assert MARKER not in blob_file(store, dossier_id, blob_id).read_bytes()
    for path in store.root.rglob("*"):
        if path.is_file():
            assert MARKER not in path.read_bytes(), path


def test_a_file_sealed_with_another_key_cannot_be_read(blobs, store, dossier_id):
    blob_id = blobs.put(dossier_id, MARKER)
    other = BlobStore(store, Sealer(Sealer.generate_key()))
    with pytest.raises(SealBroken):
        other.get(dossier_id, blob_id)


def test_a_file_altered_on_disk_is_refused(blobs, store, dossier_id):
    blob_id = blobs.put(dossier_id, MARKER * 10)
    path = blob_file(store, dossier_id, blob_id)
    raw = bytearray(base64.urlsafe_b64decode(path.read_bytes()))
    raw[40] ^= 0x01  # one bit of the ciphertext
    path.write_bytes(base64.urlsafe_b64encode(bytes(raw)))
    with pytest.raises(SealBroken):
        blobs.get(dossier_id, blob_id)


def test_a_truncated_file_is_refused(blobs, store, dossier_id):
    blob_id = blobs.put(dossier_id, MARKER * 10)
    path = blob_file(store, dossier_id, blob_id)
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(SealBroken):
        blobs.get(dossier_id, blob_id)


@pytest.mark.parametrize(
    "blob_id",
    [
        "../x", "abc", "", "A" * 32, "0" * 31, "0" * 33, "0" * 32 + ".bin", "../" + "0" * 29,
        "0" * 32 + "\n", None,
    ],
)
def test_an_unsafe_blob_id_is_refused_before_the_disk_is_touched(blob_id, dossier_id):
    blobs = BlobStore(NoDiskStore("/nonexistent"), Sealer(Sealer.generate_key()))
    with pytest.raises(UnsafePath):
        blobs.get(dossier_id, blob_id)
    with pytest.raises(UnsafePath):
        blobs.delete(dossier_id, blob_id)


def test_an_unsafe_dossier_id_is_refused(blobs):
    with pytest.raises(UnsafePath):
        blobs.put("../etc", b"x")


def test_a_file_of_another_dossier_is_not_found_with_this_dossiers_id(blobs, dossier_id):
    blob_id = blobs.put(dossier_id, MARKER)
    with pytest.raises(KeyError):
        blobs.get(new_dossier_id(), blob_id)


def test_a_missing_file_is_a_key_error(blobs, dossier_id):
    with pytest.raises(KeyError):
        blobs.get(dossier_id, "0" * 32)


def test_a_deleted_file_is_gone_and_deleting_it_again_is_harmless(blobs, store, dossier_id):
    blob_id = blobs.put(dossier_id, MARKER)
    blobs.delete(dossier_id, blob_id)
    assert not blob_file(store, dossier_id, blob_id).exists()
    with pytest.raises(KeyError):
        blobs.get(dossier_id, blob_id)
    blobs.delete(dossier_id, blob_id)


def test_the_purge_removes_the_files_of_one_dossier_only(blobs, store, dossier_id):
    kept_dossier = new_dossier_id()
    purged = [blobs.put(dossier_id, b"a"), blobs.put(dossier_id, b"b")]
    kept = blobs.put(kept_dossier, b"c")
    record = store.path("dossiers", dossier_id[:2], dossier_id, "dossier.json")
    record.write_text("{}", encoding="utf-8")

    blobs.delete_dossier_files(dossier_id)

    for blob_id in purged:
        with pytest.raises(KeyError):
            blobs.get(dossier_id, blob_id)
    assert not (record.parent / "files").exists()
    assert record.exists()  # the dossier's records are another repository's business
    assert blobs.get(kept_dossier, kept) == b"c"
    blobs.delete_dossier_files(dossier_id)  # nothing left: no error


def test_a_sealed_text_field_reads_back_and_hides_its_words():
    sealer = Sealer(Sealer.generate_key())
    token = sealer.seal_text("Allergie à la pénicilline")
    assert token.isascii() and "pénicilline" not in token and "Allergie" not in token
    assert sealer.open_text(token) == "Allergie à la pénicilline"


@pytest.mark.parametrize("token", ["", "pas un jeton", "gAAAAAé", "gAAAAA" + "A" * 100])
def test_a_text_field_that_is_not_a_token_is_refused(token):
    with pytest.raises(SealBroken):
        Sealer(Sealer.generate_key()).open_text(token)


def test_keys_derived_from_one_secret_match_for_one_purpose_only():
    secret = "app-secret-" + "x" * 32
    token = Sealer.from_secret(secret, "files").seal(MARKER)
    assert Sealer.from_secret(secret, "files").open(token) == MARKER
    with pytest.raises(SealBroken):
        Sealer.from_secret(secret, "documents").open(token)
    with pytest.raises(SealBroken):
        Sealer.from_secret(secret + "y", "files").open(token)


@pytest.mark.parametrize("key", [b"", b"k" * 16, b"k" * 33, "k" * 32])
def test_a_key_is_32_raw_bytes(key):
    with pytest.raises(ValueError):
        Sealer(key)


def test_a_sealer_does_not_show_its_key():
    key = Sealer.generate_key()
    assert key.hex() not in repr(Sealer(key)) and str(key) not in repr(Sealer(key))
