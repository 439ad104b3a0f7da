"""« Mes aidants », the services (issue 18, begun): invitations of up to 3 carers, with a purpose
and dates, each a journaled "manage" decision; the code kept as a digest only, found through the
index until it is cancelled; an ended grant refused by the policy. Both stores."""
from __future__ import annotations

from datetime import date, timedelta

from dmp_web.demo import DEMO_LOGIN
from dmp_web.domain import carers as rules
from dmp_web.domain.access import decide
from dmp_web.domain.actors import Carer, Holder
from dmp_web.services import carers, history
from dmp_web.web.deps import ctx

BOTH_STORES = True

DOSSIER = DEMO_LOGIN["dossier_id"]


def _context(app):
    with app.test_request_context():
        return ctx()


def test_a_patient_invites_up_to_3_carers_and_ends_one_at_once(app, clock):
    context = _context(app)
    repos = app.extensions["dmp.repos"]
    holder = Holder(DOSSIER)
    today = context.now().date()
    dossier = repos.dossiers.get(DOSSIER)
    made = carers.invite(context, holder, dossier, name="Paul Martin", purpose="appointments_and_treatments",
                         starts_on=today, ends_on=today + timedelta(days=90))
    assert made.decision.allowed and len(made.code) == 12
    saved = repos.dossiers.get(DOSSIER).carer_grant(made.grant.id)
    assert saved.name == "Paul Martin" and saved.accepted_at is None and made.code not in repr(saved)
    assert saved.code_digest == rules.invitation_digest(made.code, context.otp_pepper)
    assert repos.sharing_codes.find(saved.code_digest, context.now()) == DOSSIER  # the code finds the DMP
    entry = next(e for e in reversed(repos.journal.entries(DOSSIER)) if e.action == "manage")  # then the notice
    assert (entry.action, entry.detail["change"]) == ("manage", {"what": "carer_invited", "name": "Paul Martin"})
    assert "Le changement : invitation pour Paul Martin, qui pourra vous aider." in history.describe(
        entry, titles={}, professionals={}).text

    for name in ("Anne", "Marc"):
        assert carers.invite(context, holder, repos.dossiers.get(DOSSIER), name=name, purpose="read",
                             starts_on=today, ends_on=None).decision.allowed
    fourth = carers.invite(context, holder, repos.dossiers.get(DOSSIER), name="Léa", purpose="read",
                           starts_on=today, ends_on=None)
    assert (fourth.decision, fourth.refused) == (None, "too_many")
    assert len(repos.dossiers.get(DOSSIER).carers) == 3  # nothing written for the 4th
    late = carers.invite(context, holder, repos.dossiers.get(DOSSIER), name="Léa", purpose="read",
                         starts_on=today - timedelta(days=1), ends_on=None)
    assert late.refused == "dates"

    assert carers.end(context, holder, repos.dossiers.get(DOSSIER), made.grant.id).allowed
    ended = repos.dossiers.get(DOSSIER).carer_grant(made.grant.id)
    assert ended.ended_at is not None
    assert repos.sharing_codes.find(ended.code_digest, context.now()) is None  # the code finds nothing now
    assert carers.invite(context, holder, repos.dossiers.get(DOSSIER), name="Léa", purpose="read",
                         starts_on=today, ends_on=None).decision.allowed  # a place again
    assert carers.end(context, holder, repos.dossiers.get(DOSSIER), "no-such-grant") is None


def test_a_professional_cannot_invite_a_carer_nor_a_carer_act_once_ended(app):
    context = _context(app)
    repos = app.extensions["dmp.repos"]
    from dmp_web.domain.actors import Profession, Professional

    doctor = Professional("10001000016", "Dr Marie Durand", Profession.MEDECIN, "medecine_generale")
    refused = carers.invite(context, doctor, repos.dossiers.get(DOSSIER), name="Paul", purpose="read",
                            starts_on=context.now().date(), ends_on=None)
    assert not refused.decision.allowed and repos.dossiers.get(DOSSIER).carers == []
    # a grant the patient ended is refused by the policy, whatever the carer asks
    made = carers.invite(context, Holder(DOSSIER), repos.dossiers.get(DOSSIER), name="Paul", purpose="read",
                         starts_on=context.now().date(), ends_on=None)
    dossier = repos.dossiers.get(DOSSIER)
    grant = dossier.carer_grant(made.grant.id)
    grant.accepted_at, grant.carer_id = context.now(), "carer-1"
    carer = Carer("carer-1", "Paul", DOSSIER, grant.id)
    assert decide(carer, "read_dossier", dossier, now=context.now()).allowed
    rules.end(dossier, grant.id, context.now())
    assert decide(carer, "read_dossier", dossier, now=context.now()).reason_code == "carer_not_in_force"


def test_mes_aidants_says_each_carer_in_plain_words():
    from datetime import datetime, UTC

    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    grant = rules.CarerGrant("g", "Paul Martin", "appointments_and_treatments", date(2026, 12, 1), date(2027, 2, 28),
                             now, "d")
    assert rules.in_words(grant, date(2026, 12, 1), now) == (
        "Paul Martin : mes rendez-vous et mes traitements seulement. "
        "À partir du 1er décembre 2026, jusqu’au 28 février 2027. "
        "L’invitation attend sa réponse.")
    grant.accepted_at = now
    assert rules.in_words(grant, date(2026, 12, 1), now).endswith("Cet accès est ouvert.")
    assert rules.in_words(grant, date(2027, 3, 1), now).endswith("Cet accès est fini.")
