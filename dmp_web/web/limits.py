"""Limits on what a stranger can trigger, with Flask-Limiter: every anonymous form, every login
step and every code send, counted by client address and by target (NIR, identifier, RPPS).

The counters live in memory for the one-process demo, and in Redis when several workers or
servers run (DMP_RATELIMIT_STORAGE_URL): otherwise each worker would count alone.

Login is counted by address and by the pair (address, identifier), never by the identifier
alone: someone hammering a professional's public RPPS number from their own address must not
stop that professional from logging in from theirs. What sends a message (a creation code, a
reset code) is also counted by its target alone, so that many addresses cannot flood one person;
the domain caps the messages themselves (domain/accounts.py).

Each new session (a form's CSRF token is kept in one) is counted by address too, so that fetching
form pages in a loop cannot fill the store with sessions. Pages that open no session are not
counted, and a visitor who keeps their cookie counts once. IPv6 addresses count by their /64,
which one subscriber holds whole.
"""
from __future__ import annotations

import ipaddress
import math
import re
import time
from contextlib import suppress

from flask import Flask, abort, g, render_template, request, session
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user
from limits import parse_many

from .request_log import refuse

# Every form a stranger can send, counted together by address.
PER_ADDRESS = "20 per minute; 200 per hour; 1000 per day"
ANONYMOUS_FORMS = (
    "creation.request_code", "creation.create", "creation.check",
    "auth.login", "auth.login_code", "auth.resend_login_code",
    "auth.forgotten_password", "auth.forgotten_password_code", "auth.resend_reset_code",
    "auth.forgotten_password_new", "auth.forgotten_identifier",
    "pro.login", "pro.login_code", "pro.resend_login_code", "pro.activation",
    "carer.login", "carer.login_code", "carer.resend_login_code",
    "carer.accept", "carer.invitation", "carer.new_contact", "carer.new_password", "carer.new_account_code",
    "carer.resend_new_account_code",
    "carer.forgotten_password", "carer.forgotten_password_code", "carer.resend_reset_code",
    "carer.forgotten_password_new",
)
# endpoint -> (the form field naming the target, the limit, counted with the address too?)
# A field of None: the target is in the session, and the blueprint puts it in g.limit_target
# (« Créer votre DMP » asks its questions one per page: the NIR is sent before the creation).
PER_TARGET = {
    "creation.request_code": ("nir", "5 per hour; 10 per day", False),
    "creation.check": (None, "10 per hour", False),
    "auth.forgotten_password": ("login_id", "5 per hour; 10 per day", False),
    "auth.forgotten_identifier": ("nir", "5 per hour; 10 per day", False),
    "auth.login": ("login_id", "10 per 10 minutes", True),
    "pro.login": ("login_id", "10 per 10 minutes", True),
    "carer.login": ("login_id", "10 per 10 minutes", True),
    "carer.forgotten_password": ("login_id", "5 per hour; 10 per day", False),
    # a new carer's account sends its first code to the contact typed a page before (sealed): one
    # invitation's code, never used up before the end, must not make it a sender to one stranger
    "carer.new_password": (None, "5 per hour; 10 per day", False),
}


# New sessions, by address. Generous: a visitor keeps their session after the first page, and a
# caisse, a hospital or a mobile network may put many people behind one address.
NEW_SESSIONS_PER_ADDRESS = "120 per minute; 2000 per hour; 20000 per day"
NEVER_REFUSED = {"static", "ops.health_check"}  # the load balancer's probe, the stylesheet


def address_block() -> str:
    """The client's address, or its /64 for IPv6 (a subscriber picks any address in it)."""
    address = client_address()
    if ":" in address:
        with suppress(ValueError):
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def client_address() -> str:
    """The client's address: behind the trusted proxies of DMP_TRUSTED_PROXIES, the real one."""
    return request.remote_addr or "unknown"


def _target_key(field: str, with_address: bool):
    def key() -> str:
        # spaces, dots and case do not make a new target: «1 85 07…» is «18507…»
        typed = request.form.get(field, "") if field else g.get("limit_target", "")
        target = re.sub(r"[\s.\-]", "", typed).lower()[:64]
        return f"{client_address()}|{target}" if with_address else target
    return key


def init_app(app: Flask) -> Limiter:
    settings = app.config["DMP_SETTINGS"]
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.ratelimit_storage_url)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "dmp")
    limiter = Limiter(client_address, app=app)
    _limit_anonymous_forms(app, limiter)
    _limit_secret_forms(app, limiter)
    _answer_too_many(app, limiter)
    _limit_new_sessions(app, limiter)
    app.extensions["dmp.limiter"] = limiter
    return limiter


