"""The journal on files: private fields sealed in one token that the keyed chain covers; segments
and a head kept apart; rotation of the data keys leaves every entry as it was."""
from __future__ import annotations

import json
from datetime import datetime, UTC

import pytest

from dmp_web.domain.journal import Actor, ChainKey, Head, JournalEntry, check_chain, make_entry
from dmp_web.store.crypto import Sealer
from dmp_web.store.dossiers import JournalRepository
from dmp_web.store.files import FileStore
from dmp_web.store.journal import SEGMENT

AT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
NURSE = Actor("professional", "10001000040", "Hugo Bernard (infirmier)")
SEALER = Sealer(Sealer.generate_key())
CHAIN = ChainKey(Sealer.generate_key())
DOSSIER = "ab12cd34ef56ab12cd34ef56"


def chain(seal_text=None, count=3, key=CHAIN, journal_id=DOSSIER) -> list[JournalEntry]:
    entries, head = [], Head()
    for n in range(count):
        entry = make_entry(head, journal_id, key, AT, NURSE, "break_glass", reason="Accès en urgence",
                           detail=f"malaise {n}", emergency=True, seal_text=seal_text)
        entries.append(entry)
        head = Head(head.count + 1, entry.hash)
    return entries


def stored(entries):
    return [json.loads(json.dumps(e.as_dict())) for e in entries]


def head_of(entries) -> Head:
    return Head(len(entries), entries[-1].hash)


def test_a_sealed_entry_stores_no_private_field_and_its_chain_checks_without_a_data_key():
    entries = chain(SEALER.seal_text)
    rows = stored(entries)
    assert all(set(row) & {"actor_name", "reason", "detail"} == set() for row in rows)
    assert "Bernard" not in json.dumps(rows) and "malaise" not in json.dumps(rows)
    with pytest.raises(ValueError):
        JournalEntry.from_dict(rows[0])  # no key: nothing read
    assert check_chain(rows, CHAIN, DOSSIER, head_of(entries)) is None
    opened = [JournalEntry.from_dict(row, SEALER.open_text) for row in rows]
    assert [e.detail for e in opened] == ["malaise 0", "malaise 1", "malaise 2"]
    assert opened[0].actor_name == NURSE.name and [e.seq for e in opened] == [0, 1, 2]


def test_a_changed_token_a_moved_entry_or_another_key_breaks_the_chain():
    entries = chain(SEALER.seal_text)
    rows = stored(entries)
    rows[1]["sealed"] = SEALER.seal_text(json.dumps({"actor_name": "X", "reason": "", "detail": "autre"}))
    assert check_chain(rows, CHAIN, DOSSIER, head_of(entries)).kind == "changed"
    assert check_chain(stored(entries), CHAIN, "another-dossier", head_of(entries)).index == 0  # no moving
    other = chain(SEALER.seal_text, key=ChainKey(Sealer.generate_key()))
    assert check_chain(stored(other), CHAIN, DOSSIER, head_of(other)).index == 0  # chained without our key


def test_rotating_the_data_keys_rewraps_the_dossier_key_and_leaves_every_entry_as_it_was(tmp_path):
    old_key, new_key = Sealer.generate_key(), Sealer.generate_key()
    store = FileStore(tmp_path)
    JournalRepository(store, Sealer(old_key), CHAIN).append(DOSSIER, AT, NURSE, "break_glass", detail="malaise")
    segment = store.path("dossiers", DOSSIER[:2], DOSSIER, "journal", "00000000.jsonl")
    before = segment.read_bytes()
    ring = JournalRepository(store, Sealer(new_key, old_key), CHAIN)
    assert ring.reseal(DOSSIER) == 1
    assert segment.read_bytes() == before
    entries = JournalRepository(store, Sealer(new_key), CHAIN).entries(DOSSIER)
    assert entries[0].detail == "malaise" and ring.check(DOSSIER) is None
    with pytest.raises(ValueError):
        JournalRepository(store, Sealer(old_key), CHAIN).entries(DOSSIER)  # the old key opens nothing now


def test_an_append_rewrites_one_segment_and_the_head_whatever_the_length(tmp_path):
    store = FileStore(tmp_path)
    journal = JournalRepository(store, SEALER, CHAIN)
    for n in range(3 * SEGMENT + 5):
        journal.append(DOSSIER, AT, NURSE, "read_dossier", detail=f"lecture {n}")

    def files():
        return {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".lock")}

    before = files()
    journal.append(DOSSIER, AT, NURSE, "read_dossier", detail="une de plus")
    changed = sorted(p.name for p, mtime in files().items() if before.get(p) != mtime)
    assert changed == ["00000003.jsonl", f"{DOSSIER}.json"]  # the last segment, the head
    segments = sorted(store.path("dossiers", DOSSIER[:2], DOSSIER, "journal").iterdir())
    assert [len(p.read_bytes().split(b"\n")) for p in segments] == [SEGMENT, SEGMENT, SEGMENT, 6]
    assert journal.count(DOSSIER) == 3 * SEGMENT + 6 and journal.check(DOSSIER) is None
    page = journal.entries(DOSSIER, SEGMENT - 2, SEGMENT + 2)  # across two segments
    assert [e.detail for e in page] == [f"lecture {n}" for n in range(SEGMENT - 2, SEGMENT + 2)]


def test_a_line_written_before_a_crash_but_never_counted_is_no_entry_and_goes_at_the_next_append(tmp_path):
    store = FileStore(tmp_path)
    journal = JournalRepository(store, SEALER, CHAIN)
    journal.append(DOSSIER, AT, NURSE, "read_dossier", detail="première")
    segment = store.path("dossiers", DOSSIER[:2], DOSSIER, "journal", "00000000.jsonl")
    segment.write_bytes(segment.read_bytes() + b'\n{"half": "written')  # the head was never written
    assert [e.detail for e in journal.entries(DOSSIER)] == ["première"] and journal.check(DOSSIER) is None
    journal.append(DOSSIER, AT, NURSE, "read_dossier", detail="deuxième")
    assert [e.detail for e in journal.entries(DOSSIER)] == ["première", "deuxième"]
    assert b"half" not in segment.read_bytes() and journal.check(DOSSIER) is None
