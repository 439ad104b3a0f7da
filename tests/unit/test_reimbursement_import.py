"""`flask --app app import-reimbursements FILE`: each row goes to its dossier, for 24 months,
once — a second import changes not one byte — and a file with a bad row is not imported at all."""
from datetime import date, datetime, UTC

from dmp_web.demo import DEMO_LOGIN, DEMO_REIMBURSEMENTS
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.identity import compute_ins_c
from dmp_web.services.reimbursement_import import COLUMNS

from ..conftest import make_app
from ..store_files import store_files

FATIMA = DEMO_LOGIN["nir"]
FATIMA_DOSSIER = DEMO_LOGIN["dossier_id"]
JEANNE = "242037505604161"  # in the register; the test gives her a DMP
JEANNE_DOSSIER = "0a0a0a0a0a0a0a0a0a0a0a0a"
MARCEL = "148086912304582"  # in the register, no DMP

HEADER = ";".join(COLUMNS)
GOOD_FILE = "\n".join([
    HEADER,
    f"{FATIMA};2026-11-20;Séance d’orthophonie;Léa Martin;30,00;18,00",  # 2: new
    f"{FATIMA};2026-11-20;Séance d’orthophonie;Léa Martin;30,00;18,00",  # 3: a second session that day
    f"{FATIMA};2026-10-12;Consultation chez le médecin généraliste;Dr Marie Durand;30,00;19,00",  # 4: in the demo
    f"{FATIMA};2024-06-01;Radio du genou;Centre de radiologie;45,00;31,50",  # 5: older than 24 months
    f"{MARCEL};2026-09-01;Consultation;Dr Paul Lefèvre;60,00;42,00",  # 6: no DMP
    f"{MARCEL};2026-09-02;Prise de sang;Laboratoire des Lilas;20,00;12,00",  # 7: no DMP
    f"{JEANNE};12/11/2026;Soins infirmiers;Hugo Bernard;15,00;9,00",  # 8: new
]) + "\n"
GOOD_SUMMARY = [
    "7 lignes lues.",
    "3 remboursements ajoutés dans 2 DMP.",
    "1 ligne déjà importée : rien ne change.",
    "1 ligne ignorée : plus de 24 mois (avant le 23 novembre 2024).",
    "2 lignes pour un NIR sans DMP, non importées : lignes 6, 7.",
]


def _app_with_jeanne(tmp_path):
    app = make_app(tmp_path)
    created = datetime(2026, 2, 1, 10, tzinfo=UTC)
    app.extensions["dmp.repos"].dossiers.add(Dossier(
        id=JEANNE_DOSSIER, holder_nir=JEANNE, ins_c=compute_ins_c(JEANNE, "Jeanne", date(1942, 3, 14)),
        created_at=created, consent=Consent("holder", "online", created, "online"),
    ))
    return app


def _import(app, tmp_path, content: str | bytes):
    path = tmp_path / "remboursements.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return app.test_cli_runner().invoke(args=["import-reimbursements", str(path)])


def _rows(app, dossier_id=FATIMA_DOSSIER):
    return app.extensions["dmp.repos"].reimbursements.list(dossier_id)


def _journal(app, dossier_id=FATIMA_DOSSIER):
    return [e for e in app.extensions["dmp.repos"].journal.entries(dossier_id) if e.action == "reimbursements_updated"]


def test_each_row_goes_to_the_dossier_of_its_nir_and_the_summary_says_what_happened(tmp_path):
    app = _app_with_jeanne(tmp_path)
    result = _import(app, tmp_path, GOOD_FILE)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == GOOD_SUMMARY
    assert result.stderr == ""
    fatima = _rows(app)
    assert len(fatima) == len(DEMO_REIMBURSEMENTS) + 2
    speech = [r for r in fatima if r.act == "Séance d’orthophonie"]
    assert [(r.care_date, r.professional, r.paid_cents, r.reimbursed_cents, r.occurrence) for r in speech] == [
        (date(2026, 11, 20), "Léa Martin", 3000, 1800, 1), (date(2026, 11, 20), "Léa Martin", 3000, 1800, 2)]
    assert not any(r.act == "Radio du genou" for r in fatima)
    assert [(r.act, r.care_date) for r in _rows(app, JEANNE_DOSSIER)] == [("Soins infirmiers", date(2026, 11, 12))]
    entry, = _journal(app)
    assert (entry.actor_kind, entry.actor_name, entry.detail) == ("system", "l’Assurance Maladie",
                                                                  {"counts": {"added": 2}})


