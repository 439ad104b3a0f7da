"""Health data is sealed with DMP_DATA_KEYS, not with the session secret; a new key can be put
first and everything sealed again (`flask reseal-data`), after which the old key can go."""
from datetime import datetime, UTC

import pytest

from dmp_web import create_app
from dmp_web.demo import DEMO_LOGIN, load_demo_data
from dmp_web.domain.documents import Document
from dmp_web.domain.wishes import Wishes
from dmp_web.store.crypto import SealBroken, Sealer, encode_key
from dmp_web.store.dossiers import Repositories

from ..conftest import make_settings

DOSSIER = DEMO_LOGIN["dossier_id"]
JOURNAL_KEY = encode_key(Sealer.generate_key())
CONSULTATION = "d0c0000000000001"
SCAN = Document("d0c00000000000f1", DOSSIER, "patient_note", "Mon scan", "holder", DOSSIER, "Fatima ROCHE",
                datetime(2026, 11, 1, tzinfo=UTC))


def app_with(root, keys, secret="test-secret-key-" + "x" * 32, **settings):
    return create_app(make_settings(root, secret_key=secret, data_keys=tuple(encode_key(k) for k in keys), **settings))


def sealed_content(app):
    """Everything sealed: a typed text, a file, the wishes, the reimbursements, the journal's
    details, a postal letter (its address and PDF)."""
    repos, letters = app.extensions["dmp.repos"], app.extensions["dmp.notifier"].letters
    stored = repos.documents.file(DOSSIER, SCAN.id)
    return (repos.documents.text(DOSSIER, CONSULTATION), repos.documents.file_data(DOSSIER, stored),
            repos.wishes.get(DOSSIER), repos.reimbursements.list(DOSSIER),
            [(e.actor_name, e.detail) for e in repos.journal.entries(DOSSIER)],
            [(letter["address"], letters.pdf(letter["letter_id"])) for letter in letters.list()])


@pytest.fixture
def old_key():
    return Sealer.generate_key()


@pytest.fixture
def demo(tmp_path, old_key):
    app = app_with(tmp_path, [old_key])
    repos = app.extensions["dmp.repos"]
    load_demo_data(repos)
    repos.documents.add(SCAN, file_name="scan.pdf", content_type="application/pdf", data=b"%PDF-1.7 scan")
    repos.wishes.save(DOSSIER, Wishes(allergies="pénicilline", organ_donation="yes"))
    app.extensions["dmp.notifier"].letters.enqueue(b"%PDF-1.7 lettre", ["Mme Fatima Roche", "13003 Marseille"],
                                                   "identifier")
    text, data, wishes, reimbursements, journal, letters = sealed_content(app)
    assert text and data == b"%PDF-1.7 scan" and wishes.allergies and reimbursements
    assert journal[0][1] == {"note": "demo_data"} and letters[0][1] == b"%PDF-1.7 lettre"
    return app


def test_a_new_session_secret_loses_no_data(tmp_path, old_key, demo):
    again = app_with(tmp_path, [old_key], secret="another-secret-key-" + "y" * 32)
    assert sealed_content(again) == sealed_content(demo)


def test_a_new_key_first_opens_old_data_reseal_moves_it_and_the_old_key_can_go(tmp_path, old_key, demo):
    before = sealed_content(demo)
    new_key = Sealer.generate_key()
    only_new = app_with(tmp_path, [new_key])
    with pytest.raises(SealBroken):  # the new key alone cannot open what the old one sealed
        only_new.extensions["dmp.repos"].documents.text(DOSSIER, CONSULTATION)

    ring = app_with(tmp_path, [new_key, old_key])
    assert sealed_content(ring) == before  # the old key still opens, the new one seals
    result = ring.test_cli_runner().invoke(args=["reseal-data"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 DMP, ") and "éléments scellés de nouveau" in result.output
    assert "La première clé seule ouvre tout" in result.output

    assert sealed_content(app_with(tmp_path, [new_key])) == before  # the old key is not needed now
    old_app = app_with(tmp_path, [old_key])
    old_only, old_letters = old_app.extensions["dmp.repos"], old_app.extensions["dmp.notifier"].letters
    for reading in (lambda: old_only.documents.text(DOSSIER, CONSULTATION),
                    lambda: old_only.documents.file_data(DOSSIER, old_only.documents.file(DOSSIER, SCAN.id)),
                    lambda: old_only.wishes.get(DOSSIER), lambda: old_only.reimbursements.list(DOSSIER),
                    lambda: old_only.journal.entries(DOSSIER), old_letters.list,
                    lambda: old_letters.pdf(old_letters._records()[0]["letter_id"])):
        with pytest.raises(SealBroken):  # each kind of sealed data moved to the new key
            reading()


def test_reseal_reports_what_no_key_opens_and_says_to_keep_the_old_key(tmp_path, old_key, demo):
    before = sealed_content(demo)
    lost = app_with(tmp_path, [Sealer.generate_key()])  # the old key was dropped too early
    result = lost.test_cli_runner().invoke(args=["reseal-data"])
    assert result.exit_code == 1
    assert "Problème : DMP " in result.output and "(SealBroken)" in result.output
    assert "Gardez l’ancienne clé" in result.output
    assert sealed_content(app_with(tmp_path, [old_key])) == before  # nothing was lost meanwhile


def production_app(root, key, legacy_secret=None):
    """Outside development: no secret of the data folder is taken as a legacy key."""
    smtp = {"host": "127.0.0.1", "port": 25, "sender": "x@dmp.example", "username": None, "password": None,
            "starttls": False}
    return app_with(root, [key], env="production", legacy_sealing_secret=legacy_secret, smtp=smtp,
                    journal_key=JOURNAL_KEY, sms_email_domain="sms.example.org", site_url="https://dmp.example.org",
                    workers=1)


def test_data_sealed_with_the_old_session_secret_opens_and_moves_to_the_data_key(tmp_path):
    """Before DMP_DATA_KEYS, the key came from DMP_SECRET_KEY: DMP_LEGACY_SEALING_SECRET opens it."""
    old_secret, key = "an-old-session-secret-" + "z" * 32, Sealer.generate_key()
    store = production_app(tmp_path, key).extensions["dmp.store"]
    chain = production_app(tmp_path, key).extensions["dmp.repos"].journal.chain
    load_demo_data(Repositories(store, Sealer.from_secret(old_secret, "documents"), chain=chain))  # sealed as then
    with pytest.raises(SealBroken):  # the data key alone cannot open it
        production_app(tmp_path, key).extensions["dmp.repos"].documents.text(DOSSIER, CONSULTATION)
    legacy = production_app(tmp_path, key, legacy_secret=old_secret)
    text = legacy.extensions["dmp.repos"].documents.text(DOSSIER, CONSULTATION)
    result = legacy.test_cli_runner().invoke(args=["reseal-data"])
    assert text and result.exit_code == 0, result.output
    # moved: the data key alone opens it now, the legacy secret can go
    assert production_app(tmp_path, key).extensions["dmp.repos"].documents.text(DOSSIER, CONSULTATION) == text


def test_the_purge_and_the_key_rotation_never_run_together(tmp_path, old_key, demo):
    from dmp_web.cli import BATCH_LOCK
    from dmp_web.store.files import StoreBusy

    app = app_with(tmp_path, [old_key], lock_timeout_seconds=0.2)
    with app.extensions["dmp.store"].lock(BATCH_LOCK):  # the purge is running
        result = app.test_cli_runner().invoke(args=["reseal-data"])
    assert isinstance(result.exception, StoreBusy)
    assert app.test_cli_runner().invoke(args=["reseal-data"]).exit_code == 0
