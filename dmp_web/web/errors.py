"""Error pages that say what to do next."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from ..notify import DeliveryFailed


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return render_template("pages/errors/404.html"), 404

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("pages/errors/404.html"), 405

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return render_template("pages/errors/session_expired.html"), 400

    @app.errorhandler(413)
    def too_large(_error):
        return render_template("pages/errors/too_large.html"), 413

    @app.errorhandler(DeliveryFailed)
    def delivery_failed(error):
        app.logger.warning("delivery failed: %s", error)
        return render_template("pages/errors/not_sent.html"), 503

    @app.errorhandler(500)
    def server_error(_error):
        return render_template("pages/errors/500.html"), 500