def test_importing_the_same_file_again_changes_not_one_byte_of_the_store(tmp_path):
    app = _app_with_jeanne(tmp_path)
    assert _import(app, tmp_path, GOOD_FILE).exit_code == 0
    before = store_files(tmp_path / "data", lock_files=True)
    result = _import(app, tmp_path, GOOD_FILE)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "7 lignes lues.",
        "Aucun remboursement ajouté.",
        "4 lignes déjà importées : rien ne change.",
        "1 ligne ignorée : plus de 24 mois (avant le 23 novembre 2024).",
        "2 lignes pour un NIR sans DMP, non importées : lignes 6, 7.",
    ]
    assert store_files(tmp_path / "data", lock_files=True) == before
    assert len(_journal(app)) == 1


def test_the_window_follows_the_apps_clock_and_rows_that_aged_are_dropped_at_the_next_import(tmp_path):
    app = make_app(tmp_path)
    assert any(r.care_date == date(2024, 12, 2) for r in _rows(app))  # the demo's flu vaccine
    app.extensions["dmp.clock"].advance(days=10)  # 3 December 2026: the window starts on 3 December 2024
    result = _import(app, tmp_path, "\n".join([
        HEADER,
        f"{FATIMA};2024-12-02;Radio du genou;Centre de radiologie;45,00;31,50",  # one day too old
        f"{FATIMA};2024-12-03;Radio de la main;Centre de radiologie;45,00;31,50",  # the first day kept
    ]))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2 lignes lues.",
        "1 remboursement ajouté dans 1 DMP.",
        "1 ligne ignorée : plus de 24 mois (avant le 3 décembre 2024).",
        "1 remboursement retiré des DMP : plus de 24 mois.",
    ]
    days = sorted(r.care_date for r in _rows(app))
    assert days[0] == date(2024, 12, 3) and date(2024, 12, 2) not in days
    assert len(days) == len(DEMO_REIMBURSEMENTS)  # one added, one dropped
    assert _journal(app)[-1].detail == {"counts": {"added": 1, "dropped": 1}}


def test_rows_that_aged_are_dropped_even_from_dossiers_the_file_does_not_mention(tmp_path):
    app = make_app(tmp_path)
    app.extensions["dmp.clock"].advance(days=400)  # 28 December 2027
    result = _import(app, tmp_path, f"{HEADER}\n{MARCEL};2027-12-01;Consultation;Dr Paul Lefèvre;30,00;19,00\n")
    assert result.exit_code == 0, result.output
    assert "2 remboursements retirés des DMP : plus de 24 mois." in result.stdout.splitlines()
    assert min(r.care_date for r in _rows(app)) >= date(2025, 12, 28)
    assert _journal(app)[-1].detail == {"counts": {"dropped": 2}}


