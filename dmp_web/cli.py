"""flask commands: `flask --app app demo-data`."""
from __future__ import annotations

import click
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Load the demo data (safe to run again: it changes nothing the second time)."""
        from .demo import load_demo_data

        counts = load_demo_data(current_app.extensions["dmp.store"])
        for what, count in counts.items():
            click.echo(f"{count} {what}")
