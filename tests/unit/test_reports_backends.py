"""The patients' reports of a professional (« Je ne connais pas cette personne ») behave the same
on both stores (files, PostgreSQL): a report commits with its journal entry, reads back whole,
waits in the desk agents' queue oldest first and leaves it once handled; one open report per
professional; the sentence and the note never in clear at rest, sealed again with a new key; an
erased dossier leaves nothing in the queue."""
from __future__ import annotations

import psycopg
import pytest

from dmp_web.demo import DEMO_LOGIN
from dmp_web.domain.actors import DeskAgent, Holder
from dmp_web.domain.reports import HANDLED, Report, ReportRefused
from dmp_web.services import reports
from dmp_web.store.crypto import SealBroken, Sealer
from dmp_web.store.pg.reports import PgReportRepository
from dmp_web.store.reports import ReportRepository

from .test_unit_backends import context, pg_repos, repos  # noqa: F401 - the fixtures: both stores, demo data


@pytest.fixture
def store(repos):  # noqa: F811 - the fixture imported above
    """The demo data on files, then on PostgreSQL (test_unit_backends' `repos`)."""
    return repos

DOSSIER = DEMO_LOGIN["dossier_id"]
HOLDER = Holder(DOSSIER)
AGENT = DeskAgent("cpam0001", "Nadia Benoît", caisse="CPAM de Paris")
PHARMACIST, CARDIOLOGIST = "10001000032", "10001000024"  # Claire Petit, Dr Paul Lefèvre
SENTENCE = "Je ne suis jamais allée dans cette pharmacie de Lyon."
NOTE = "Nous avons appelé la pharmacie. Elle s’est trompée de carte Vitale."


def professional_access(ctx, rpps: str) -> int:
    """A professional opens the dossier: the journal entry the patient reports (its place)."""
    from dmp_web.services.dossier_access import decide_and_journal

    decide_and_journal(ctx, ctx.repos.directory.professional(rpps), "read_dossier", ctx.repos.dossiers.get(DOSSIER))
    return ctx.repos.journal.count(DOSSIER) - 1


def reported(ctx, rpps: str, sentence: str = SENTENCE, block: bool = False):
    seq = professional_access(ctx, rpps)
    return reports.report(ctx, HOLDER, ctx.repos.dossiers.get(DOSSIER), seq, sentence=sentence, block=block)


def test_a_report_commits_with_its_entry_and_reads_back_whole(store):
    ctx = context(store)
    made = reported(ctx, PHARMACIST).report
    last = store.journal.entries(DOSSIER)[-1]
    assert (last.actor_kind, last.action, last.allowed) == ("holder", "professional_reported", True)
    assert last.detail["change"] == {"what": "professional_reported", "rpps": PHARMACIST, "name": "Claire Petit"}
    assert store.reports.of_dossier(DOSSIER) == [made]
    assert store.reports.find(made.id) == made
    assert (made.rpps, made.professional_name, made.sentence, made.is_open) == (PHARMACIST, "Claire Petit", SENTENCE,
                                                                                 True)
    assert made.access_seq == store.journal.count(DOSSIER) - 2  # the access just before the report
    assert store.reports.find("0123456789abcdef") is None


def test_the_queue_is_oldest_first_and_a_handled_report_leaves_it(store):
    ctx = context(store)
    first = reported(ctx, PHARMACIST).report
    ctx.clock.advance(hours=1)
    second = reported(ctx, CARDIOLOGIST, sentence="").report
    assert [r.id for r in store.reports.open_reports()] == [first.id, second.id]
    ctx.clock.advance(hours=1)
    done = reports.handle(ctx, AGENT, first.id, NOTE)
    assert [r.id for r in store.reports.open_reports()] == [second.id]
    stored = store.reports.find(first.id)
    assert stored == done and (stored.status, stored.note, stored.handled_by_name) == (HANDLED, NOTE, "Nadia Benoît")
    handled, told = store.journal.entries(DOSSIER)[-2:]  # the handling, then the notice that says so
    assert (handled.actor_kind, handled.actor_id, handled.action) == ("desk_agent", "cpam0001", "report_handled")
    assert (told.actor_kind, told.action) == ("system", "report_notice")


def test_one_open_report_per_professional_and_a_new_one_once_handled(store):
    ctx = context(store)
    first = reported(ctx, PHARMACIST).report
    entries = store.journal.count(DOSSIER)
    with pytest.raises(ReportRefused) as refused:
        reported(ctx, PHARMACIST)
    assert refused.value.code == "already_reported"
    assert store.journal.count(DOSSIER) == entries + 1  # only the pharmacist's new access: no report entry
    reports.handle(ctx, AGENT, first.id, NOTE)
    with pytest.raises(ReportRefused) as twice:
        reports.handle(ctx, AGENT, first.id, NOTE)
    assert twice.value.code == "already_handled"
    again = reported(ctx, PHARMACIST).report
    assert [r.id for r in store.reports.open_reports()] == [again.id]


def at_rest(store) -> bytes:
    if hasattr(store, "db"):
        with psycopg.connect(store.db.url) as conn:
            return "\n".join(str(row) for row in conn.execute("SELECT * FROM reports")).encode()
    return b"".join(p.read_bytes() for p in store.store.root.rglob("*") if p.is_file())


def test_the_sentence_and_the_note_are_never_in_clear(store):
    ctx = context(store)
    made = reported(ctx, PHARMACIST).report
    reports.handle(ctx, AGENT, made.id, NOTE)
    stored = at_rest(store)
    assert b"pharmacie de Lyon" not in stored and b"appel" not in stored and "trompée".encode() not in stored
    assert PHARMACIST.encode() in stored  # what is not free text stays readable: the queue lists it


def with_sealer(store, sealer: Sealer):
    """The same store's reports, seen with another key ring."""
    if hasattr(store, "db"):
        return PgReportRepository(store.db, sealer)
    return ReportRepository(store.store, sealer)


def put(repo, report) -> None:
    """Saved as a unit of work saves it, on either store."""
    if isinstance(repo, PgReportRepository):
        repo.save(report)
    else:
        repo.save_row(report.dossier_id, repo.prepare(report))


def test_reports_are_sealed_again_with_a_new_key_and_the_old_one_can_go(store):
    old, new = Sealer.generate_key(), Sealer.generate_key()
    at = context(store).now()
    first = Report("0123456789abcdef", DOSSIER, PHARMACIST, "Claire Petit", 3, at, at, sentence=SENTENCE,
                   status=HANDLED, handled_at=at, handled_by_id=AGENT.id, handled_by_name=AGENT.name, note=NOTE)
    put(with_sealer(store, Sealer(old)), first)
    with pytest.raises(SealBroken):
        with_sealer(store, Sealer(new)).find(first.id)
    ring = with_sealer(store, Sealer(new, old))
    assert ring.find(first.id) == first
    ring.reseal(DOSSIER)
    assert with_sealer(store, Sealer(new)).find(first.id) == first
    with pytest.raises(SealBroken):
        with_sealer(store, Sealer(old)).find(first.id)


def test_an_erased_dossier_leaves_no_report_in_the_queue(store):
    ctx = context(store)
    made = reported(ctx, PHARMACIST).report
    with store.unit(DOSSIER) as unit:
        unit.erase(DEMO_LOGIN["login_id"], ctx.now())
        unit.commit()
    assert store.reports.open_reports() == []
    assert store.reports.find(made.id) is None
    assert reports.queue(ctx, AGENT) == []
