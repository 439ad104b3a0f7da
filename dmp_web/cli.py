"""The data commands of `flask --app app …`: demo data, imports, purge, journal checks, store
migration and resealing, the easy-to-read check. The operators' own commands are in
operator_cli.py, the mail room's in letters_cli.py."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .operator_cli import fail, journal, terminal_progress

# The purge and the key rotation both walk every dossier: they never run at the same time.
from .store.dossiers import BATCH_LOCK  # noqa: F401 - the batch commands' lock, named once


def _refused_import(problems: list[str], action: str, csv_file: Path) -> None:
    """A CSV import that wrote nothing: its problems on the console, journaled, exit 1."""
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"Aucune ligne importée : {len(problems)} erreur{'s' if len(problems) > 1 else ''}.", err=True)
    journal(action, detail=csv_file.name, allowed=False, reason=f"{len(problems)} erreur(s)")
    sys.exit(1)


# Defined at module level, added to `flask` by init_app (AppGroup runs each in the app context).
commands = AppGroup("commands")


@commands.command("demo-data")
def demo_data() -> None:
    """Load the demo data (safe to run again: it changes nothing the second time).
    Never in production: its people are invented and its password is published."""
    from .demo import load_demo_data

    if current_app.config["DMP_SETTINGS"].is_production:
        fail("Les données de démonstration ne sont jamais chargées en production : leurs personnes "
             "sont inventées et leur mot de passe est public. Enregistrez les professionnels avec "
             "import-directory et add-desk-agent.", "demo_data_loaded")
    counts = load_demo_data(current_app.extensions["dmp.repos"])
    for what, count in counts.items():
        click.echo(f"{what}: {count}")
    journal("demo_data_loaded")

@commands.command("import-register")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_register_command(csv_file: Path) -> None:
    """Import the register of insured persons from a CSV file: every row, or none if one is wrong."""
    from .domain.dates import local_day
    from .services.csv_rows import count_lines, csv_lines
    from .services.register_import import RegisterImportRefused, import_register
    repos = current_app.extensions["dmp.repos"]
    store, register = current_app.extensions["dmp.store"], repos.register
    total, today = count_lines(csv_file), local_day(current_app.extensions["dmp.clock"]())
    try:
        # one import at a time, never beside a purge; its buckets in a folder of its own
        with repos.batch_lock(), store.scratch() as scratch, \
                terminal_progress(2 * total, "Vérification, puis import") as update:
            count = import_register(lambda: csv_lines(csv_file, update), register, today, scratch,
                                    csv_file.stat().st_size)
    except RegisterImportRefused as refused:
        _refused_import(refused.problems, "register_imported", csv_file)
    click.echo(f"{count} personne{'s' if count > 1 else ''} importée{'s' if count > 1 else ''}.")
    journal("register_imported", detail=f"{csv_file.name} : {count} personne(s)")

@commands.command("import-reimbursements")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_reimbursements_command(csv_file: Path) -> None:
    """Import the Assurance Maladie's reimbursements (CSV): every row, or none if one is wrong."""
    from .services.csv_rows import count_lines, csv_lines
    from .services.reimbursement_import import ReimbursementImportRefused, import_reimbursements

    now = current_app.extensions["dmp.clock"]()
    store = current_app.extensions["dmp.store"]
    try:
        with current_app.extensions["dmp.repos"].batch_lock(), store.scratch() as scratch, \
                terminal_progress(count_lines(csv_file), "Lecture du fichier") as update:
            summary = import_reimbursements(csv_lines(csv_file, update), current_app.extensions["dmp.repos"],
                                            now, scratch, csv_file.stat().st_size)
    except ReimbursementImportRefused as refused:
        _refused_import(refused.problems, "reimbursements_imported", csv_file)
    for line in summary.lines():
        click.echo(line)
    journal("reimbursements_imported", detail=csv_file.name)

