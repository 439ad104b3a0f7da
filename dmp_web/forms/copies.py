"""Forms of «Copie de mon DMP»."""
from __future__ import annotations

from .base import Form


class CopyForm(Form):
    """Only a button, to ask for a copy: a POST, so a link followed by accident asks for nothing.
    The confirmation page of the post shows the address and the date before it is sent."""
