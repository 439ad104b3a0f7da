"""What the machines around the app ask of it: the health endpoint for load balancers."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..services import health
from ..store.health import HealthRecords

bp = Blueprint("ops", __name__)


@bp.get("/sante")
def health_check():
    """200 when this instance can serve, 503 naming the failing part (never its details)."""
    ext = current_app.extensions
    parts = health.check(HealthRecords(ext["dmp.store"], ext["dmp.repos"].documents.sealer))
    healthy = all(state == "ok" for state in parts.values())
    return jsonify(status="ok" if healthy else "fail", checks=parts), 200 if healthy else 503
