"""`flask letters …`: the mail room's commands. A letter stays sealed in the queue until it is
printed; printed letters are deleted after the retention period (domain/letters.py)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .operator_cli import fail, journal


def _queue():
    return current_app.extensions["dmp.notifier"].letters


def _day(iso: str) -> str:
    from datetime import datetime

    from .formatting import date_fr

    return date_fr(datetime.fromisoformat(iso))


# Defined at module level, added to `flask` by init_app (AppGroup runs each in the app context).
commands = AppGroup("commands")


@commands.group("letters")
def letters() -> None:
    """The postal letters waiting for the mail room."""

@letters.command("list")
def list_command() -> None:
    """One line per letter: its id, what it is, when it was queued and printed (no address)."""
    from .domain.letters import KIND_LABELS

    queued = _queue().list()
    for letter in queued:
        state = f"imprimée le {_day(letter['printed_at'])}" if letter["printed_at"] else "à imprimer"
        click.echo(f"{letter['letter_id']}  {KIND_LABELS.get(letter['kind'], letter['kind'])}, "
                   f"mise en file le {_day(letter['queued_at'])}, {state}")
    waiting = sum(1 for letter in queued if not letter["printed_at"])
    click.echo(f"{len(queued)} lettre(s), dont {waiting} à imprimer.")

@letters.command("pdf")
@click.argument("letter_id")
def pdf_command(letter_id: str) -> None:
    """Write the letter's PDF to the standard output (e.g. `… | lp`), never to a terminal."""
    from .notify.letters import UnknownLetter

    if sys.stdout.isatty():
        fail("Le PDF ne s’affiche pas dans un terminal : envoyez-le à l’imprimante (… | lp) "
             "ou dans un fichier (… > lettre.pdf).")
    try:
        pdf = _queue().pdf(letter_id)
    except UnknownLetter:
        fail("Aucune lettre n’a cet identifiant.", "letter_taken")
    journal("letter_taken", detail=letter_id)
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()

@letters.command("printed")
@click.argument("letter_ids", nargs=-1, required=True)
def printed_command(letter_ids: tuple[str, ...]) -> None:
    """Note these letters as printed: they are deleted once the retention period is over."""
    from .domain.letters import KEPT_AFTER_PRINTING
    from .notify.letters import UnknownLetter
    from .web.deps import ctx

    unknown = []
    for letter_id in letter_ids:
        try:
            if _queue().mark_printed(letter_id, ctx().now()):
                journal("letter_printed", detail=letter_id)
                click.echo(f"{letter_id} : imprimée, effacée dans {KEPT_AFTER_PRINTING.days} jours.")
            else:
                click.echo(f"{letter_id} : déjà notée imprimée.")
        except UnknownLetter:
            unknown.append(letter_id)
    if unknown:
        fail(f"Aucune lettre n’a cet identifiant : {', '.join(unknown)}.", "letter_printed")

@letters.command("purge")
def purge_command() -> None:
    """Delete the letters printed more than the retention period ago. Run it daily."""
    from .web.deps import ctx

    gone = _queue().purge(ctx().now())
    journal("letters_purged", detail=f"{len(gone)} lettre(s)")
    click.echo(f"{len(gone)} lettre(s) imprimée(s) effacée(s).")

@letters.command("history")
@click.option("--month", default=None, metavar="AAAA-MM", help="Le mois (par défaut : le mois passé).")
def history_command(month: str | None) -> None:
    """Queue the month's history letter of every DMP that asked it. Run it each month, early on
    the 1st: running it again, or on another server, queues nothing twice."""
    from .domain.history_letters import month_words, read_month
    from .services.history_letters import queue_month
    from .web.deps import ctx

    if month is not None:
        try:
            month = read_month(month)
        except ValueError:
            fail("Écrivez le mois ainsi : --month 2026-11.", "history_letters_queued")
    run = queue_month(ctx(), month)
    said = (f"{month_words(run.month)} : {run.queued} lettre(s) mise(s) en file, {run.empty} sans accès, "
            f"{run.already} déjà envoyée(s), {run.failed} en échec.")
    journal("history_letters_queued", detail=said, allowed=not run.failed,
            reason="une lettre n’est pas partie" if run.failed else "")
    click.echo(said)
    if run.failed:
        sys.exit(1)


def init_app(app: Flask) -> None:
    for command in commands.commands.values():
        app.cli.add_command(command)
