"""The operators' commands: check the configuration, enrol the directory, add desk agents,
remove an access, back up and restore. Each act is written to the operators' journal."""
from __future__ import annotations

import getpass
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup


def operator_name() -> str:
    """Who runs the command, as the system knows them (the person behind sudo, if any)."""
    return os.environ.get("SUDO_USER") or getpass.getuser()


def journal(action: str, detail: str = "", allowed: bool = True, reason: str = "") -> None:
    from .services.enrolment import record
    from .web.deps import ctx

    record(ctx(), operator_name(), action, detail=detail, allowed=allowed, reason=reason)


def fail(message: str, action: str | None = None) -> None:
    """Say why on stderr, journal the refusal when it is an operator's act, exit 1."""
    if action:
        journal(action, allowed=False, reason=message)
    click.echo(message, err=True)
    sys.exit(1)


def refuse_on_a_database(action: str) -> None:
    """backup and restore copy the file store; a database is saved with its own tools."""
    if current_app.config["DMP_SETTINGS"].database_url:
        fail("Les données sont dans PostgreSQL : sauvegardez la base avec ses outils "
             "(pg_basebackup et l’archivage des journaux, ou pg_dump).", action=action)


@contextmanager
def terminal_progress(length: int, label: str):
    """An update(n) function: a progress bar on a terminal, nothing at all elsewhere (a log)."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr, update_min_steps=max(1, length // 1000)) as bar:
        yield bar.update


REFUSED = {
    "unknown": "Personne n’a cet identifiant dans l’annuaire.",
    "no_email": "Cette personne n’a pas d’adresse e-mail : donnez-la avec --email.",
    "bad_email": "Cette adresse e-mail n’est pas valide.",
    "deactivated": "Ce compte est désactivé : aucun lien ne lui est envoyé.",
    "no_name": "Le nom et l’organisme sont obligatoires.",
}


# Defined at module level, added to `flask` by init_app (AppGroup runs each in the app context).
commands = AppGroup("commands")


@commands.command("check-config")
def check_config() -> None:
    """Check every DMP_* setting (exit 1 with one line per problem). The app itself runs the
    same check as it loads, so a wrong setting stops this command before it starts."""
    settings = current_app.config["DMP_SETTINGS"]
    click.echo(f"Configuration correcte ({settings.env}) : données dans {settings.data_dir}, "
               f"adresse publique {settings.site_url or '(aucune)'}, "
               f"{settings.trusted_proxies} proxy(s) de confiance.")

@commands.command("db-upgrade")
def db_upgrade_command() -> None:
    """Créer ou mettre à jour les tables de la base PostgreSQL (DMP_DATABASE_URL)."""
    url = current_app.config["DMP_SETTINGS"].database_url
    if not url:
        fail("DMP_DATABASE_URL est vide : donnez l’adresse de la base PostgreSQL.")
    from .store.pg.migrations import upgrade

    try:
        applied = upgrade(url)
    except Exception as exc:  # psycopg's errors: the server, the network, a refused login
        fail(f"La base n’a pas pu être mise à jour ({type(exc).__name__}).", action="schema_upgraded")
    journal("schema_upgraded", detail=", ".join(applied) or "déjà à jour")
    click.echo(f"Base mise à jour : {', '.join(applied)}." if applied else "La base est déjà à jour.")

@commands.command("import-directory")
@click.argument("extract", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_directory_command(extract: Path) -> None:
    """Import the public RPPS extract (lines separated by «|»): every line, or none if one is
    wrong. No link is sent: send-activation sends each new professional theirs."""
    from .services.directory_import import (
        DirectoryImportRefused, check_directory_file, count_lines, import_directory,
    )
    from .web.deps import ctx

    total = count_lines(extract)
    try:
        with terminal_progress(total, "Vérification") as update:
            check_directory_file(extract, update)
        with terminal_progress(total, "Import") as update:
            summary = import_directory(extract, ctx().repos.directory, update)
    except DirectoryImportRefused as refused:
        for problem in refused.problems:
            click.echo(problem, err=True)
        journal("directory_imported", detail=extract.name, allowed=False,
                reason=f"{len(refused.problems)} problème(s)")
        fail("Aucune ligne importée.")
    for line in summary.lines():
        click.echo(line)
    journal("directory_imported", detail=f"{extract.name} : {summary.added} ajoutés, "
                                         f"{summary.updated} mis à jour, {len(summary.absent)} absents")

@commands.command("send-activation")
@click.argument("login_id")
@click.option("--email", help="The address to send the link to (kept for the codes).")
def send_activation_command(login_id: str, email: str | None) -> None:
    """Send a new activation link to a professional (RPPS number) or a desk agent."""
    from .services.enrolment import send_activation
    from .services.login import Refused
    from .web.deps import ctx

    try:
        where = send_activation(ctx(), login_id, email)
    except Refused as refusal:
        fail(REFUSED[refusal.code], "activation_sent")
    journal("activation_sent", detail=login_id + (" (nouvelle adresse)" if email else ""))
    click.echo(f"Lien d’activation envoyé à {where} (il marche 72 heures, une fois).")
    if email:
        click.echo("Les codes de connexion iront aussi à cette adresse.")

@commands.command("add-desk-agent")
@click.option("--name", required=True, help="First name and name, e.g. «Nadia Benoît».")
@click.option("--organisation", required=True, help="Their caisse, e.g. «CPAM de Paris».")
@click.option("--email", required=True, help="Where their activation link and codes go.")
def add_desk_agent_command(name: str, organisation: str, email: str) -> None:
    """Add a desk agent: they receive a link to choose their password."""
    from .services.enrolment import add_desk_agent
    from .services.login import Refused
    from .web.deps import ctx

    try:
        login_id = add_desk_agent(ctx(), name, organisation, email)
    except Refused as refusal:
        fail(REFUSED[refusal.code], "desk_agent_added")
    journal("desk_agent_added", detail=f"{login_id} ({organisation})")
    click.echo(f"Agent ajouté : identifiant {login_id}. Un lien pour choisir son mot de passe lui est envoyé.")

@commands.command("deactivate-actor")
@click.argument("login_id")
def deactivate_actor_command(login_id: str) -> None:
    """Remove a professional's or a desk agent's access at once (their sessions end)."""
    from .services.enrolment import deactivate
    from .services.login import Refused
    from .web.deps import ctx

    try:
        deactivate(ctx(), login_id)
    except Refused as refusal:
        fail(REFUSED[refusal.code], "actor_deactivated")
    journal("actor_deactivated", detail=login_id)
    click.echo(f"L’accès de {login_id} est retiré. Ses sessions ouvertes sont fermées.")

@commands.command("purge-sessions")
def purge_sessions_command() -> None:
    """Delete the sessions that ended (idle too long, or older than 12 hours). Run it daily:
    an ended session opens nothing, but its file stays until then."""
    from datetime import timedelta

    from .domain.accounts import SESSION_MAX_AGE
    from .web.deps import ctx

    idle = timedelta(minutes=current_app.config["DMP_SETTINGS"].session_idle_minutes)
    ended = ctx().repos.sessions.purge(ctx().now(), idle, SESSION_MAX_AGE)
    journal("sessions_purged", detail=f"{ended} session(s)")
    click.echo(f"{ended} session(s) terminée(s) effacée(s).")

@commands.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Write a consistent copy of the store into DESTINATION (new or empty), server running.
    The keys are not in it: keep DMP_DATA_KEYS and DMP_SECRET_KEY apart, elsewhere."""
    from .services.backup import BackupRefused, backup
    from .web.deps import ctx

    refuse_on_a_database("backup_made")

    try:
        done = backup(current_app.extensions["dmp.store"], destination, ctx().now())
    except BackupRefused as refused:
        fail(str(refused), "backup_made")
    journal("backup_made", detail=f"{done.files} fichiers vers {destination}")
    click.echo(f"Sauvegarde faite : {done.files} fichiers, {done.bytes} octets, dans {destination}.")
    click.echo("Les clés n’y sont pas : gardez DMP_DATA_KEYS et DMP_SECRET_KEY à part.")

@commands.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(source: Path) -> None:
    """Restore a backup into the data folder (DMP_DATA_DIR), which must be empty; every file
    is checked against the backup's manifest first. Then run journal-check."""
    from .services.backup import BackupRefused, restore
    from .settings import DEVELOPMENT_SECRET_FILES

    refuse_on_a_database("backup_restored")
    from .services.store_migration import VERSION_FILE
    from .store.files import TMP_FOLDER, WRITERS_LOCK

    settings = current_app.config["DMP_SETTINGS"]
    try:
        done = restore(source, settings.data_dir, ignore=(*DEVELOPMENT_SECRET_FILES, WRITERS_LOCK, TMP_FOLDER,
                                                          VERSION_FILE), replaced=(VERSION_FILE,))
    except BackupRefused as refused:
        fail(str(refused))
    journal("backup_restored", detail=f"{done.files} fichiers depuis {source}")
    click.echo(f"Restauration faite : {done.files} fichiers dans {settings.data_dir}. "
               "Vérifiez-la avec : flask --app app journal-check")


def init_app(app: Flask) -> None:
    for command in commands.commands.values():
        app.cli.add_command(command)
