"""The matrice d'habilitation: what each profession may read and write, by document type; which
professions may open a dossier in an emergency; who may be shown each of the patient's wishes.

The matrix is the last rule of the access policy (`access.decide`): the médecin traitant, a
document's author, hidden documents and emergencies are decided before it. An emergency access
never widens it. The pages that explain these rights to patients are built from these tables.
"""
from __future__ import annotations

from .actors import Profession
from .documents import DOCUMENT_TYPES
from .wishes import WishItem

READ = "read"
WRITE = "write"
R = frozenset({READ})
RW = frozenset({READ, WRITE})

# Why these choices: médecins read and write every medical type; every other profession reads
# what it needs to treat and to avoid harm (the synthèse, prescriptions or dispensations that
# interact with its own acts, biology that changes a dose) and writes only what it produces
# itself — pharmaciens dispense and vaccinate, infirmiers write care notes and vaccinate, kinés
# write their assessment as a consultation report and read the operative report to rehabilitate
# after surgery, sages-femmes and chirurgiens-dentistes prescribe, biologistes produce results.
# Every profession reads what the patient added, since patients add it for their carers
# (an allergy, a reaction to a drug); no profession writes it, it is the patient's own type.
# Directives anticipées are read by those who may face end-of-life decisions (médecins,
# infirmiers) and written only by médecins, who deposit the copy the patient gave them.
MATRIX: dict[Profession, dict[str, frozenset[str]]] = {
    Profession.MEDECIN: {
        "medical_summary": RW,
        "hospital_report": RW,
        "consultation_report": RW,
        "operative_report": RW,
        "nursing_note": RW,
        "lab_results": RW,
        "imaging_report": RW,
        "medication_prescription": RW,
        "medication_dispensation": RW,
        "vaccinations": RW,
        "advance_directives": RW,
        "patient_note": R,
    },
    Profession.PHARMACIEN: {
        "medical_summary": R,
        "lab_results": R,
        "medication_prescription": R,
        "medication_dispensation": RW,
        "vaccinations": RW,
        "patient_note": R,
    },
    Profession.INFIRMIER: {
        "medical_summary": R,
        "nursing_note": RW,
        "lab_results": R,
        "medication_prescription": R,
        "vaccinations": RW,
        "advance_directives": R,
        "patient_note": R,
    },
    Profession.MASSEUR_KINESITHERAPEUTE: {
        "medical_summary": R,
        "hospital_report": R,
        "consultation_report": RW,
        "operative_report": R,
        "imaging_report": R,
        "patient_note": R,
    },
    Profession.SAGE_FEMME: {
        "medical_summary": R,
        "hospital_report": R,
        "consultation_report": RW,
        "operative_report": R,
        "lab_results": R,
        "imaging_report": R,
        "medication_prescription": RW,
        "medication_dispensation": R,
        "vaccinations": RW,
        "patient_note": R,
    },
    Profession.CHIRURGIEN_DENTISTE: {
        "medical_summary": R,
        "consultation_report": RW,
        "lab_results": R,
        "imaging_report": RW,
        "medication_prescription": RW,
        "medication_dispensation": R,
        "patient_note": R,
    },
    Profession.BIOLOGISTE: {
        "medical_summary": R,
        "lab_results": RW,
        "medication_prescription": R,
        "medication_dispensation": R,
        "patient_note": R,
    },
}

# The same rights in plain words, for the page that explains them to patients (FALC).
PLAIN_WORDS: dict[Profession, str] = {
    Profession.MEDECIN: (
        "Les médecins peuvent lire tous vos documents. "
        "Ils peuvent ajouter tous les documents médicaux."
    ),
    Profession.PHARMACIEN: (
        "Les pharmaciens peuvent lire votre synthèse médicale, vos résultats de biologie, "
        "vos ordonnances, vos médicaments délivrés et vos vaccinations. "
        "Ils peuvent ajouter les médicaments délivrés et les vaccinations."
    ),
    Profession.INFIRMIER: (
        "Les infirmiers peuvent lire votre synthèse médicale, les notes de soins, "
        "vos résultats de biologie, vos ordonnances, vos vaccinations et vos directives anticipées. "
        "Ils peuvent ajouter des notes de soins et des vaccinations."
    ),
    Profession.MASSEUR_KINESITHERAPEUTE: (
        "Les masseurs-kinésithérapeutes peuvent lire votre synthèse médicale, "
        "les comptes rendus d'hospitalisation, de consultation et d'opération, et votre imagerie. "
        "Ils peuvent ajouter des comptes rendus de consultation."
    ),
    Profession.SAGE_FEMME: (
        "Les sages-femmes peuvent lire votre synthèse médicale, "
        "les comptes rendus d'hospitalisation, de consultation et d'opération, "
        "vos résultats de biologie, votre imagerie, vos ordonnances, vos médicaments délivrés "
        "et vos vaccinations. "
        "Elles peuvent ajouter des comptes rendus de consultation, des ordonnances et des vaccinations."
    ),
    Profession.CHIRURGIEN_DENTISTE: (
        "Les chirurgiens-dentistes peuvent lire votre synthèse médicale, "
        "les comptes rendus de consultation, vos résultats de biologie, votre imagerie, "
        "vos ordonnances et vos médicaments délivrés. "
        "Ils peuvent ajouter des comptes rendus de consultation, de l'imagerie et des ordonnances."
    ),
    Profession.BIOLOGISTE: (
        "Les biologistes peuvent lire votre synthèse médicale, vos résultats de biologie, "
        "vos ordonnances et vos médicaments délivrés. "
        "Ils peuvent ajouter des résultats de biologie."
    ),
}


