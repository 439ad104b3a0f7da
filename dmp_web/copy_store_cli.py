"""`flask --app app copy-store --to postgresql://…`: the file store copied into PostgreSQL
(services/store_copy.py), then verified; journaled in the file store's operators' journal."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup


# Defined at module level, added to `flask` by init_app (AppGroup runs each in the app context).
commands = AppGroup("commands")


@commands.command("copy-store")
@click.option("--to", "url", required=True, metavar="postgresql://…",
              help="The PostgreSQL database to copy into (its tables are made first if needed).")
def copy_store_command(url: str) -> None:
    """Copy the data of DMP_DATA_DIR into a PostgreSQL database, then check the copy (counts,
    every journal's chain); exit 1 with one line per problem. Running it again copies only
    what changed; a run that stopped halfway finishes on the next."""
    import psycopg

    from .operator_cli import fail, journal, terminal_progress
    from .services.store_copy import copy_store

    settings = current_app.config["DMP_SETTINGS"]
    if settings.database_url:
        fail("Cette commande copie les données de DMP_DATA_DIR : lancez-la sans DMP_DATABASE_URL.")
    if not url.startswith(("postgresql://", "postgres://")):
        fail("--to attend l’adresse d’une base PostgreSQL (postgresql://…).")
    if not current_app.extensions["dmp.store_current"]:
        fail("Les données sont d’une version plus ancienne : lancez d’abord migrate-store.", "store_copied")
    files = current_app.extensions["dmp.repos"]
    try:
        # never beside a purge or a key rotation: they change every dossier
        with files.batch_lock(), terminal_progress(len(files.journal.journal_ids()), "Copie") as update:
            report = copy_store(files, url, update)
    except psycopg.Error as exc:  # the server, the network, a refused login: never the address
        fail(f"La copie s’est arrêtée ({type(exc).__name__}). Relancez la commande : "
             "elle reprend où elle s’est arrêtée.", "store_copied")
    if report.applied:
        click.echo(f"Tables de la base mises à jour : {', '.join(report.applied)}.")
    if report.copied or report.shared:
        click.echo(f"{report.copied} DMP copié(s), {report.unchanged} déjà dans la base ; "
                   f"registre, annuaire et codes : {report.shared} enregistrement(s) écrit(s).")
    else:
        click.echo(f"Rien à copier : les {report.unchanged} DMP, le registre et l’annuaire "
                   "sont déjà dans la base.")
    if report.operators_added:
        click.echo(f"Journal des opérateurs : {report.operators_added} entrée(s) ajoutée(s).")
    click.echo("Les sessions ne sont pas copiées : chacun se reconnecte après le passage à PostgreSQL.")
    for line in report.problems:
        click.echo(line, err=True)
    n = len(report.problems)
    click.echo(f"Vérification : {report.checked} historique(s) et {len(report.counts)} tables comptées, "
               f"{n} problème{'s' if n > 1 else ''}.")
    journal("store_copied", detail=f"{report.copied} DMP copié(s), {report.unchanged} déjà là",
            allowed=not n, reason=f"{n} problème(s) à la vérification" if n else "")
    if n:
        sys.exit(1)


def init_app(app: Flask) -> None:
    for command in commands.commands.values():
        app.cli.add_command(command)
