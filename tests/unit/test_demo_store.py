"""Each test's demo store is its own copy of the run's template (tests/demo_store.py): it opens
what the template sealed, and what a test writes reaches neither the template nor another copy."""
from __future__ import annotations

from datetime import datetime, UTC

from dmp_web.demo import DEMO_DOCUMENTS, DEMO_LOGIN
from dmp_web.domain.details import noted
from dmp_web.domain.journal import Actor

from ..conftest import make_app
from ..pg_server import drop_database

BOTH_STORES = True
DOSSIER = DEMO_LOGIN["dossier_id"]


def another_copy(store_kind, root, request):
    """A second app on a copy of the template, and what closes it."""
    if store_kind == "files":
        return make_app(root), lambda: None
    url = request.getfixturevalue("demo_pg_template").copy_to(root / "data")
    other = make_app(root, database_url=url)

    def close():
        other.extensions["dmp.repos"].db.close()
        drop_database(url)

    return other, close


def test_a_copy_opens_the_demo_sealed_in_the_template(app):
    documents = app.extensions["dmp.repos"].documents
    first_id, *_, first_text, _ = DEMO_DOCUMENTS[0]
    assert {d.id for d in documents.list(DOSSIER)} == {d[0] for d in DEMO_DOCUMENTS}
    assert documents.text(DOSSIER, first_id) == first_text


def test_what_a_test_writes_stays_in_its_own_copy(app, tmp_path, store_kind, request):
    journal = app.extensions["dmp.repos"].journal
    demo_entries = len(journal.entries(DOSSIER))
    journal.append(DOSSIER, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), Actor("system", "test", "un test"),
                   "dossier_created", detail=noted("demo_data"))
    assert len(journal.entries(DOSSIER)) == demo_entries + 1
    other, close = another_copy(store_kind, tmp_path / "other", request)
    try:
        assert len(other.extensions["dmp.repos"].journal.entries(DOSSIER)) == demo_entries
    finally:
        close()
