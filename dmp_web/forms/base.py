"""The base of every form: what a session's end kept comes back into the form.

A form posted after the session ended (too long without a request) is kept, sealed, for an hour
and for that account only (web/auth.py); after logging in again, the person lands on the same
page and the form shows what they had written (WCAG 2.2.1: nothing typed is lost)."""
from __future__ import annotations

from flask import g, request, session
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict
from wtforms.i18n import get_translations

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


class FrenchMessages:
    """WTForms' own messages, which a forged or odd request can bring to a page, in French: ours
    for those a person may meet (in easy French, with the French apostrophe), else WTForms'
    French translation. Every field of ours has its own messages; these are the fallback."""

    OURS = {
        "Not a valid choice.": "Ce choix n’est pas dans la liste. Choisissez une des réponses.",
        "Not a valid choices.": "Un de ces choix n’est pas dans la liste. Choisissez dans la liste.",
        "Invalid Choice: could not coerce.": "Ce choix n’est pas dans la liste. Choisissez une des réponses.",
        "This field is required.": "Répondez à cette question.",
        "Invalid input.": "Ce que vous avez écrit ne va pas. Vérifiez-le.",
    }

    def __init__(self):
        self._wtforms = get_translations(["fr"])

    def gettext(self, message: str) -> str:
        return self.OURS.get(message) or self._wtforms.gettext(message).replace("'", "’")

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._wtforms.ngettext(singular, plural, n).replace("'", "’")


FRENCH = FrenchMessages()


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return FRENCH  # no Babel here: WTForms would answer in English
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and not _is_submitted():
                kept = kept_formdata()
                if kept is not None:
                    return kept
            return super().wrap_formdata(form, formdata)