def _limit_anonymous_forms(app: Flask, limiter: Limiter) -> None:
    for endpoint in ANONYMOUS_FORMS:
        view = app.view_functions[endpoint]
        if endpoint in PER_TARGET:
            field, limit, with_address = PER_TARGET[endpoint]
            view = limiter.limit(limit, key_func=_target_key(field, with_address), methods=["POST"],
                                 scope=f"target:{endpoint}")(view)
        view = limiter.shared_limit(PER_ADDRESS, scope="anonymous-forms", methods=["POST"])(view)
        app.view_functions[endpoint] = view


# Forms where a logged-in person opens someone else's DMP without its patient online: counted by
# account (a stolen account must not run through them by the thousand) and by address.
# - a sharing code (domain/sharing.py) with the patient's birth date: a right code is typed once or
#   twice; 10 tries an hour leave room for typing errors, not for guessing;
# - bris de glace, which also sends messages and letters to the patient and their close ones: a
#   SAMU regulator takes many calls in a shift, so the limits are wide; a hospital's staff share
#   one address;
# - « Aider une personne qui a déjà un DMP »: a desk agent types a NIR and a card's serial. A desk
#   sees about 1 person every 10 minutes, with a typing error now and then; a stolen agent
#   account must not scan NIRs (the same refusal for every wrong card tells nothing either).
SECRET_FORMS = {
    "sharing.use": ("10 per hour; 30 per day", "30 per hour; 100 per day"),
    "pro.emergency": ("30 per hour; 200 per day", "300 per hour; 2000 per day"),
    "desk_help.find": ("20 per hour; 60 per day", "60 per hour; 300 per day"),
    # « Mes aidants »: an invitation sends an SMS or an e-mail to the number or address typed. 3
    # carers at most, but cancelling and inviting again in a loop must not make a stolen account
    # a sender of messages to strangers
    "carers_patient.check": ("10 per hour; 20 per day", "60 per hour; 300 per day"),
}


def _account_key() -> str:
    return f"account|{current_user.get_id() or 'anonymous'}"


def _limit_secret_forms(app: Flask, limiter: Limiter) -> None:
    for endpoint, (per_account, per_address) in SECRET_FORMS.items():
        view = app.view_functions[endpoint]
        view = limiter.limit(per_account, key_func=_account_key, methods=["POST"], scope=f"account:{endpoint}")(view)
        view = limiter.limit(per_address, key_func=address_block, methods=["POST"], scope=f"address:{endpoint}")(view)
        app.view_functions[endpoint] = view


def _answer_too_many(app: Flask, limiter: Limiter) -> None:
    @app.errorhandler(429)  # a RateLimitExceeded of the limiter, or any other 429
    def too_many(error):
        refuse("rate_limit")
        current = limiter.current_limit if isinstance(error, RateLimitExceeded) else None
        retry_at = current.reset_at if current else g.get("retry_at")
        wait = max(1, math.ceil(retry_at - time.time())) if retry_at else 60
        minutes = max(1, math.ceil(wait / 60))
        response = app.make_response((render_template("pages/errors/too_many.html", minutes=minutes), 429))
        response.headers["Retry-After"] = str(wait)
        return response


def _limit_new_sessions(app: Flask, limiter: Limiter) -> None:
    new_sessions = parse_many(NEW_SESSIONS_PER_ADDRESS)

    @app.before_request
    def refuse_new_sessions_over_the_limit():
        """A visitor without a session, from an address that opened too many: refused before
        the page is made (pages that open no session are not counted, but refused alike)."""
        if (not app.config.get("RATELIMIT_ENABLED", True) or request.endpoint in NEVER_REFUSED
                or getattr(session, "record", None) is not None):
            return
        block = address_block()
        for item in new_sessions:
            if not limiter.limiter.test(item, "new-sessions", block):
                g.retry_at = limiter.limiter.get_window_stats(item, "new-sessions", block).reset_time
                abort(429)

    def count_new_session() -> None:  # called by the session interface when it stores a new one
        if app.config.get("RATELIMIT_ENABLED", True):
            for item in new_sessions:
                limiter.limiter.hit(item, "new-sessions", address_block())

    app.extensions["dmp.count_new_session"] = count_new_session
