"""What every use case needs: repositories, the register, the notifier and a clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from collections.abc import Callable

from ..domain.help_line import HelpLine
from ..domain.helped_visit import Helper
from ..notify import Notifier
from .ports import Repositories
from .register_import import Register


@dataclass
class Context:
    repos: Repositories  # the store's ports: the embedded store, or the fakes of the tests
    register: Register
    notifier: Notifier
    clock: Callable[[], datetime]
    site_url: str = "http://127.0.0.1:5000"
    otp_pepper: bytes = b""  # the key one-time codes are hashed with (deps.ctx derives it); empty: refused
    help_line: HelpLine = HelpLine()  # printed on every letter (services/holder.py letter_context)
    # « Je me fais aider »: who sits beside the patient now (deps.ctx reads the session); every
    # entry of the patient's side names them (services/holder.py holder_entry, dossier_access.act)
    helper: Helper | None = None

    def now(self) -> datetime:
        return self.clock()
