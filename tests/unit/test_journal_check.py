"""The journal is hash-chained: the check finds an entry changed on disk."""
import json

from dmp_web.demo import DEMO_LOGIN

from ..conftest import make_app


def test_journal_check_passes_then_finds_a_changed_entry(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["journal-check"])
    assert ok.exit_code == 0 and "1 historique vérifié, 0 modifié." in ok.output
    dossier_id = DEMO_LOGIN["dossier_id"]
    path = tmp_path / "data" / "dossiers" / dossier_id[:2] / dossier_id / "journal.json"
    raw = json.loads(path.read_text())
    first = next(iter(raw["_default"].values()))
    first["allowed"] = not first["allowed"]
    path.write_text(json.dumps(raw))
    broken = runner.invoke(args=["journal-check", dossier_id])
    assert broken.exit_code == 1
    assert f"DMP {dossier_id} : l’entrée 1 sur 1 a été modifiée." in broken.output
