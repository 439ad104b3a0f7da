"""The help line: a telephone number and its hours (DMP_HELP_PHONE, DMP_HELP_HOURS), printed on
every letter, the guides and their booklets, the contact page and the error pages."""
from __future__ import annotations

import re
from dataclasses import dataclass

# The line the DMP's own leaflets and letters name (seed 000_f8adec4ce39b194d).
DEFAULT_PHONE = "0 810 331 133"
DEFAULT_HOURS = "du lundi au vendredi, de 8 h 30 à 17 h 30"
HOURS_MAX = 80
_PHONE = re.compile(r"^(0[1-9][0-9]{8}|3[0-9]{3})$")  # 10 digits, or a short number such as 3646


@dataclass(frozen=True)
class HelpLine:
    phone: str = DEFAULT_PHONE
    hours: str = DEFAULT_HOURS

    @property
    def tel(self) -> str:
        """The number for a tel: link (a mobile phone calls it in one touch)."""
        return "tel:" + re.sub(r"\s", "", self.phone)

    def problems(self) -> list[str]:
        """What is wrong with the settings, one French sentence each, for the operator."""
        found = []
        if not _PHONE.fullmatch(re.sub(r"[\s.]", "", self.phone)):
            found.append("DMP_HELP_PHONE : écrivez un numéro de 10 chiffres qui commence par 0, "
                         "ou un numéro court de 4 chiffres qui commence par 3.")
        if not self.hours.strip() or len(self.hours) > HOURS_MAX:
            found.append(f"DMP_HELP_HOURS : écrivez les horaires en {HOURS_MAX} caractères au plus. "
                         f"Par exemple : {DEFAULT_HOURS}.")
        return found
