"""The patient's wishes are stored sealed and read back whole."""
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


def test_two_changes_at_the_same_time_both_land(tmp_path):
    """Tab A reads the wishes and is slow to change them; tab B changes another field meanwhile.
    Under the file's lock B waits for A, then changes A's result: nothing is lost."""
    import threading
    import time

    repo = WishesRepository(FileStore(tmp_path), Sealer.from_secret("s" * 40, "documents"))
    dossier = "abcd1234abcd1234"
    a_has_read = threading.Event()

    def slow_trusted_person(wishes):
        a_has_read.set()
        time.sleep(0.3)  # B tries to write now
        wishes.trusted_person = Person("Paul Roche", "mon mari", "0611223344")

    def organ_donation(wishes):
        wishes.organ_donation = "yes"

    tab_a = threading.Thread(target=repo.update, args=(dossier, slow_trusted_person))
    tab_a.start()
    assert a_has_read.wait(5)
    repo.update(dossier, organ_donation)  # blocks until A has written
    tab_a.join()
    final = repo.get(dossier)
    assert final.trusted_person.name == "Paul Roche" and final.organ_donation == "yes"
