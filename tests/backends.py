"""The two sides of the store contract tests (tests/unit/test_*_backends.py): each test file
says what it builds on files and on PostgreSQL, and `both_stores` makes its `backend` fixture."""
from __future__ import annotations

import pytest

from .pg_server import upgraded_database


class FileSide:
    name = "files"

    def close(self) -> None:
        pass


class PgSide:
    """An upgraded, empty database of the run's PostgreSQL, and a pool on it."""

    name = "postgresql"
    max_size = 4

    def __init__(self, url: str):
        self.url = url
        self.db = upgraded_database(url, self.max_size)

    def close(self) -> None:
        self.db.close()


def both_stores(file_side, pg_side, ready=None):
    """A `backend` fixture: the test once with file_side(tmp_path), once with pg_side(url);
    ready(made), if given, finishes what both need (their repositories with one key)."""

    @pytest.fixture(params=["files", "postgresql"])
    def backend(request, tmp_path):
        made = file_side(tmp_path) if request.param == "files" else pg_side(request.getfixturevalue("fresh_pg_url"))
        if ready is not None:
            ready(made)
        yield made
        made.close()

    return backend
