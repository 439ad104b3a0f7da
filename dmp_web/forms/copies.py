"""Forms of «Copie de mon DMP»."""
from __future__ import annotations

from flask_wtf import FlaskForm


class CopyByPostForm(FlaskForm):
    """Only a button: the confirmation page shows the address and the date before it is sent."""
