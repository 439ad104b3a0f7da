"""Headers every response carries."""
from __future__ import annotations

from flask import Flask, request

# No inline script or style anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Why «same-origin» and not «no-referrer»: over HTTPS, Flask-WTF's CSRF check (WTF_CSRF_SSL_STRICT)
# also demands a Referer from this very site on every POST, which «no-referrer» withholds, so every
# form failed with « Votre page a expiré ». «same-origin» gives our own server the page a form came
# from, and gives other sites nothing at all: no address of ours (they carry dossier ids) leaves.
REFERRER_POLICY = "same-origin"
# Two years, subdomains included: after one visit, the browser never tries plain HTTP again.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def init_app(app: Flask) -> None:
    production = app.config["DMP_SETTINGS"].is_production

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["Referrer-Policy"] = REFERRER_POLICY
        if production:
            headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint != "static":
            # Pages may show personal data: never keep them in a cache or the browser history.
            headers["Cache-Control"] = "no-store"
            # The same URL answers a full page or an htmx fragment.
            headers.add("Vary", "HX-Request")
        return response