def allows(profession: Profession | str, type_code: str, right: str) -> bool:
    """Whether the matrix gives this right ("read" or "write") on this document type."""
    return right in MATRIX[Profession(profession)].get(type_code, frozenset())


def types_with(profession: Profession | str, right: str) -> list[str]:
    """The document type codes a profession may read (or write), in catalogue order."""
    return [code for code in DOCUMENT_TYPES if allows(profession, code, right)]


# -- emergencies --------------------------------------------------------------------------------

# Bris de glace is for the professions that care for a patient whose life is in danger right now:
# médecins (emergency rooms, SMUR, any doctor on the spot), infirmiers (emergency and intensive
# care nurses, nurses at home who find a patient unwell) and sages-femmes (an emergency in the
# delivery room). Pharmaciens, kinés, dentistes and biologistes do not treat a life-threatening
# emergency themselves: they call the 15, whose regulator has its own access. Even then, the
# access reads only what the matrix gives the profession.
BREAK_GLASS_PROFESSIONS = frozenset({Profession.MEDECIN, Profession.INFIRMIER, Profession.SAGE_FEMME})


def may_break_glass(profession: Profession | str) -> bool:
    return Profession(profession) in BREAK_GLASS_PROFESSIONS


# -- the wishes ---------------------------------------------------------------------------------

# Why these choices. Blood group and allergies: every profession, since each gives a drug, an
# injection, a test or a care that an allergy can forbid. The people to call: the professions
# that may face an emergency (those of bris de glace), who must warn someone or ask the trusted
# person when the patient cannot speak. Typed directives anticipées: the same professions as the
# directives file of the matrix (médecins, infirmiers), so the two never disagree. Organ donation:
# médecins only, who alone speak with the family about it.
WISH_READERS: dict[WishItem, frozenset[Profession]] = {
    WishItem.HEALTH_FACTS: frozenset(Profession),
    WishItem.TRUSTED_PERSON: BREAK_GLASS_PROFESSIONS,
    WishItem.EMERGENCY_CONTACT: BREAK_GLASS_PROFESSIONS,
    WishItem.ADVANCE_DIRECTIVES: frozenset(p for p in Profession if allows(p, "advance_directives", READ)),
    WishItem.ORGAN_DONATION: frozenset({Profession.MEDECIN}),
}


def may_see_wish(profession: Profession | str, item: WishItem | str) -> bool:
    return Profession(profession) in WISH_READERS[WishItem(item)]


def professions_in_words(professions: frozenset[Profession]) -> str:
    """«les médecins, les infirmiers et les sages-femmes», in the order of Profession."""
    names = [PLURALS[p] for p in Profession if p in professions]
    if len(names) == len(Profession):
        return "tous les soignants"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def wish_readers_in_words(item: WishItem | str) -> str:
    """Who may be shown this item of the wishes, in words (besides the médecin traitant)."""
    return professions_in_words(WISH_READERS[WishItem(item)])


PLURALS = {
    Profession.MEDECIN: "les médecins",
    Profession.PHARMACIEN: "les pharmaciens",
    Profession.INFIRMIER: "les infirmiers",
    Profession.MASSEUR_KINESITHERAPEUTE: "les kinés",
    Profession.SAGE_FEMME: "les sages-femmes",
    Profession.CHIRURGIEN_DENTISTE: "les dentistes",
    Profession.BIOLOGISTE: "les biologistes",
}
