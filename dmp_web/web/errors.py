"""Error pages that say what to do next."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from ..notify import DeliveryFailed

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


def init_app(app: Flask) -> None:
    for cause, (template, status) in PAGES.items():
        app.register_error_handler(cause, _handler(app, template, status))


def _handler(app: Flask, template: str, status: int):
    def render(error):
        if isinstance(error, DeliveryFailed):
            app.logger.warning("delivery failed: %s", error)
        return render_template(f"pages/errors/{template}"), status

    return render
