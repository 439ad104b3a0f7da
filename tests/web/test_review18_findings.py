"""Review of issue 18 (carers and the helped visit): what a stranger, a malicious carer, an
ex-carer or a stolen session could still do. Each test is one finding of the review (see its
report); it fails on the feature as merged, before its fix."""
from __future__ import annotations

from dmp_web.domain.representatives import FIRST_SLOT
from dmp_web.services import carers

from .test_carer_space import _accept_with_new_account, _context
from .test_desk_creation import LUCAS, dossier_of, main_text, other_client
from .test_representatives import lucas_with_his_mother
from .test_review17_findings import HIDDEN, deposit_hidden, doctor_of_lucas

BOTH_STORES = True  # grants, documents and the carers' accounts are in the store: files and PostgreSQL alike


# -- finding 1: a minor's representative reads, as a carer, what a professional hid from them ------

def test_a_carer_invited_on_a_minor_s_dmp_does_not_read_what_is_hidden_from_the_representatives(
        client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    dossier = dossier_of(app, LUCAS)
    doctor = doctor_of_lucas(app, notifier, dossier.id)
    hidden = deposit_hidden(app, doctor, dossier.id)
    # the mother invites « a carer »: herself, with a second account of her own
    context = _context(app)
    made = carers.invite(context, dossier.acting_in(FIRST_SLOT), dossier, name="Sophie MOREAU", purpose="read",
                         starts_on=context.now().date(), ends_on=None)
    assert made.decision.allowed
    carer = other_client(app)
    _accept_with_new_account(carer, notifier, made.code)
    listed = main_text(carer.get(f"/aidant/dmp/{dossier.id}"))
    assert HIDDEN not in listed
    assert carer.get(f"/aidant/dmp/{dossier.id}/documents/{hidden.id}").status_code == 404
    assert carer.get(f"/aidant/dmp/{dossier.id}/documents/{hidden.id}/fichier").status_code == 404
