"""`journal-check` catches what an attacker with the files would do: edit an entry, remove one
anywhere (the last ones too), delete a journal, chain the journal again without the key, forge a
head; an unknown dossier id is refused. `journal-anchor` proves later that nothing was removed,
even a journal deleted with its head. An older store is migrated by `migrate-store`."""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from dmp_web.demo import DEMO_LOGIN
from dmp_web.store.journal import SEGMENT

from ..conftest import make_app

DOSSIER = DEMO_LOGIN["dossier_id"]


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    repos = app.extensions["dmp.repos"]
    now = app.extensions["dmp.clock"]()
    holder = repos.journal.entries(DOSSIER)[0]
    from dmp_web.domain.journal import Actor

    for n in range(SEGMENT + 10):  # two segments
        repos.journal.append(DOSSIER, now, Actor("holder", DOSSIER, "le titulaire"), "login_succeeded",
                             detail=f"connexion {n}")
    assert holder.action == "dossier_created"
    return app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def folder(app):
    return app.extensions["dmp.store"].path("dossiers", DOSSIER[:2], DOSSIER, "journal")


def segment_lines(app, number):
    return (folder(app) / f"{number:08d}.jsonl").read_bytes().split(b"\n")


def write_lines(app, number, lines):
    (folder(app) / f"{number:08d}.jsonl").write_bytes(b"\n".join(lines))


def test_an_untouched_store_passes(app):
    result = run(app, "journal-check")
    assert result.exit_code == 0, result.output
    assert "1 historique vérifié, 0 problème." in result.output
    assert run(app, "journal-check", DOSSIER).exit_code == 0


def test_an_edited_entry_is_found(app):
    lines = segment_lines(app, 0)
    row = json.loads(lines[3])
    row["allowed"] = not row["allowed"]
    lines[3] = json.dumps(row).encode()
    write_lines(app, 0, lines)
    result = run(app, "journal-check", DOSSIER)
    assert result.exit_code == 1 and f"DMP {DOSSIER} : l’entrée 4 sur {SEGMENT + 11} a été modifiée" in result.output


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_an_entry_removed_anywhere_is_found(app, where):
    if where == "last":
        write_lines(app, 1, segment_lines(app, 1)[:-2])  # the tail cut
    else:
        lines = segment_lines(app, 0)
        del lines[0 if where == "first" else 30]
        write_lines(app, 0, lines)
    result = run(app, "journal-check")
    assert result.exit_code == 1 and f"DMP {DOSSIER} : " in result.output


def test_a_deleted_journal_is_found(app):
    shutil.rmtree(folder(app))
    result = run(app, "journal-check")
    assert result.exit_code == 1 and "l’historique a été supprimé" in result.output


def test_a_journal_chained_again_without_the_key_is_found(app):
    """The attacker edits entry 5 and recomputes every hash after it as the old unkeyed chain did."""
    rows = [json.loads(line) for n in (0, 1) for line in segment_lines(app, n)]
    rows[5]["allowed"] = False
    prev = rows[4]["hash"]
    for row in rows[5:]:
        row["prev_hash"] = prev
        fields = {k: v for k, v in row.items() if k != "hash"}
        row["hash"] = prev = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    write_lines(app, 0, [json.dumps(r).encode() for r in rows[:SEGMENT]])
    write_lines(app, 1, [json.dumps(r).encode() for r in rows[SEGMENT:]])
    result = run(app, "journal-check")
    assert result.exit_code == 1 and "l’entrée 6 sur" in result.output


def test_a_head_rewritten_to_hide_a_cut_is_found(app):
    write_lines(app, 1, segment_lines(app, 1)[:-3])
    head_path = app.extensions["dmp.store"].path("journal-heads", DOSSIER[:2], DOSSIER[2:4], f"{DOSSIER}.json")
    head = json.loads(head_path.read_text())
    last = json.loads(segment_lines(app, 1)[-1])
    head.update(count=last["seq"] + 1, last_hash=last["hash"])  # without the key
    head_path.write_text(json.dumps(head))
    result = run(app, "journal-check")
    assert result.exit_code == 1 and "la tête de l’historique a été écrite sans la clé" in result.output


def test_an_unknown_dossier_id_is_refused(app):
    result = run(app, "journal-check", "0123456789abcdef01234567")
    assert result.exit_code == 1 and "aucun historique n’a ce numéro" in result.output


def test_the_anchor_proves_nothing_was_removed_since_even_a_journal_deleted_with_its_head(app, tmp_path):
    anchor = tmp_path / "ancre.jsonl"
    assert run(app, "purge-sessions").exit_code == 0  # an operator's act: their journal has a head
    made = run(app, "journal-anchor", str(anchor))
    assert made.exit_code == 0 and "2 historique(s) ancré(s)" in made.output  # the dossier and the operators'
    assert run(app, "journal-anchor", str(anchor)).exit_code == 1  # never written over
    assert run(app, "journal-check", "--anchor", str(anchor)).exit_code == 0
    shutil.rmtree(folder(app).parent)  # the whole dossier folder…
    shutil.rmtree(app.extensions["dmp.store"].path("journal-heads", DOSSIER[:2]))  # …and its head
    result = run(app, "journal-check", "--anchor", str(anchor))
    assert result.exit_code == 1 and f"DMP {DOSSIER} : {SEGMENT + 11} entrées ancrées, 0 aujourd’hui" in result.output
    forged = anchor.read_text().replace(f'"count": {SEGMENT + 11}', '"count": 1')
    anchor.write_text(forged)
    refused = run(app, "journal-check", "--anchor", str(anchor))
    assert refused.exit_code == 1 and "L’ancre a été modifiée" in refused.output
    actions = [(e.action, e.allowed) for e in app.extensions["dmp.repos"].operators.entries()]
    assert actions[-2:] == [("journals_anchored", True), ("journals_anchored", False)]


