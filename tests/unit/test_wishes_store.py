"""The patient's wishes are stored sealed and read back whole (changes: tests/web/test_unit_of_work.py)."""
from dmp_web.domain.wishes import Person, Wishes
from dmp_web.store import FileStore
from dmp_web.store.crypto import Sealer
from dmp_web.store.wishes import WishesRepository


def test_wishes_round_trip_and_are_never_in_clear_on_disk(tmp_path):
    repo = WishesRepository(FileStore(tmp_path), Sealer.from_secret("s" * 40, "documents"))
    assert repo.get("abcd1234abcd1234") == Wishes()
    wishes = Wishes(trusted_person=Person("Paul Roche", "mon mari", "0611223344"), allergies="pénicilline",
                    blood_group="O+", organ_donation="yes", emergency_contact_is_trusted_person=True)
    repo.save("abcd1234abcd1234", wishes)
    assert repo.get("abcd1234abcd1234") == wishes
    assert repo.get("abcd1234abcd1234").contact_to_call().name == "Paul Roche"
    raw = b"".join(p.read_bytes() for p in tmp_path.rglob("*.json"))
    assert b"Paul Roche" not in raw and "pénicilline".encode() not in raw
