"""Flask sessions kept on the server (dmp_web/store/sessions.py): the cookie carries only a
random id, so logging out, a password change or an operator can end a session for good, and a
copied cookie opens nothing afterwards.

Expiry: after DMP_SESSION_IDLE_MINUTES without a request (the record stays, marked, so the
next request can journal the end and say so), and at most SESSION_MAX_AGE after login.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from ..domain.accounts import SESSION_MAX_AGE
from ..store.sessions import SessionRecord, session_digest

_ID = re.compile(r"[A-Za-z0-9_-]{43}")
# last use is written at most this often when nothing else changed: not a write per request
TOUCH_EVERY = timedelta(seconds=30)
NOT_A_USE = {"auth.session_notice", "static"}


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, data=None, session_id: str | None = None, record: SessionRecord | None = None):
        def on_update(self):
            self.modified = True

        super().__init__(data or {}, on_update)
        self.session_id = session_id
        self.record = record
        self.modified = False
        self.rotate = False  # a new id at login: an id known before it opens nothing after
        self.idle_expired = False


def rotate(session) -> None:
    """Give the session a new id when it is next saved (login)."""
    session.rotate = True
    session.modified = True


def current_digest(session) -> str | None:
    return session_digest(session.session_id) if getattr(session, "session_id", None) else None


def device_of(user_agent: str) -> str:
    """A few words a person recognises: «Firefox, Windows»; never the whole header."""
    ua = user_agent.lower()
    browser = next((name for token, name in (("edg/", "Edge"), ("firefox", "Firefox"), ("chrome", "Chrome"),
                                             ("chromium", "Chromium"), ("safari", "Safari"), ("lynx", "Lynx"),
                                             ("w3m", "w3m")) if token in ua), "Navigateur")
    system = next((name for token, name in (("android", "Android"), ("iphone", "iPhone"), ("ipad", "iPad"),
                                            ("windows", "Windows"), ("mac os", "Mac"), ("linux", "Linux"))
                   if token in ua), "")
    return f"{browser}, {system}" if system else browser


class StoreSessionInterface(SessionInterface):
    def _repo(self, app):
        return app.extensions["dmp.repos"].sessions

    def open_session(self, app, request):
        session_id = request.cookies.get(self.get_cookie_name(app), "")
        if not _ID.fullmatch(session_id):
            return ServerSession()
        record = self._repo(app).get(session_digest(session_id))
        if record is None:
            return ServerSession()
        now = app.extensions["dmp.clock"]()
        session = ServerSession(record.data, session_id, record)
        idle = timedelta(minutes=app.config["DMP_SETTINGS"].session_idle_minutes)
        # kept with its data, so that the end is journaled and said; it opens nothing any more
        session.idle_expired = now - record.last_seen > idle or now - record.created_at > SESSION_MAX_AGE
        return session

    def save_session(self, app, session, response):
        repo = self._repo(app)
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        now = app.extensions["dmp.clock"]()
        old = session.record
        if not session:
            if session.session_id:
                repo.delete(session_digest(session.session_id))
                response.delete_cookie(name, domain=domain, path=path, secure=self.get_cookie_secure(app),
                                       httponly=True, samesite=self.get_cookie_samesite(app))
            return
        fresh_id = session.session_id is None or session.rotate
        # asking whether the session ends soon must not keep it open
        not_a_use = request.endpoint in NOT_A_USE and old is not None and not fresh_id
        if not_a_use and not session.modified:
            return
        stale = old is None or now - old.last_seen >= TOUCH_EVERY
        if not (fresh_id or session.modified or stale):
            return
        if old is not None and not fresh_id and repo.get(session_digest(session.session_id)) is None:
            return  # ended meanwhile (a password reset, « fermer les autres sessions »): never brought back
        if session.rotate and session.session_id:
            repo.delete(session_digest(session.session_id))
            old = None
        session_id = secrets.token_urlsafe(32) if fresh_id else session.session_id
        record = SessionRecord(
            created_at=old.created_at if old else now,
            last_seen=old.last_seen if not_a_use else now,
            account=str(session.get("_user_id", "")),
            device=old.device if old else device_of(request.headers.get("User-Agent", "")),
            data=dict(session),
        )
        if old is None and session.session_id is None:  # a new visitor's first session: counted
            counter = app.extensions.get("dmp.count_new_session")
            if counter is not None:
                counter()
        repo.put(session_digest(session_id), record, previous_account=old.account if old else None)
        session.session_id, session.record, session.rotate = session_id, record, False
        if fresh_id:
            response.set_cookie(name, session_id, httponly=True, secure=self.get_cookie_secure(app),
                                samesite=self.get_cookie_samesite(app), domain=domain, path=path)
        response.vary.add("Cookie")
