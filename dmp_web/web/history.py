"""«Historique des accès»: who came to the patient's DMP, when, and what they did."""
from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, request

from .. import htmx
from ..forms.history import ALL, CARERS, EMERGENCIES, HistoryFilterForm
from ..services import history as histories
from .deps import ctx
from .patient import current_dossier, holder, only_the_holder

bp = Blueprint("history", __name__, url_prefix="/mon-dmp/historique")
VIEWS = {CARERS: histories.OTHERS, ALL: histories.EVERYTHING, EMERGENCIES: histories.EMERGENCIES}
bp.before_request(only_the_holder)


def _number(name: str, default: str | None) -> int | None:
    typed = request.args.get(name, default)
    if typed is None:
        return None
    if not re.fullmatch(r"[0-9]{1,6}", typed):
        abort(404)
    return int(typed)


@bp.get("")
def history():
    # Without a choice in the address, the form shows its default (the carers only).
    chosen = "acces" in request.args
    form = HistoryFilterForm(formdata=request.args if chosen else None)
    if chosen and not form.validate():
        abort(404)  # only a hand-made address sends a choice the form does not offer
    number = _number("page", "1")
    upto = _number("lignes", None)  # set by the links between pages: see HistoryPage.upto
    dossier = current_dossier()
    person = ctx().register.get(dossier.holder_nir)
    view = VIEWS[form.acces.data]
    try:
        found = histories.read_history(ctx(), holder(), dossier, page=number, view=view,
                                       feminine=bool(person and person.sex == "F"), upto=upto)
    except histories.NoSuchPage:
        abort(404)
    if not found.decision.allowed:
        return render_template("pages/patient/closed.html", dossier=dossier), 403
    # the address of the pages keeps the choice, but not the default one
    values = dict(form=form, page=found.page, lines=found.lines, view=view,
                  acces=None if form.acces.data == CARERS else form.acces.data)
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render_template("pages/history/_entries.html", fragment=True, **values)
    return render_template("pages/history/history.html", **values)
