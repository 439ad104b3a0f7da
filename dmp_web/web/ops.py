"""What the machines around the app ask of it: the health endpoint for load balancers."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..services import health

HEALTH_LOCK_TIMEOUT = 1.0  # seconds

bp = Blueprint("ops", __name__)


@bp.get("/sante")
def health_check():
    """200 when this instance can serve, 503 naming the failing part (never its details)."""
    ext = current_app.extensions
    # its own view of the store with a short wait: a probe answers in a second or two, always
    parts = health.check(ext["dmp.repos"].health(HEALTH_LOCK_TIMEOUT))
    parts["store_version"] = "ok" if ext["dmp.store_current"] else "outdated"
    healthy = all(state in health.HEALTHY for state in parts.values())
    return jsonify(status="ok" if healthy else "fail", checks=parts), 200 if healthy else 503
