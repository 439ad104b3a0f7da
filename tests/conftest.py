"""Fixtures: an app on a copy of the demo store (tests/demo_store.py), and a client that checks every page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, FileSystemLoader

from dmp_web import create_app
from dmp_web.demo import load_demo_data
from dmp_web.settings import Settings

from . import sample_form
from .demo_store import FileTemplate, PgTemplate
from .fakes import FakeClock, FakeNotifier
from .pagecheck import check_page
from .pg_server import create_database, drop_database
from .redis_server import running_redis
from .smtp_server import running_smtp_server

TESTS_DIR = Path(__file__).parent


def make_settings(root: Path, **overrides) -> Settings:
    values = dict(
        env="testing",
        secret_key="test-secret-key-" + "x" * 32,
        data_dir=root / "data",
        exports_dir=root / "exports",
    )
    values.update(overrides)
    return Settings(**values)


def _app_on(root: Path, database_url: str | None = None, **flask_config):
    """The app as the tests drive it (a clock they move, a notifier that records), on what the
    data folder in `root` and the database hold: nothing is loaded."""
    # Rate limits count real time: tests that send many forms would trip them. The tests of the
    # limits (tests/web/test_limits.py) turn them on.
    flask_config.setdefault("RATELIMIT_ENABLED", False)
    app = create_app(make_settings(root, database_url=database_url), **flask_config)
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(TESTS_DIR / "templates")])
    app.register_blueprint(sample_form.bp)
    app.extensions["dmp.notifier"] = FakeNotifier(app.extensions["dmp.notifier"].letters)
    app.extensions["dmp.clock"] = FakeClock()
    return app


def _loaded_app(root: Path, database_url: str | None = None, **flask_config):
    """The app with the demo data loaded the slow way, as `flask demo-data` does it."""
    if database_url:
        from dmp_web.store.pg.migrations import upgrade

        upgrade(database_url)
    app = _app_on(root, database_url, **flask_config)
    load_demo_data(app.extensions["dmp.repos"])
    return app


_FILE_DEMO = FileTemplate(_loaded_app)


def make_app(root: Path, database_url: str | None = None, **flask_config):
    """The app on the file store in `root`, or on this PostgreSQL database, with the demo data.

    A new file store is a copy of the run's demo store (tests/demo_store.py). A data folder that
    exists already (the app started again on it) or a database gets the demo loaded, which
    changes nothing where it is loaded already."""
    if database_url is None and not (root / "data").exists():
        _FILE_DEMO.copy_to(root / "data")
        return _app_on(root, **flask_config)
    return _loaded_app(root, database_url, **flask_config)


class CheckedClient(FlaskClient):
    """A test client that checks every HTML page it receives (see tests/pagecheck.py)."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        headers = dict(kwargs.get("headers") or {})
        is_fragment = "HX-Request" in headers and "HX-Boosted" not in headers
        if response.mimetype == "text/html" and not is_fragment and not 300 <= response.status_code < 400:
            url = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "")
            response.soup = check_page(response.get_data(as_text=True), response.headers, url)
        return response

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        token = page.soup.find("input", attrs={"name": "csrf_token"})
        assert token is not None, f"no CSRF token on {path}"
        return token["value"]

    def submit(self, path: str, data: dict, follow_redirects: bool = False, action: str | None = None):
        """Send a page's form as a browser would: fetch the page, take its CSRF token, post."""
        form_data = {"csrf_token": self.csrf_token(path), **data}
        return self.post(action or path, data=form_data, follow_redirects=follow_redirects)


def pytest_generate_tests(metafunc):
    """A test module with `BOTH_STORES = True` runs its tests on the file store and on PostgreSQL."""
    if "store_kind" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_STORES", False):
        metafunc.parametrize("store_kind", ["files", "postgresql"])


@pytest.fixture
def store_kind():
    return "files"


@pytest.fixture
def app(tmp_path, store_kind, request):
    if store_kind == "files":
        yield make_app(tmp_path)
        return
    url = request.getfixturevalue("demo_pg_template").copy_to(tmp_path / "data")
    made = _app_on(tmp_path, database_url=url)
    yield made
    made.extensions["dmp.repos"].db.close()
    drop_database(url)


@pytest.fixture
def client(app):
    app.test_client_class = CheckedClient
    return app.test_client()


def field_error(soup, field_id: str) -> str:
    node = soup.find(id=f"{field_id}-error")
    return re.sub(r"^Erreur : ", "", node.get_text(" ", strip=True)) if node else ""


@pytest.fixture(scope="session")
def redis_url():
    """A Redis for the whole run (rate limits shared by several app processes)."""
    with running_redis() as url:
        yield url


@pytest.fixture(scope="session")
def pg_server_url():
    """A PostgreSQL 15 for the whole run (tests/pg_server.py)."""
    from .pg_server import running_postgres

    with running_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def demo_pg_template(pg_server_url) -> PgTemplate:
    """The demo database, built once per run for the app on PostgreSQL to copy."""
    return PgTemplate(pg_server_url, lambda root, url: _loaded_app(root, url).extensions["dmp.repos"].db.close())


@pytest.fixture
def fresh_pg_url(pg_server_url):
    """An empty database of that server, for one test, dropped afterwards."""
    url = create_database(pg_server_url)
    yield url
    drop_database(url)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; `.messages` holds what it received."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def notifier(app) -> FakeNotifier:
    return app.extensions["dmp.notifier"]


@pytest.fixture
def clock(app) -> FakeClock:
    return app.extensions["dmp.clock"]