def test_a_file_with_bad_rows_reports_each_by_line_and_imports_nothing_at_all(tmp_path):
    app = _app_with_jeanne(tmp_path)
    before = store_files(tmp_path / "data", lock_files=True)
    bad_file = GOOD_FILE + "\n".join([
        f"{FATIMA};2026-13-01;Consultation;Dr Marie Durand;30,00;19,00",  # 9
        f"{JEANNE};2026-11-01;;Hugo Bernard;15 euros;9,00",  # 10
        f"{MARCEL};2026-11-01;Consultation;Dr Paul Lefèvre;30,00",  # 11
    ]) + "\n"
    result = _import(app, tmp_path, bad_file)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "ligne 9 : la date n'existe pas dans le calendrier",
        "ligne 10 : l'acte est vide",
        "ligne 10 : le montant payé doit être écrit comme 25,00 ou 25.00",
        "ligne 11 : la ligne a 5 colonnes au lieu de 6 (séparateur « ; »)",
        "Aucune ligne importée : 4 erreurs.",
    ]
    assert store_files(tmp_path / "data", lock_files=True) == before
    assert len(_rows(app)) == len(DEMO_REIMBURSEMENTS) and _rows(app, JEANNE_DOSSIER) == []


def test_a_file_not_in_utf8_is_refused_whole(tmp_path):
    app = make_app(tmp_path)
    result = _import(app, tmp_path, GOOD_FILE.encode("cp1252"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["ligne 2 : le fichier doit être enregistré en UTF-8",
                                          "Aucune ligne importée : 1 erreur."]


def test_a_closed_dmp_is_not_fed_and_the_summary_gives_its_lines(tmp_path):
    app = make_app(tmp_path)
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(FATIMA_DOSSIER)
    dossier.status, dossier.closed_at = "closed", datetime(2026, 11, 1, tzinfo=UTC)
    repos.dossiers.save(dossier)
    result = _import(app, tmp_path, f"{HEADER}\n{FATIMA};2026-11-20;Séance d’orthophonie;Léa Martin;30,00;18,00\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["1 ligne lue.", "Aucun remboursement ajouté.",
                                          "1 ligne pour un DMP fermé, non importée : ligne 2."]
    assert len(_rows(app)) == len(DEMO_REIMBURSEMENTS)


def test_reimbursements_are_sealed_at_rest(tmp_path):
    app = _app_with_jeanne(tmp_path)
    assert _import(app, tmp_path, GOOD_FILE).exit_code == 0
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    for clear in ("orthophonie", "Léa Martin", "Soins infirmiers", "Vaccin contre la grippe",
                  "Séance de kinésithérapie", "2026-11-20"):
        assert clear.encode("utf-8") not in raw, clear


def test_memory_does_not_grow_with_the_file(tmp_path):
    """Measured in a process of its own (bench/import_memory.py): ten times the rows, about the same peak."""
    from bench.import_memory import measure, write_file

    peaks = []
    for rows in (5_000, 50_000):
        path = tmp_path / f"r{rows}.csv"
        write_file(path, rows)
        peaks.append(measure(path, tmp_path / f"app{rows}")[1])
    assert peaks[1] < peaks[0] + 15, peaks  # in MB; reading the file whole took 80 MB, then 144 MB


def test_an_import_killed_between_the_rows_and_their_entry_leaves_both_or_neither(tmp_path, monkeypatch):
    from dmp_web.store import unit as unit_module

    app = _app_with_jeanne(tmp_path)
    before = {d: len(_rows(app, d)) for d in (FATIMA_DOSSIER, JEANNE_DOSSIER)}
    monkeypatch.setattr(unit_module, "_apply", lambda *a: (_ for _ in ()).throw(SystemExit("kill -9")))
    assert _import(app, tmp_path, GOOD_FILE).exit_code != 0  # killed at its first dossier
    monkeypatch.undo()
    assert {d: len(_rows(app, d)) for d in before} == before and not any(_journal(app, d) for d in before)
    again = make_app(tmp_path)  # the app starts: the unit cut is finished, its rows with their entry
    for dossier_id in before:
        assert (len(_rows(again, dossier_id)) > before[dossier_id]) == bool(_journal(again, dossier_id))
    assert _import(again, tmp_path, GOOD_FILE).exit_code == 0  # run again, it finishes the rest
    assert len(_rows(again)) == before[FATIMA_DOSSIER] + 2 and len(_journal(again)) == 1
    assert len(_journal(again, JEANNE_DOSSIER)) == 1
