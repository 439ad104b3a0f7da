"""The journal keeps codes, not sentences: a new entry's detail, sealed in its token, holds the
codes and ids of domain/details.py (the history page words them). Entries written before, whose
detail is French text, are never rewritten and still read into the same sentences."""
from __future__ import annotations

import json
import re

from dmp_web.domain.actors import Holder
from dmp_web.domain.details import CHANGES, NOTES
from dmp_web.domain.dossier import EMERGENCY_SWITCHES
from dmp_web.services import first_connection, management, patient_login
from dmp_web.services.holder import holder_actor
from dmp_web.services.dossier_access import set_hidden
from dmp_web.web.deps import ctx

from .pro_journey import DOSSIER, PETIT
from .test_history import HISTORY, lines, patient_log_in

LAB = "d0c0000000000002"
HOLDER = Holder(DOSSIER)
# Words the French notes of older entries held: none may be in a new entry's detail.
FRENCH = re.compile(r"caché|visible|bloqué|envoyé|enregistré|copie|urgence autorisé|session|mot de passe")


def sealed_details(app) -> list[dict | str]:
    """Each entry's detail as the journal's files keep it: opened from its sealed token."""
    repos = app.extensions["dmp.repos"]
    with app.app_context():
        opener = repos.journal._dossier_sealer(DOSSIER, create=False).open_text
    rows = repos.journal.files(DOSSIER).rows()
    assert all(row["sealed"] and "detail" not in row for row in rows)  # in the token only
    return [json.loads(opener(row["sealed"]))["detail"] for row in rows]


def test_a_new_entry_keeps_codes_and_ids_in_its_sealed_detail_not_french(app):
    with app.app_context():
        repos = ctx().repos
        set_hidden(ctx(), HOLDER, repos.dossiers.get(DOSSIER), repos.documents.get(DOSSIER, LAB), True)
        management.block(ctx(), HOLDER, repos.dossiers.get(DOSSIER), PETIT)
        first_connection.save_emergency_choice(ctx(), DOSSIER, dict.fromkeys(EMERGENCY_SWITCHES, True))
        patient_login.close_other_sessions(ctx(), DOSSIER, keep="0" * 64)
    new = sealed_details(app)
    assert {"code": "holder", "document": LAB, "note": "hidden"} in new
    assert {"code": "holder", "change": {"what": "professional_blocked", "rpps": PETIT,
                                         "name": "Claire Petit"}} in new
    assert {"change": {"what": "regulator_access_allowed"}} in new and {"counts": {"ended": 0}} in new
    assert {"change": {"what": "hidden_in_emergency_allowed"}} in new
    for detail in new:
        if detail == "":
            continue  # an entry that says nothing more than its action
        assert isinstance(detail, dict), detail
        assert detail.get("note", "hidden") in NOTES and detail.get("change", {}).get("what", "alerts_on") in CHANGES
        assert not FRENCH.search(json.dumps(detail, ensure_ascii=False)), detail


def test_entries_written_before_codes_read_into_the_same_sentences(client, notifier, app):
    """As the code before this one wrote them: the sentences are the ones it showed."""
    with app.app_context():
        repos, now, holder = ctx().repos, ctx().now(), holder_actor(DOSSIER)
        for action, detail in [
            ("hide_document", f"holder ; document {LAB} ; caché aux professionnels"),
            ("manage", f"professionnel bloqué : Claire Petit (RPPS {PETIT})"),
            ("export", "holder ; copie par courrier"),
        ]:
            repos.journal.append(DOSSIER, now, holder, action, reason="Le patient agit sur son propre DMP.",
                                 detail=detail)
        repos.journal.append(DOSSIER, now, holder, "emergency_access_set", detail="accès en urgence refusé")
    patient_log_in(client, notifier)
    told = [line.split(" | ")[-1] for line in lines(client.get(HISTORY, query_string={"acces": "tous"}).soup)]
    assert "Vous avez fait votre choix pour l’accès en urgence. Votre choix : accès en urgence refusé." in told
    assert "Vous avez demandé une copie de votre DMP par courrier." in told
    assert ("Vous avez changé les réglages de votre DMP. "
            f"Le changement : professionnel bloqué : Claire Petit (RPPS {PETIT}).") in told
    assert "Vous avez caché « Prise de sang du 20 octobre 2026 » aux professionnels." in told
    assert app.extensions["dmp.repos"].journal.check(DOSSIER) is None
