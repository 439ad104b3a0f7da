"""Units of work: a change and its journal entry commit together, on records read under the
dossier's lock. Two overlapping requests of one patient both land; a use case cut between its
steps leaves either nothing or, once finished, both its change and its entry."""
from __future__ import annotations

import threading
import time

import pytest

from dmp_web.demo import DEMO_LOGIN
from dmp_web.domain.actors import Holder
from dmp_web.domain.dossier import EMERGENCY_SWITCHES
from dmp_web.domain.wishes import Person
from dmp_web.services import management, wishes
from dmp_web.store import unit as unit_module
from dmp_web.web.deps import ctx

from ..conftest import make_app
from .pro_journey import LEFEVRE, PETIT
from datetime import UTC

DOSSIER = DEMO_LOGIN["dossier_id"]
HOLDER = Holder(DOSSIER)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def in_thread(app, work):
    def run():
        with app.app_context():
            work()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def slowed(monkeypatch, module, name, started: threading.Event):
    """Make module.name slow, once started, so that another request overlaps it."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        started.set()
        time.sleep(0.3)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, slow)


def test_blocking_a_pharmacist_and_giving_rights_at_the_same_time_both_land(app, monkeypatch):
    started = threading.Event()
    slowed(monkeypatch, management, "can_block", started)  # tab A decides slowly
    with app.app_context():  # both tabs loaded the page before, each its own copy
        seen_by_a, seen_by_b = (ctx().repos.dossiers.get(DOSSIER) for _ in range(2))
    tab_a = in_thread(app, lambda: management.block(ctx(), HOLDER, seen_by_a, PETIT))
    assert started.wait(5)
    with app.app_context():
        assert management.grant_rights(ctx(), HOLDER, seen_by_b, LEFEVRE).allowed  # tab B, meanwhile
    tab_a.join()
    with app.app_context():
        final = ctx().repos.dossiers.get(DOSSIER)
        details = [e.detail for e in ctx().repos.journal.entries(DOSSIER)[-2:]]
    assert PETIT in final.blocked_rpps and LEFEVRE in final.attending_rights_rpps
    assert [d["change"]["what"] for d in details] == ["professional_blocked", "rights_granted"]


def test_two_tabs_changing_the_wishes_at_the_same_time_both_land(app, monkeypatch):
    started = threading.Event()
    original = wishes._person

    def slow_person(*args):
        started.set()
        time.sleep(0.3)
        return original(*args)
    with app.app_context():
        dossier = ctx().repos.dossiers.get(DOSSIER)  # the wishes are read by the use case itself
    monkeypatch.setattr(wishes, "_person", slow_person)  # tab A is slow to change them
    tab_a = in_thread(app, lambda: wishes.set_trusted_person(ctx(), HOLDER, dossier, "Paul Roche", "mon mari",
                                                              "0611223344"))
    assert started.wait(5)
    with app.app_context():
        assert wishes.set_organ_donation(ctx(), HOLDER, dossier, "yes").allowed  # tab B, meanwhile
    tab_a.join()
    with app.app_context():
        final = ctx().repos.wishes.get(DOSSIER)
    assert final.trusted_person == Person("Paul Roche", "mon mari", "0611223344") and final.organ_donation == "yes"


def journal_and_dossier(app):
    with app.app_context():
        repos = ctx().repos
        return len(repos.journal.entries(DOSSIER)), repos.dossiers.get(DOSSIER).blocked_rpps


def test_a_use_case_cut_before_its_commit_leaves_neither_the_change_nor_its_entry(app, monkeypatch):
    before = journal_and_dossier(app)
    monkeypatch.setattr(unit_module, "_write_intent", lambda *a: (_ for _ in ()).throw(OSError("disque plein")))
    with app.app_context(), pytest.raises(OSError):
        management.block(ctx(), HOLDER, ctx().repos.dossiers.get(DOSSIER), PETIT)
    assert journal_and_dossier(app) == before


def test_a_use_case_cut_after_its_commit_began_is_finished_with_its_entry(app, monkeypatch, tmp_path):
    count, blocked = journal_and_dossier(app)
    real_apply = unit_module._apply

    def crash(*args):
        raise SystemExit("kill -9")  # the worker dies once the intent is written
    monkeypatch.setattr(unit_module, "_apply", crash)
    with app.app_context(), pytest.raises(SystemExit):
        management.block(ctx(), HOLDER, ctx().repos.dossiers.get(DOSSIER), PETIT)
    monkeypatch.setattr(unit_module, "_apply", real_apply)
    pending = app.extensions["dmp.store"].path("pending", f"{DOSSIER}.json")
    assert pending.exists() and b"Claire" not in pending.read_bytes()  # the intent is sealed
    restarted = make_app(tmp_path)  # the app starts again on the same data: it finishes the unit
    count_after, blocked_after = journal_and_dossier(restarted)
    assert count_after == count + 1 and blocked_after == [*blocked, PETIT] and not pending.exists()
    with restarted.app_context():
        last = ctx().repos.journal.entries(DOSSIER)[-1]
        assert last.detail["change"]["what"] == "professional_blocked" and ctx().repos.journal.check(DOSSIER) is None


def test_a_unit_finished_after_others_wrote_its_entry_goes_after_theirs(app, monkeypatch):
    """The worker died after its intent; other requests journaled since: the entry comes after."""
    monkeypatch.setattr(unit_module, "_apply", lambda *a: (_ for _ in ()).throw(SystemExit("kill -9")))
    with app.app_context(), pytest.raises(SystemExit):
        management.set_alerts(ctx(), HOLDER, ctx().repos.dossiers.get(DOSSIER), True)
    monkeypatch.undo()
    with app.app_context():
        repos = ctx().repos
        repos.journal.append(DOSSIER, ctx().now(), HOLDER.ref, "login_succeeded")  # not a unit: no wait
        management.set_emergency_switches(ctx(), HOLDER, repos.dossiers.get(DOSSIER),  # finishes the first
                                          {"regulator_access": True, "break_glass_access": False,
                                           "hidden_in_emergency": False})
        actions = [(e.action, e.detail) for e in repos.journal.entries(DOSSIER)[-3:]]
        assert repos.dossiers.get(DOSSIER).alert_new_documents is True
        assert repos.journal.check(DOSSIER) is None
    assert actions == [("login_succeeded", ""), ("manage", {"code": "holder", "change": {"what": "alerts_on"}}),
                       ("manage", {"code": "holder", "change": {"what": "break_glass_refused"}})]


def test_a_journal_that_cannot_take_the_entry_leaves_the_change_unmade(app):
    with app.app_context():
        repos = ctx().repos
        segment = repos.journal.files(DOSSIER)._segment_path(0)
        segment.write_bytes(b"\n".join(segment.read_bytes().split(b"\n")[:-1]))  # the last entry cut
        from dmp_web.store.journal import ChainBroken

        with pytest.raises(ChainBroken):
            management.set_alerts(ctx(), HOLDER, repos.dossiers.get(DOSSIER), True)
        assert repos.dossiers.get(DOSSIER).alert_new_documents is False  # no change without its entry
        assert not app.extensions["dmp.store"].path("pending").exists() or not any(
            app.extensions["dmp.store"].path("pending").iterdir())


def test_an_intent_that_cannot_be_finished_is_set_aside_and_the_app_starts(app, monkeypatch, tmp_path):
    monkeypatch.setattr(unit_module, "_apply", lambda *a: (_ for _ in ()).throw(SystemExit("kill -9")))
    with app.app_context(), pytest.raises(SystemExit):
        management.set_alerts(ctx(), HOLDER, ctx().repos.dossiers.get(DOSSIER), True)
    monkeypatch.undo()
    pending = app.extensions["dmp.store"].path("pending", f"{DOSSIER}.json")
    pending.write_bytes(b"not a sealed intent")  # or sealed with a key dropped since
    restarted = make_app(tmp_path)
    assert restarted.test_client().get("/").status_code == 200  # the service runs
    assert not pending.exists() and app.extensions["dmp.store"].path("pending-failed", f"{DOSSIER}.json").exists()
    check = restarted.test_cli_runner().invoke(args=["journal-check"])
    assert check.exit_code == 1 and "une modification n’a pas pu être finie" in check.output


# -- the patient's account: its changes commit with their entries ------------------------------

def account_and_journal(app):
    with app.app_context():
        repos = ctx().repos
        return repos.accounts.get(DOSSIER), [e.action for e in repos.journal.entries(DOSSIER)]


def open_sessions(app, how_many: int) -> list[str]:
    from datetime import datetime

    from dmp_web.store.sessions import SessionRecord
    digests = [f"{n:064x}" for n in range(1, how_many + 1)]
    with app.app_context():
        for digest in digests:
            at = datetime(2026, 11, 1, tzinfo=UTC)
            ctx().repos.sessions.put(digest, SessionRecord(at, at, account=f"patient:{DOSSIER}"))
    return digests


def test_a_contact_change_cut_before_its_commit_leaves_neither_the_change_nor_its_entry(app, monkeypatch):
    from dmp_web.services import first_connection

    before = account_and_journal(app)
    monkeypatch.setattr(unit_module, "_write_intent", lambda *a: (_ for _ in ()).throw(OSError("disque plein")))
    with app.app_context(), pytest.raises(OSError):
        first_connection.save_personal_data(ctx(), DOSSIER, "0699887766", "autre@example.org")
    assert account_and_journal(app) == before


def test_a_password_change_cut_after_its_commit_began_is_finished_with_its_entries(app, monkeypatch, tmp_path):
    from dmp_web.domain.credentials import verify_secret
    from dmp_web.services import first_connection

    kept, other = open_sessions(app, 2)
    _, actions = account_and_journal(app)
    monkeypatch.setattr(unit_module, "_apply", lambda *a: (_ for _ in ()).throw(SystemExit("kill -9")))
    with app.app_context(), pytest.raises(SystemExit):
        first_connection.save_connection_data(ctx(), DOSSIER, DEMO_LOGIN["password"], "Un-nouveau-mot-2026!",
                                              "sms", session=kept)
    monkeypatch.undo()
    pending = app.extensions["dmp.store"].path("pending", f"{DOSSIER}.json")
    assert pending.exists() and account_and_journal(app)[1] == actions  # neither yet
    assert b"0611223344" not in pending.read_bytes()  # the account in the intent is sealed
    restarted = make_app(tmp_path)  # the app starts again on the same data: it finishes the unit
    account, actions_after = account_and_journal(restarted)
    assert verify_secret("Un-nouveau-mot-2026!", account.password_hash) and account.otp_channel == "sms"
    assert actions_after == [*actions, "password_changed", "otp_channel_changed"] and not pending.exists()
    with restarted.app_context():
        repos = ctx().repos
        assert repos.sessions.listed(f"patient:{DOSSIER}") == [kept] and repos.sessions.get(other) is None
        assert repos.journal.check(DOSSIER) is None


def test_the_emergency_choice_and_the_first_connection_done_commit_together(app, monkeypatch, tmp_path):
    from dmp_web.services import first_connection

    with app.extensions["dmp.repos"].accounts.updating(DOSSIER) as account:
        account.first_connection_step = 3  # in the middle of the first connection
    monkeypatch.setattr(unit_module, "_apply", lambda *a: (_ for _ in ()).throw(SystemExit("kill -9")))
    with app.app_context(), pytest.raises(SystemExit):
        first_connection.save_emergency_choice(ctx(), DOSSIER, dict.fromkeys(EMERGENCY_SWITCHES, False))
    monkeypatch.undo()
    assert account_and_journal(app)[0].first_connection_step == 3  # the intent is not applied yet
    restarted = make_app(tmp_path)
    account, actions = account_and_journal(restarted)
    with restarted.app_context():
        assert ctx().repos.dossiers.get(DOSSIER).break_glass_access is False
    assert account.first_connection_done and actions[-2:] == ["emergency_access_set", "first_connection_done"]


def test_a_login_step_finishes_a_cut_account_change_before_it_reads_the_account(app, monkeypatch):
    """The account is read under the dossier's lock, after any unit a crash left: the login's
    count of wrong passwords does not write over the contact change."""
    from dmp_web.services import first_connection, patient_login

    monkeypatch.setattr(unit_module, "_apply", lambda *a: (_ for _ in ()).throw(SystemExit("kill -9")))
    with app.app_context(), pytest.raises(SystemExit):
        first_connection.save_personal_data(ctx(), DOSSIER, "0699887766", "autre@example.org")
    monkeypatch.undo()
    with app.app_context(), pytest.raises(patient_login.Refused):
        patient_login.start_login(ctx(), DEMO_LOGIN["login_id"], "pas le bon mot de passe")
    account, actions = account_and_journal(app)
    assert (account.mobile, account.failed_passwords) == ("0699887766", 1)
    assert actions[-2:] == ["contact_changed", "login_password_wrong"]
