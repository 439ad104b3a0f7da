"""French telephone numbers as people type them: one reading for forms, accounts and the SMS sender."""
from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-\u00a0]")


class BadPhone(ValueError):
    """code: "empty", "characters", "length" (with `length`), "prefix"."""

    def __init__(self, code: str, length: int = 0):
        super().__init__(code)
        self.code = code
        self.length = length


def read_phone(raw: str | None, *, mobile: bool) -> str:
    """The 10 digits of a French number typed with spaces, dots or dashes, or as +33.

    mobile: a mobile number (06 or 07), the only kind that receives SMS; else any number that
    starts with 0 and a digit from 1 to 9."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    if not digits:
        raise BadPhone("empty")
    if not (digits.isascii() and digits.isdigit()):
        raise BadPhone("characters")
    if len(digits) != 10:
        raise BadPhone("length", len(digits))
    if not (digits[:2] in ("06", "07") if mobile else digits[0] == "0" and digits[1] != "0"):
        raise BadPhone("prefix")
    return digits
