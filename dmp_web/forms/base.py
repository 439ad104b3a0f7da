"""The base of every form: what a session's end kept comes back into the form.

A form posted after the session ended (too long without a request) is kept, sealed, for an hour
and for that account only (web/auth.py); after logging in again, the person lands on the same
page and the form shows what they had written (WCAG 2.2.1: nothing typed is lost)."""
from __future__ import annotations

from flask import g, request, session
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict

KEPT_FORM = "kept_form"  # session key: {"path": …, "form": {name: [values]}}


def kept_formdata() -> MultiDict | None:
    """The kept values for this page, once: the first form that asks takes them."""
    if "kept_formdata" not in g:
        kept = session.get(KEPT_FORM)
        g.kept_formdata = None
        if kept and kept.get("path") == request.path:
            session.pop(KEPT_FORM)
            g.kept_formdata = MultiDict([(name, value) for name, values in kept["form"].items()
                                         for value in values])
    return g.kept_formdata


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and not _is_submitted():
                kept = kept_formdata()
                if kept is not None:
                    return kept
            return super().wrap_formdata(form, formdata)
