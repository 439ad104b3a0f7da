"""Error pages that say what to do next."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from ..notify import DeliveryFailed
from .request_log import refuse

# what went wrong -> (template, status)
PAGES = {
    403: ("403.html", 403),
    404: ("404.html", 404),
    405: ("404.html", 405),
    CSRFError: ("session_expired.html", 400),
    413: ("too_large.html", 413),
    DeliveryFailed: ("not_sent.html", 503),
    500: ("500.html", 500),
}


class StoreOutdated(Exception):
    """The data folder is of an earlier version: `flask --app app migrate-store` brings it up to date."""


PAGES[StoreOutdated] = ("maintenance.html", 503)
# what the request log says of a refusal, when the view did not say more precisely
REFUSALS = {403: "policy", CSRFError: "csrf", 413: "too_large", StoreOutdated: "store_outdated"}


def init_app(app: Flask) -> None:
    for cause, (template, status) in PAGES.items():
        app.register_error_handler(cause, _handler(app, template, status, REFUSALS.get(cause)))

    @app.before_request
    def outdated_store():
        if not app.extensions["dmp.store_current"] and request.endpoint not in ("static", "ops.health_check"):
            raise StoreOutdated()


def _handler(app: Flask, template: str, status: int, refusal: str | None):
    def render(error):
        if refusal:
            refuse(refusal)
        if isinstance(error, DeliveryFailed):
            app.logger.warning("delivery failed: %s", error)
        return render_template(f"pages/errors/{template}"), status

    return render
