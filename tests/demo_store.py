"""The demo store, built once per test run and copied for each test.

Loading the demo data takes most of a second (sealing, one file or row at a time); copying the
store it leaves takes a few hundredths. A template is the data folder an app made with the demo
loaded in it and, on PostgreSQL, its database. The folder carries the development keys
(.dev-data-key, .dev-journal-key) that sealed the data, so an app on a copy opens it; the
session key is the same for every test (tests/conftest.py, make_settings). Nothing outside the
data folder is written by the load (exports/ stays empty).

A copy is a copy: a test writes to its own folder and database, never to the template."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from .pg_server import create_database


def copy_folder(template: Path, data_dir: Path) -> None:
    # shutil.copy, not copy2: fresh modification times, as a load would leave (the store's
    # clean-up of leftovers goes by age)
    shutil.copytree(template, data_dir, copy_function=shutil.copy)


def _template_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="dmp-demo-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


class FileTemplate:
    """The demo store on files, made on first use by `build(root)` (an app with the demo loaded)."""

    def __init__(self, build: Callable[[Path], object]):
        self._build = build
        self._data_dir: Path | None = None

    def copy_to(self, data_dir: Path) -> None:
        if self._data_dir is None:
            root = _template_root()
            self._build(root)
            self._data_dir = root / "data"
        copy_folder(self._data_dir, data_dir)


class PgTemplate:
    """The demo database of one PostgreSQL server, and the data folder holding its keys.

    CREATE DATABASE … TEMPLATE copies it at file level; PostgreSQL refuses while anyone is
    connected to the template, so `build(root, url)` closes its pool before returning."""

    def __init__(self, server_url: str, build: Callable[[Path, str], None]):
        self.server_url = server_url
        root = _template_root()
        url = create_database(server_url)
        build(root, url)
        self._name = url.rsplit("/", 1)[1]
        self._data_dir = root / "data"

    def copy_to(self, data_dir: Path) -> str:
        """A new database, copy of the demo one, and its keys in data_dir; its URL."""
        copy_folder(self._data_dir, data_dir)
        return create_database(self.server_url, template=self._name)
