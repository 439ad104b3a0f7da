"""Forms of «Copie de mon DMP»."""
from __future__ import annotations

from .base import Form


class CopyByPostForm(Form):
    """Only a button: the confirmation page shows the address and the date before it is sent."""