@commands.command("purge-closed")
@click.option("--dry-run", is_flag=True, help="Say what would be erased, erase nothing.")
def purge_closed_command(dry_run: bool) -> None:
    """Erase the dossiers closed more than 10 years ago, and say which."""
    from .services.purge import purge_closed
    from .web.deps import ctx

    with current_app.extensions["dmp.repos"].batch_lock():
        purged = purge_closed(ctx(), dry_run=dry_run)
    verb = "serait effacé" if dry_run else "effacé"
    for item in purged:
        click.echo(f"DMP {item.dossier_id}, fermé le {item.closed_on} : {verb}")
    click.echo(f"{len(purged)} DMP {'à effacer' if dry_run else 'effacé' + ('s' if len(purged) > 1 else '')}.")
    if not dry_run:
        journal("closed_dossiers_purged", detail=f"{len(purged)} DMP effacé(s)")

@commands.command("end-representatives")
@click.option("--dry-run", is_flag=True, help="Say which DMP would change, change nothing.")
def end_representatives_command(dry_run: bool) -> None:
    """At 18: end the legal representatives' access, post the young adult's own letter."""
    from .services.coming_of_age import end_representatives
    from .web.deps import ctx

    with current_app.extensions["dmp.repos"].batch_lock():
        done = end_representatives(ctx(), dry_run=dry_run)
    for item in done:
        click.echo(f"DMP {item.dossier_id} : {item.representatives} représentant(s) légal(aux)"
                   f"{' à arrêter' if dry_run else ' arrêté(s)'}")
    click.echo(f"{len(done)} DMP {'à changer' if dry_run else 'changé(s)'}.")
    if not dry_run:
        journal("representatives_ended", detail=f"{len(done)} DMP")


