"""flask commands: `flask --app app demo-data`, `flask --app app import-register FILE.csv`,
`flask --app app import-reimbursements FILE.csv`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load the demo data (safe to run again: it changes nothing the second time)."""
        from .demo import load_demo_data

        counts = load_demo_data(current_app.extensions["dmp.store"], current_app.extensions["dmp.repos"].documents.sealer)
        for what, count in counts.items():
            click.echo(f"{what}: {count}")

    @app.cli.command("import-register")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_register_command(csv_file: Path) -> None:
        """Import the register of insured persons from a CSV file: every row, or none if one is wrong."""
        from .services.register_import import (
            RegisterImportRefused,
            decode_register_file,
            import_register,
        )
        from .store.register import InsuredRegister

        register = InsuredRegister(current_app.extensions["dmp.store"])
        try:
            count = import_register(decode_register_file(csv_file.read_bytes()), register)
        except RegisterImportRefused as refused:
            for problem in refused.problems:
                click.echo(problem, err=True)
            errors = len(refused.problems)
            click.echo(f"Aucune ligne importée : {errors} erreur{'s' if errors > 1 else ''}.", err=True)
            sys.exit(1)
        click.echo(f"{count} personne{'s' if count > 1 else ''} importée{'s' if count > 1 else ''}.")

    @app.cli.command("import-reimbursements")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_reimbursements_command(csv_file: Path) -> None:
        """Import the Assurance Maladie's reimbursements (CSV): every row, or none if one is wrong."""
        from .services.reimbursement_import import (
            ReimbursementImportRefused,
            decode_reimbursement_file,
            import_reimbursements,
        )

        now = current_app.extensions["dmp.clock"]()
        try:
            summary = import_reimbursements(
                decode_reimbursement_file(csv_file.read_bytes()), current_app.extensions["dmp.repos"], now
            )
        except ReimbursementImportRefused as refused:
            for problem in refused.problems:
                click.echo(problem, err=True)
            errors = len(refused.problems)
            click.echo(f"Aucune ligne importée : {errors} erreur{'s' if errors > 1 else ''}.", err=True)
            sys.exit(1)
        for line in summary.lines():
            click.echo(line)

    @app.cli.command("purge-closed")
    @click.option("--dry-run", is_flag=True, help="Say what would be erased, erase nothing.")
    def purge_closed_command(dry_run: bool) -> None:
        """Erase the dossiers closed more than 10 years ago, and say which."""
        from .services.purge import purge_closed
        from .web.deps import ctx

        purged = purge_closed(ctx(), dry_run=dry_run)
        verb = "serait effacé" if dry_run else "effacé"
        for item in purged:
            click.echo(f"DMP {item.dossier_id}, fermé le {item.closed_on} : {verb}")
        click.echo(f"{len(purged)} DMP {'à effacer' if dry_run else 'effacé' + ('s' if len(purged) > 1 else '')}.")

    @app.cli.command("journal-check")
    @click.argument("dossier_ids", nargs=-1)
    def journal_check_command(dossier_ids: tuple[str, ...]) -> None:
        """Check that no journal entry was changed or removed (the hash chain holds)."""
        from .domain.journal import verify_chain

        repos = current_app.extensions["dmp.repos"]
        ids = list(dossier_ids) or repos.dossiers.all_ids()
        broken = 0
        for dossier_id in ids:
            entries = repos.journal.entries(dossier_id)
            index = verify_chain(entries)
            if index is not None:
                broken += 1
                click.echo(f"DMP {dossier_id} : l’entrée {index + 1} sur {len(entries)} a été modifiée.", err=True)
        click.echo(f"{len(ids)} historique{'s' if len(ids) > 1 else ''} vérifié{'s' if len(ids) > 1 else ''}, "
                   f"{broken} modifié{'s' if broken > 1 else ''}.")
        if broken:
            sys.exit(1)
