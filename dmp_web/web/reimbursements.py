"""«Remboursements»: the care the Assurance Maladie paid for, over the last 24 months."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..domain.dates import local_day
from ..domain.reimbursements import euros, shown, window_start
from ..services import dossier_access
from .deps import ctx
from .patient import current_dossier, holder, only_the_holder

bp = Blueprint("reimbursements", __name__, url_prefix="/mon-dmp/remboursements")
bp.before_request(only_the_holder)
bp.add_app_template_filter(euros, "euros")


@bp.get("")
def index():
    dossier = current_dossier()
    decision = dossier_access.decide_and_journal(ctx(), holder(), "read_dossier", dossier)
    if not decision.allowed:
        return render_template("pages/patient/closed.html", dossier=dossier), 403
    today = local_day(ctx().now())
    rows = shown(ctx().repos.reimbursements.list(dossier.id), today)
    return render_template("pages/reimbursements/index.html", rows=rows, start=window_start(today), today=today)
