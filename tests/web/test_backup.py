"""A backup taken while the store is being written restores into an empty folder, whole:
every dossier opens, every journal holds, and nothing else was needed but the keys."""
from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import date

import pytest

from dmp_web import create_app
from dmp_web.demo import DEMO_LOGIN, load_demo_data
from dmp_web.domain.documents import Document
from dmp_web.domain.journal import Actor
from dmp_web.store.crypto import SealBroken, Sealer, encode_key

from ..conftest import make_settings
from ..fakes import FakeClock

DOSSIER = DEMO_LOGIN["dossier_id"]


JOURNAL_KEY = encode_key(Sealer.generate_key())  # like the data keys, kept apart from the backups


def app_on(root, key):
    app = create_app(make_settings(root, data_keys=(key,), journal_key=JOURNAL_KEY))
    app.extensions["dmp.clock"] = FakeClock()
    return app


def test_a_backup_under_writes_restores_into_an_empty_folder_and_every_dossier_checks(tmp_path):
    key = encode_key(Sealer.generate_key())
    live = app_on(tmp_path / "live", key)
    repos = live.extensions["dmp.repos"]
    load_demo_data(repos)
    stop, written, errors = threading.Event(), [], []

    def keep_writing():
        now = live.extensions["dmp.clock"]()
        n = 0
        try:
            while not stop.is_set():
                n += 1
                doc = Document(id=f"{n:016x}", dossier_id=DOSSIER, type_code="patient_note", title=f"Note {n}",
                               author_kind="holder", author_id=DOSSIER, author_name="le titulaire", created_at=now,
                               document_date=date(2026, 11, 1))
                repos.documents.add(doc, text=f"texte {n}", file_name=f"note-{n}.txt", content_type="text/plain",
                                    data=b"x" * 2000)
                repos.journal.append(DOSSIER, now, Actor("holder", DOSSIER, "le titulaire"), "write_document",
                                     detail=f"Note {n}")
                written.append(n)
        except Exception as problem:  # the test fails below with it
            errors.append(problem)

    writer = threading.Thread(target=keep_writing)
    writer.start()

    def wait_for(count):
        while len(written) < count and writer.is_alive():
            time.sleep(0.001)

    wait_for(5)
    result = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    wait_for(len(written) + 5)  # the server went on writing after the snapshot
    stop.set()
    writer.join()
    assert errors == [] and result.exit_code == 0, (errors, result.output)
    assert "Les clés n’y sont pas" in result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert not any(name.endswith((".lock", ".tmp")) for name in manifest["files"])

    restored = app_on(tmp_path / "restored", key)
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    check = restored.test_cli_runner().invoke(args=["journal-check"])
    assert check.exit_code == 0 and "1 historique vérifié, 0 problème." in check.output, check.output

    back = restored.extensions["dmp.repos"]
    assert back.dossiers.all_ids() == repos.dossiers.all_ids()
    assert back.accounts.find_by_login(DEMO_LOGIN["login_id"]).dossier_id == DOSSIER
    documents = back.documents.list(DOSSIER)
    notes = [d for d in documents if d.title.startswith("Note ")]
    assert 5 <= len(notes) < len(written)  # a moment between the first writes and the last
    for document in documents:  # every document opens with its text and its file
        assert back.documents.text(DOSSIER, document.id)
        stored = back.documents.file(DOSSIER, document.id)
        if stored is not None:
            assert back.documents.file_data(DOSSIER, stored)
    assert back.journal.check(DOSSIER) is None
    assert [e.action for e in back.operators.entries()][-1] == "backup_restored"


def test_a_restore_never_writes_over_data_and_refuses_a_damaged_backup(tmp_path):
    key = encode_key(Sealer.generate_key())
    live = app_on(tmp_path / "live", key)
    load_demo_data(live.extensions["dmp.repos"])
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 1  # not empty

    over = live.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert over.exit_code == 1 and "n’écrase jamais" in over.output

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    damaged = tmp_path / "backup" / "data" / next(iter(manifest["files"]))
    damaged.write_bytes(damaged.read_bytes() + b" ")
    restored = app_on(tmp_path / "restored", key)
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code == 1 and "abîmée" in result.output
    assert not (tmp_path / "restored" / "data" / "dossiers").exists()


def test_a_backup_holds_no_key_nor_clear_health_data_and_opens_nothing_without_the_key(tmp_path):
    key = encode_key(Sealer.generate_key())
    live = app_on(tmp_path / "live", key)
    load_demo_data(live.extensions["dmp.repos"])
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    everything = b"".join(p.read_bytes() for p in (tmp_path / "backup").rglob("*") if p.is_file())
    assert b"Motif : fatigue" not in everything and key.encode() not in everything
    other = app_on(tmp_path / "other", encode_key(Sealer.generate_key()))
    assert other.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")]).exit_code == 0
    repos = other.extensions["dmp.repos"]
    with pytest.raises(SealBroken):
        repos.documents.text(DOSSIER, repos.documents.list(DOSSIER)[0].id)


def test_a_crafted_backup_cannot_write_outside_the_data_folder(tmp_path):
    key = encode_key(Sealer.generate_key())
    live = app_on(tmp_path / "live", key)
    load_demo_data(live.extensions["dmp.repos"])
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    data = tmp_path / "backup" / "data"
    (data / "dossiers" / "deep").mkdir(parents=True)
    (data / "link").symlink_to(data / "dossiers" / "deep")
    (tmp_path / "outside").mkdir()
    (data / "dossiers" / "deep" / "x.json").write_text("{}")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    digest = {"sha256": hashlib.sha256(b"{}").hexdigest(), "bytes": 2}
    for crafted in ("link/x.json", "../outside/evil.json", "/etc/evil.json", "link/../../../outside/evil.json"):
        forged = {**manifest, "files": {**manifest["files"], crafted: digest}}
        manifest_path.write_text(json.dumps(forged))
        restored = app_on(tmp_path / f"restored-{len(crafted)}", key)
        result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert result.exit_code == 1 and "nom refusé" in result.output, crafted
    assert list((tmp_path / "outside").iterdir()) == []


def test_a_backup_leaves_out_the_development_keys_and_is_private(tmp_path):
    live = create_app(make_settings(tmp_path / "dev"))  # development: a data key kept in the data folder
    load_demo_data(live.extensions["dmp.repos"])
    assert (tmp_path / "dev" / "data" / ".dev-data-key").exists()
    assert live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["files"] and not any(".dev-" in name for name in manifest["files"])
    assert not list((tmp_path / "backup").rglob(".dev-*"))
    assert (tmp_path / "backup").stat().st_mode & 0o077 == 0
    assert (tmp_path / "backup" / "manifest.json").stat().st_mode & 0o077 == 0
