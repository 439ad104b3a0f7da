"""The journal's private fields are stored as one sealed token that the hash chain covers."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from dmp_web.domain.journal import GENESIS, Actor, JournalEntry, make_entry, verify_chain
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import JournalRepository
from dmp_web.store.files import FileStore

AT = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)
NURSE = Actor("professional", "10001000040", "Hugo Bernard (infirmier)")
SEALER = Sealer(Sealer.generate_key())


def chain(seal_text=None, count=3) -> list[JournalEntry]:
    entries, prev = [], GENESIS
    for n in range(count):
        entry = make_entry(prev, AT, NURSE, "break_glass", reason="Accès en urgence", detail=f"malaise {n}",
                           emergency=True, seal_text=seal_text)
        entries.append(entry)
        prev = entry.hash
    return entries


def stored(entries):
    return [json.loads(json.dumps(e.as_dict())) for e in entries]


def test_a_sealed_entry_stores_no_private_field_and_its_chain_checks_without_a_key():
    rows = stored(chain(SEALER.seal_text))
    assert all(set(row) & {"actor_name", "reason", "detail"} == set() for row in rows)
    assert "Bernard" not in json.dumps(rows) and "malaise" not in json.dumps(rows)
    with pytest.raises(ValueError):
        JournalEntry.from_dict(rows[0])  # no key: nothing read
    assert verify_chain([JournalEntry(**{**row, "at": AT, "actor_name": "", "reason": "", "detail": ""})
                         for row in rows]) is None  # the chain needs no key
    opened = [JournalEntry.from_dict(row, SEALER.open_text) for row in rows]
    assert [e.detail for e in opened] == ["malaise 0", "malaise 1", "malaise 2"]
    assert opened[0].actor_name == NURSE.name and verify_chain(opened) is None


def test_a_changed_token_breaks_the_chain():
    rows = stored(chain(SEALER.seal_text))
    rows[1]["sealed"] = SEALER.seal_text(json.dumps({"actor_name": "X", "reason": "", "detail": "autre"}))
    assert verify_chain([JournalEntry.from_dict(row, SEALER.open_text) for row in rows]) == 1


def test_entries_written_in_clear_before_still_hold_and_new_sealed_ones_follow_them():
    old = chain(None, 2)
    assert "sealed" not in old[0].as_dict() and old[0].as_dict()["detail"] == "malaise 0"
    new = make_entry(old[-1].hash, AT, NURSE, "read_dossier", seal_text=SEALER.seal_text)
    rows = stored([*old, new])
    assert verify_chain([JournalEntry.from_dict(row, SEALER.open_text) for row in rows]) is None


def test_rotating_the_data_keys_rewraps_the_dossier_key_and_leaves_every_entry_as_it_was(tmp_path):
    old_key, new_key = Sealer.generate_key(), Sealer.generate_key()
    store = FileStore(tmp_path)
    JournalRepository(store, Sealer(old_key)).append("ab12", AT, NURSE, "break_glass", detail="malaise")
    before = store.path("dossiers", "ab", "ab12", "journal.json").read_bytes()
    ring = JournalRepository(store, Sealer(new_key, old_key))
    assert ring.reseal("ab12") == 1
    assert store.path("dossiers", "ab", "ab12", "journal.json").read_bytes() == before
    new_only = JournalRepository(store, Sealer(new_key))
    entries = new_only.entries("ab12")
    assert entries[0].detail == "malaise" and verify_chain(entries) is None
    with pytest.raises(ValueError):
        JournalRepository(store, Sealer(old_key)).entries("ab12")  # the old key opens nothing now
