"""« Je me fais aider » (domain/helped_visit.py): the start and the end of a helped visit, each
journaled on the patient's side, naming the helper the one way every entry does (ctx.helper).
The web layer keeps the visit in the patient's session; nothing is kept for the helper."""
from __future__ import annotations

from dataclasses import replace

from ..domain.details import noted
from ..domain.helped_visit import HelpedVisit, Helper
from .context import Context
from .holder import journal_as_holder


def start(ctx: Context, key: str, helper: Helper) -> HelpedVisit:
    """The helped visit of this account begins now."""
    visit = HelpedVisit(helper, ctx.now())
    journal_as_holder(replace(ctx, helper=helper), key, "helped_visit_started")
    return visit


def end(ctx: Context, key: str, visit: HelpedVisit, asked: str) -> str:
    """The helped visit ends, for the reason `asked` (domain/helped_visit.py ENDINGS), or because
    its time had passed; returns the reason journaled."""
    why = visit.ending(asked, ctx.now())
    journal_as_holder(replace(ctx, helper=visit.helper), key, "helped_visit_ended", detail=noted(why))
    return why
