"""How a line of the national directory of health professionals (the public RPPS extract,
« PS_LibreAcces_Personne_activite ») becomes one of our professionals.

The extract names professions by the code of the table TRE_G15 and specialties by their label;
only what is mapped here is imported. Anything else is listed for the operator, never guessed.
"""
from __future__ import annotations

import re
import unicodedata

from .actors import Profession

# TRE_G15 « profession de santé »: the codes of the professions the DMP knows.
PROFESSION_CODES = {
    "10": Profession.MEDECIN,
    "21": Profession.PHARMACIEN,
    "40": Profession.CHIRURGIEN_DENTISTE,
    "50": Profession.SAGE_FEMME,
    "60": Profession.INFIRMIER,
    "70": Profession.MASSEUR_KINESITHERAPEUTE,
}

# Labels of the specialties of médecins, as the extract writes them (accents and case do not
# matter), to our specialty codes.
SPECIALTY_LABELS = {
    "medecine generale": "medecine_generale",
    "specialiste en medecine generale": "medecine_generale",
    "qualifie en medecine generale": "medecine_generale",
    "cardiologie et maladies vasculaires": "cardiologie",
    "pathologies cardio-vasculaires": "cardiologie",
    "medecine d'urgence": "medecine_urgence",
    "medecine d urgence": "medecine_urgence",
    "pediatrie": "pediatrie",
    "gynecologie-obstetrique": "gynecologie_obstetrique",
    "gynecologie obstetrique": "gynecologie_obstetrique",
    "gyneco-obstetrique et gyneco medicale": "gynecologie_obstetrique",
    "geriatrie": "geriatrie",
    "psychiatrie": "psychiatrie",
    "radio-diagnostic": "radiologie",
    "radiodiagnostic et imagerie medicale": "radiologie",
    "radiologie et imagerie medicale": "radiologie",
    "anesthesie-reanimation": "anesthesie_reanimation",
    "anesthesiologie-reanimation chirurgicale": "anesthesie_reanimation",
    "chirurgie orthopedique et traumatologie": "chirurgie_orthopedique",
    "dermatologie et venereologie": "dermatologie",
    "pneumologie": "pneumologie",
}
# A médecin du travail never reads a DMP (the law keeps occupational medicine out): not imported.
OCCUPATIONAL_SPECIALTY = "medecine du travail"

_LOWER_PARTICLES = {"de", "du", "des", "la", "le", "d", "l", "van", "von", "den", "der"}


def plain_label(label: str) -> str:
    """Lower case, no accents, one space: how two spellings of one label compare."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


def specialty_of(label: str) -> str | None:
    return SPECIALTY_LABELS.get(plain_label(label))


def person_name(first_name: str, last_name: str, is_doctor: bool) -> str:
    """« Dr Marie Durand » from « Marie » and « DURAND »: the extract writes family names in
    capitals, which are hard to read (easy-to-read French), so each part gets one capital."""
    full = f"{_one_capital(first_name)} {_one_capital(last_name)}".strip()
    return f"Dr {full}" if is_doctor else full


def _one_capital(text: str) -> str:
    parts = re.split(r"([\s\-'’]+)", text.strip())
    out = []
    for index, part in enumerate(parts):
        if not part or re.fullmatch(r"[\s\-'’]+", part):
            out.append(part)
        elif index > 0 and part.lower() in _LOWER_PARTICLES:
            out.append(part.lower())
        else:
            out.append(part[:1].upper() + part[1:].lower())
    return "".join(out)


def place_name(site: str, town: str) -> str:
    """« Cabinet médical, Paris »: the place of practice as the patient reads it."""
    return ", ".join(part for part in (_one_capital(site) if site.isupper() else site.strip(),
                                       _one_capital(town)) if part)
