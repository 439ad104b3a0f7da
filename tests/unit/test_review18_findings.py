"""Review of issue 18 (carers): the domain's rules an attacker or an unlucky patient met. Each
test is one finding of the review; it fails on the feature as merged, before its fix."""
from __future__ import annotations

from datetime import timedelta

from dmp_web.domain import carers

from .test_carers_policy import NOW, TODAY, dossier

PEPPER = b"k" * 32


# -- finding 3: carers whose access ended at its end date still fill the 3 places -------------------

def test_carers_whose_end_date_passed_leave_their_place_to_new_ones():
    record = dossier("read", "in_force", closed=False)
    record.carers.clear()
    for n in range(carers.MAX_CARERS):
        _code, grant = carers.invite(record, name=f"Aidant {n}", purpose="read", starts_on=TODAY,
                                     ends_on=TODAY + timedelta(days=7), now=NOW, today=TODAY, pepper=PEPPER)
        carers.accept(record, grant.id, f"ai0000000{n}", NOW)
    later = NOW + timedelta(days=10)  # every access ended by itself at its end date
    assert not any(g.in_force(later.date()) for g in record.carers)
    assert carers.counted(record, later) == []
    carers.invite(record, name="Une autre", purpose="read", starts_on=later.date(), ends_on=None, now=later,
                  today=later.date(), pepper=PEPPER)  # no CarerRefusal("too_many")