@commands.command("journal-check")
@click.argument("dossier_ids", nargs=-1)
@click.option("--anchor", "anchor", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An anchor file of journal-anchor: also prove that nothing was removed since.")
def journal_check_command(dossier_ids: tuple[str, ...], anchor: Path | None) -> None:
    """Check that no journal entry was changed or removed (keyed chain, heads); exit 1 if any."""
    from .services.journal_check import check_anchor, check_journals

    repos = current_app.extensions["dmp.repos"]
    report = check_journals(repos, list(dossier_ids) or None)
    problems = list(report.problems)
    for line in problems:
        click.echo(line, err=True)
    n = report.checked
    click.echo(f"{n} historique{'s' if n > 1 else ''} vérifié{'s' if n > 1 else ''}, "
               f"{len(problems)} problème{'s' if len(problems) > 1 else ''}.")
    if anchor is not None:
        anchored, since = check_anchor(repos, anchor.read_text(encoding="utf-8"))
        for line in since:
            click.echo(line, err=True)
        click.echo(f"Ancre : {anchored} historique(s) ancré(s), {len(since)} problème(s).")
        problems += since
    if problems:
        sys.exit(1)

@commands.command("journal-anchor")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def journal_anchor_command(destination: Path) -> None:
    """Write every journal's head, under the journal key's MAC, to DESTINATION (a new file, to
    keep elsewhere): `journal-check --anchor DESTINATION` proves later that nothing was removed."""
    from .services.journal_check import write_anchor
    from .web.deps import ctx

    from .store.journal import HeadForged

    try:
        with destination.open("x", encoding="utf-8") as out:
            count = write_anchor(current_app.extensions["dmp.repos"], out, ctx().now())
    except FileExistsError:
        fail("Ce fichier existe déjà : choisissez un nouveau nom.", "journals_anchored")
    except (HeadForged, ValueError):  # a head written without the key: never anchored as it is
        destination.unlink(missing_ok=True)
        fail("Une tête d’historique est illisible ou écrite sans la clé : lancez journal-check.",
             "journals_anchored")
    journal("journals_anchored", detail=f"{count} historique(s)")
    click.echo(f"{count} historique(s) ancré(s) dans {destination.name}. Gardez ce fichier ailleurs.")

@commands.command("migrate-store")
def migrate_store_command() -> None:
    """Bring a data folder of an earlier version up to date: journals in segments, chained
    with DMP_JOURNAL_KEY, their details sealed; each dossier's INS from the register. A journal
    whose old chain does not hold is left as it was and listed (exit 1). Running it again
    changes nothing."""
    from .services.store_migration import migrate_store

    if current_app.config["DMP_SETTINGS"].database_url:
        click.echo("migrate-store met à jour un dossier de données en fichiers. "
                   "Sur PostgreSQL, lancez db-upgrade.", err=True)
        sys.exit(1)
    store = current_app.extensions["dmp.store"]
    with store.lock(BATCH_LOCK):
        done = migrate_store(current_app.extensions["dmp.repos"], current_app.extensions["dmp.notifier"].letters)
    for line in done.refused:
        click.echo(f"Problème : {line}", err=True)
    for line in done.without_ins:
        click.echo(f"Attention : {line}", err=True)
    click.echo(f"{done.indexes} index mis à jour.")
    click.echo(f"{done.ins} DMP avec leur INS (identifiant national de santé).")
    click.echo(f"{done.migrated} historique(s) mis à jour, {len(done.refused)} refusé(s).")
    journal("store_migrated", detail=f"{done.migrated} historique(s)", allowed=not done.refused,
            reason="des historiques anciens ne tiennent pas" if done.refused else "")
    if done.refused:
        sys.exit(1)

@commands.command("reseal-data")
def reseal_data_command() -> None:
    """Seal all health data again with the first key of DMP_DATA_KEYS (key rotation), then
    check that the first key alone opens it all. Exits with 1 if anything is left."""
    from .services.data_keys import reseal_everything, unreadable
    from .store.crypto import Sealer

    repos = current_app.extensions["dmp.repos"]
    settings = current_app.config["DMP_SETTINGS"]
    letters = current_app.extensions["dmp.notifier"].letters
    first_key = settings.resolved_data_keys()[:1]
    with repos.batch_lock():  # never with the purge: it would write back what it erases
        done = reseal_everything(repos, letters)
        left = unreadable(repos.reopened(Sealer.from_keys(first_key, "documents")),
                          letters.reopened(Sealer.from_keys(first_key, "letters")))
    click.echo(f"{done.dossiers} DMP, {done.items} éléments scellés de nouveau avec la première clé.")
    for line in (*done.failures, *left):
        click.echo(f"Problème : {line}", err=True)
    journal("data_resealed", detail=f"{done.dossiers} DMP, {done.items} éléments",
            allowed=not (done.failures or left), reason="la première clé seule n’ouvre pas tout"
            if done.failures or left else "")
    if done.failures or left:
        click.echo("Gardez l’ancienne clé : la première clé seule n’ouvre pas tout.", err=True)
        sys.exit(1)
    click.echo("La première clé seule ouvre tout : l’ancienne clé peut être retirée.")

@commands.command("falc-check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url-path", "url_paths", multiple=True, metavar="/page",
              help="Check the visible text of this page of the app (may be given several times).")
def falc_check_command(paths: tuple[Path, ...], url_paths: tuple[str, ...]) -> None:
    """Check easy-to-read rules on guides (every guide of content/falc/ by default) or on pages."""
    from .domain.falc import check_text
    from .texts.page_text import check_page
    from .settings import PROJECT_ROOT

    if not paths and not url_paths:
        paths = tuple(sorted((PROJECT_ROOT / "content" / "falc").glob("*.md")))
        if not paths:
            click.echo("Aucun guide dans content/falc/.", err=True)
            sys.exit(2)
    reports = [(str(path), check_text(path.read_text(encoding="utf-8"))) for path in paths]
    from .web.request_log import quiet

    client = current_app.test_client()
    unreadable = 0
    for url_path in url_paths:
        with quiet():
            response = client.get(url_path)
        if response.status_code != 200 or response.mimetype != "text/html":
            click.echo(f"{url_path} : la page répond {response.status_code} ({response.mimetype}), "
                       "elle n’est pas vérifiée.", err=True)
            unreadable += 1
            continue
        reports.append((url_path, check_page(response.get_data(as_text=True))))
    total = 0
    for name, report in reports:
        for finding in report.findings:
            click.echo(f"{name} : {finding}")
        total += len(report.findings)
        click.echo(f"{name} : score de lisibilité {report.score:.0f} ({report.words} mots, "
                   f"{report.sentences} phrases), {len(report.findings)} problème"
                   f"{'s' if len(report.findings) > 1 else ''}.")
    if total:
        sys.exit(1)
    if unreadable:
        sys.exit(2)


def init_app(app: Flask) -> None:
    from . import letters_cli, operator_cli
    operator_cli.init_app(app)
    letters_cli.init_app(app)
    for command in commands.commands.values():
        app.cli.add_command(command)