def legacy_journal(app, rows_in_clear):
    """Write the dossier's journal as the earlier version did: one TinyDB file, unkeyed chain."""
    store = app.extensions["dmp.store"]
    with store.transaction("dossiers", DOSSIER[:2], DOSSIER, "journal.json") as db:
        prev = "0" * 64
        for _n, detail in enumerate(rows_in_clear):
            fields = {"at": "2026-01-15T10:30:00+00:00", "actor_kind": "system", "actor_id": "demo",
                      "actor_name": "données de démonstration", "action": "dossier_created", "allowed": True,
                      "reason": "", "detail": detail, "emergency": False, "prev_hash": prev}
            canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            prev = hashlib.sha256(canonical.encode()).hexdigest()
            db.insert({**fields, "hash": prev})
    shutil.rmtree(folder(app))
    shutil.rmtree(store.path("journal-heads"))


def as_earlier_version(app):
    app.extensions["dmp.store"].path("store-version.json").unlink()


def test_migrate_store_moves_an_older_journal_to_the_keyed_chain_and_seals_it(app):
    legacy_journal(app, ["Malaise dans l’escalier", "deuxième entrée"])
    as_earlier_version(app)
    before = run(app, "journal-check", DOSSIER)
    assert before.exit_code == 1 and "lancez migrate-store" in before.output
    done = run(app, "migrate-store")
    assert done.exit_code == 0 and "1 historique(s) mis à jour, 0 refusé(s)." in done.output
    journal = app.extensions["dmp.repos"].journal
    assert [e.detail for e in journal.entries(DOSSIER)] == ["Malaise dans l’escalier", "deuxième entrée"]
    stored = b"".join(p.read_bytes() for p in folder(app).iterdir())
    assert b"Malaise" not in stored  # sealed now
    assert run(app, "journal-check", DOSSIER).exit_code == 0
    assert "0 historique(s) mis à jour" in run(app, "migrate-store").output  # again: nothing changes


def test_an_old_format_journal_planted_in_an_up_to_date_store_is_never_chained_with_the_key(app):
    legacy_journal(app, ["une histoire inventée"])  # the real journal deleted, its head too
    assert "0 historique(s) mis à jour" in run(app, "migrate-store").output
    result = run(app, "journal-check")
    assert result.exit_code == 1 and "un historique à l’ancien format a été posé là" in result.output
    assert app.extensions["dmp.repos"].journal.entries(DOSSIER) == []


def test_migrate_store_leaves_an_older_journal_whose_chain_does_not_hold(app):
    legacy_journal(app, ["première", "deuxième"])
    as_earlier_version(app)
    legacy = app.extensions["dmp.store"].path("dossiers", DOSSIER[:2], DOSSIER, "journal.json")
    legacy.write_text(legacy.read_text().replace("deuxième", "autre chose"))
    done = run(app, "migrate-store")
    assert done.exit_code == 1 and f"DMP {DOSSIER} : l’ancien historique a été modifié" in done.output
    assert legacy.exists()  # left as it is, to be looked at


def test_a_damaged_file_or_a_forged_id_is_reported_never_a_traceback(app, tmp_path):
    lines = segment_lines(app, 0)
    lines[2] = b"{not json"
    write_lines(app, 0, lines)
    result = run(app, "journal-check")
    assert result.exit_code == 1 and "un fichier de l’historique est illisible" in result.output
    for forged in ("ab", "../etc"):
        refused = run(app, "journal-check", forged)
        assert refused.exit_code == 1 and "aucun historique n’a ce numéro" in refused.output
    head_path = app.extensions["dmp.store"].path("journal-heads", DOSSIER[:2], DOSSIER[2:4], f"{DOSSIER}.json")
    head_path.write_text("{}")
    anchor = run(app, "journal-anchor", str(tmp_path / "ancre.jsonl"))
    assert anchor.exit_code == 1 and "lancez journal-check" in anchor.output and not (tmp_path / "ancre.jsonl").exists()


def test_a_deleted_journal_key_is_found_and_never_replaced_by_a_new_one(app):
    app.extensions["dmp.store"].path("dossiers", DOSSIER[:2], DOSSIER, "journal-key.json").unlink()
    result = run(app, "journal-check", DOSSIER)
    assert result.exit_code == 1 and "la clé qui scelle le détail des entrées a été supprimée" in result.output
    from dmp_web.domain.journal import Actor
    from dmp_web.store.dossiers import JournalKeyMissing

    with pytest.raises(JournalKeyMissing):
        app.extensions["dmp.repos"].journal.append(DOSSIER, app.extensions["dmp.clock"](),
                                                   Actor("holder", DOSSIER, "le titulaire"), "login_succeeded")


def test_a_dossier_erased_by_the_purge_passes_the_anchor_and_its_head_says_why(app, tmp_path):
    from dmp_web.domain.actors import Holder
    from dmp_web.services import management
    from dmp_web.web.deps import ctx

    anchor = tmp_path / "ancre.jsonl"
    assert run(app, "journal-anchor", str(anchor)).exit_code == 0
    with app.app_context():
        assert management.close(ctx(), Holder(DOSSIER), ctx().repos.dossiers.get(DOSSIER)).allowed
    app.extensions["dmp.clock"].advance(days=3660)
    assert "1 DMP effacé" in run(app, "purge-closed").output
    assert not folder(app).exists()
    assert app.extensions["dmp.repos"].journal.head(DOSSIER).purged_at is not None
    assert run(app, "journal-check", "--anchor", str(anchor)).exit_code == 0
