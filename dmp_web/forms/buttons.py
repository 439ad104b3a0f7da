"""A question answered by pressing one of its buttons (« Oui » / « Non »), never by a default.

A radio group with no default is pre-selected on its first choice by some browsers (lynx), so a
« Valider » left untouched saved « Oui ». Here each answer is a submit button carrying the
field's name and the answer's value (GOV.UK pattern: one question per page): only a press sends
an answer, and a POST without one, or with a value not offered, is refused with our message."""
from __future__ import annotations

from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

YES_NO = [SelectChoice("yes", "Oui"), SelectChoice("no", "Non")]


class ButtonChoiceField(Field):
    """Rendered by the macro `buttons` of templates/macros/forms.html; data is a choice's value or None."""

    type = "ButtonChoiceField"

    def __init__(self, label=None, validators=None, *, choices=None, message: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices = list(choices or YES_NO)
        self.message = message or "Appuyez sur l’un des boutons pour répondre"
        self.flags.required = True

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            self.data = None
            raise StopValidation(self.message)

    def button_id(self, value: str) -> str:
        return f"{self.id}-{value}"


def yes_or_no(label: str, description: str = "", message: str = "Appuyez sur Oui ou sur Non") -> ButtonChoiceField:
    return ButtonChoiceField(label, description=description, message=message)
