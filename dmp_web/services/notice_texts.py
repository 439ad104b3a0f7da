"""The words of the notices of services/notices.py: SMS, e-mails and the letter's lines, in easy
French (short sentences, one idea each, numbers in digits).

What goes in: who (the professional's name and profession), when (date and hour in France),
which kind of access, and the reason the professional typed (see `reason_words`). Never a
document's title or content: no function here is ever given one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.access import EmergencyKind
from ..domain.actors import Profession, Professional, SPECIALTIES
from ..domain.notices import Opening
from ..formatting import date_fr, de, time_fr

SIGNATURE = "L’Assurance Maladie"
# The glossary's words for the hard words of the messages (content/glossary.yaml): a message is
# read alone, so it explains them itself, but in an SMS, which stays short.
DMP_MEANS = "Le DMP est votre carnet de santé sur internet."
DMP_OF_SOMEONE = "Le DMP est le carnet de santé sur internet."
BREAK_GLASS_MEANS = "Le bris de glace veut dire qu’un soignant ouvre un dossier en urgence."
TRUSTED_PERSON_MEANS = "La personne de confiance est un proche qui parle pour le patient aux médecins."
NOT_NORMAL = "Ce n’est pas normal ? Appelez votre caisse d’assurance maladie."
SMS_REASON_MAX = 120  # an SMS stays short: a longer reason is cut, the history has it whole
TIMES_SHOWN = 3  # a professional who opened the DMP more often: the first and last times


def professional_words(professional: Professional) -> str:
    """«le docteur Marie Durand (médecin)», «Paul Bernard (infirmier)»: who, and their job."""
    if professional.profession is Profession.MEDECIN:
        name = professional.name.removeprefix("Dr ").strip()
        job = professional.profession_label
        if professional.specialty and professional.specialty != "medecine_generale":
            job = f"{job}, {SPECIALTIES[professional.specialty]}"
        return f"{professional.doctor_title} {name} ({job})"
    return f"{professional.name} ({professional.profession_label})"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def when_words(at: datetime) -> str:
    """«le 23 novembre 2026 à 10 h 05», on French time."""
    return f"le {date_fr(at)} à {time_fr(at)}"


# The reason the professional typed goes in the messages, as they wrote it, between quotes.
# Why: the notice is there so that an access nobody asked for is seen at once, and a reason
# that does not hold («vérification», a name) is what shows it; the patient reads the same
# words in the history of accesses; the professional wrote them knowing that the patient reads
# them (the emergency page says so); and the trusted person gets them only when the patient
# ticked the box, on a page that says what the message holds. It is one line (line breaks
# removed, so it cannot pass for our own text), and in an SMS it is cut to 120 characters.
def reason_words(reason: str, limit: int | None = None) -> str:
    line = " ".join(reason.split())
    if limit is not None and len(line) > limit:
        line = line[:limit - 1].rstrip() + "…"
    return f"« {line} »"


# -- emergency accesses ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EmergencyTold:
    """What every notice of one emergency access says."""

    who: str  # professional_words
    at: datetime
    kind: EmergencyKind
    reason: str
    patient_name: str = ""  # for the médecin traitant and the trusted person: whose DMP it is
    patient_sex: str = ""  # "F" or "M", as the register says: «votre patiente», «votre patient»

    @property
    def how(self) -> str:
        if self.kind is EmergencyKind.REGULATOR:
            return "C’était pendant un appel au 15. Ce médecin répond aux appels du Centre 15."
        return "C’était un accès « bris de glace ». " + BREAK_GLASS_MEANS


def emergency_sms_to_holder(told: EmergencyTold) -> str:
    return (f"DMP - Votre DMP a été ouvert en urgence {when_words(told.at)}. "
            f"Par : {told.who}. {told.how} Raison : {reason_words(told.reason, SMS_REASON_MAX)}. {NOT_NORMAL}")


EMERGENCY_SUBJECT = "Votre DMP a été ouvert en urgence"


def emergency_email_to_holder(told: EmergencyTold, site_url: str) -> str:
    return (f"Bonjour,\n\n"
            f"Votre DMP a été ouvert en urgence {when_words(told.at)}.\n"
            f"{DMP_MEANS}\n"
            f"Par : {told.who}.\n"
            f"{told.how}\n"
            f"Sa raison : {reason_words(told.reason)}.\n\n"
            "Cet accès dure 24 heures.\n"
            "Il est écrit dans l’historique de votre DMP.\n"
            f"Pour le lire, connectez-vous : {site_url}/connexion\n\n"
            f"{NOT_NORMAL}\n\n{SIGNATURE}\n")


def emergency_letter_lines(told: EmergencyTold) -> list[str]:
    """The letter's paragraphs (templates/pdf/emergency_notice_letter.html prints them)."""
    return [f"Votre DMP a été ouvert en urgence {when_words(told.at)}.", DMP_MEANS, f"Par : {told.who}.", told.how,
            f"Sa raison : {reason_words(told.reason)}."]


def emergency_sms_to_others(told: EmergencyTold, role: str) -> str:
    """To the médecin traitant («votre patient») or the trusted person («la personne»)."""
    return (f"DMP - {_whose(told, role)} a été ouvert en urgence. C’était {when_words(told.at)}. "
            f"Par : {told.who}. Raison : {reason_words(told.reason, SMS_REASON_MAX)}.")


def emergency_subject_to_others(told: EmergencyTold) -> str:
    return f"Le DMP {de(told.patient_name)} a été ouvert en urgence"


def emergency_email_to_others(told: EmergencyTold, role: str) -> str:
    why = ("Vous êtes son médecin traitant. Le médecin traitant est le médecin choisi par le patient."
           if role == "attending_doctor"
           else f"Vous êtes la personne de confiance {de(told.patient_name)}. {TRUSTED_PERSON_MEANS}\n"
                f"C’est votre proche, {told.patient_name}, qui nous a demandé de vous prévenir.")
    return (f"Bonjour,\n\n"
            f"{_whose(told, role)} a été ouvert en urgence.\n"
            f"{DMP_OF_SOMEONE}\n"
            f"C’était {when_words(told.at)}.\n"
            f"Par : {told.who}.\n"
            f"{told.how}\n"
            f"Sa raison : {reason_words(told.reason)}.\n\n"
            f"{why}\n\n{SIGNATURE}\n")


def _whose(told: EmergencyTold, role: str) -> str:
    patient = "votre patiente" if told.patient_sex == "F" else "votre patient"
    return (f"Le DMP de {patient} {told.patient_name}" if role == "attending_doctor"
            else f"Le DMP {de(told.patient_name)}")


# -- the hourly message: who opened the DMP ------------------------------------------------------

OPENINGS_SUBJECT = "Un soignant a ouvert votre DMP"


def _minutes(opening: Opening) -> list[datetime]:
    """Each opening's minute once (a professional reads several pages in a minute)."""
    kept: list[datetime] = []
    for at in opening.times:
        if not kept or (date_fr(at), time_fr(at)) != (date_fr(kept[-1]), time_fr(kept[-1])):
            kept.append(at)
    return kept


def opening_line(opening: Opening) -> str:
    """«Hugo Bernard (infirmier) : le 23 novembre 2026 à 10 h 00.»; for several times, how many,
    then when (up to 3 times said, else the first and the last)."""
    minutes = _minutes(opening)
    who = capitalized(opening.who)
    if len(minutes) == 1:
        return f"{who} : {when_words(minutes[0])}."
    first, last = minutes[0], minutes[-1]
    if len(minutes) <= TIMES_SHOWN and date_fr(first) == date_fr(last):
        hours = [time_fr(at) for at in minutes]
        when = f"le {date_fr(first)} à {', '.join(hours[:-1])} et {hours[-1]}"
    elif date_fr(first) == date_fr(last):
        when = f"le {date_fr(first)}, de {time_fr(first)} à {time_fr(last)}"
    else:
        when = f"du {date_fr(first)} à {time_fr(first)} au {date_fr(last)} à {time_fr(last)}"
    return f"{who} a ouvert votre DMP {len(minutes)} fois. C’était {when}."


def openings_lines(openings: list[Opening]) -> list[str]:
    return [opening_line(o) for o in openings]


def openings_sms(openings: list[Opening]) -> str:
    return ("DMP - Votre DMP a été ouvert. " + " ".join(openings_lines(openings))
            + " Tout est dans l’historique de votre DMP.")


def openings_email(openings: list[Opening], site_url: str) -> str:
    first = ("Un soignant a ouvert votre DMP." if len(openings) == 1
             else "Des soignants ont ouvert votre DMP.")
    listed = "\n".join(f"- {line}" for line in openings_lines(openings))
    return (f"Bonjour,\n\n{first}\n{DMP_MEANS}\n\n{listed}\n\n"
            "Vous avez demandé ce message. Il part 1 fois par heure au plus.\n"
            "Pour l’arrêter, allez dans « Gestion du DMP ».\n"
            f"Tout est dans l’historique de votre DMP : {site_url}/connexion\n\n"
            f"{NOT_NORMAL}\n\n{SIGNATURE}\n")


# -- every notice to the patient (services/notices.py tell_holder) -------------------------------

@dataclass(frozen=True)
class HolderNotice:
    """One notice to the patient in the 3 forms it may take: SMS, e-mail, letter. `action` is the
    journal's action of its sending and the letter's kind in the mail room."""

    action: str
    sms: str
    subject: str
    email: str
    letter_title: str
    letter_lines: tuple[str, ...]
    letter_template: str = "notice_letter.html"


def _email(*lines: str) -> str:
    return "Bonjour,\n\n" + "\n".join(lines) + f"\n\n{SIGNATURE}\n"


def emergency_notice(told: EmergencyTold, site_url: str) -> HolderNotice:
    return HolderNotice("emergency_notice", emergency_sms_to_holder(told), EMERGENCY_SUBJECT,
                        emergency_email_to_holder(told, site_url), EMERGENCY_SUBJECT,
                        tuple(emergency_letter_lines(told)), "emergency_notice_letter.html")


def new_document_notice(site_url: str) -> HolderNotice:
    """A new document: never which one, nor what it says."""
    return HolderNotice(
        "document_notice",
        sms="DMP - Un nouveau document est dans votre DMP. Connectez-vous pour le lire.",
        subject="Un nouveau document dans votre DMP",
        email=_email("Un nouveau document est dans votre DMP.", DMP_MEANS,
                     f"Pour le lire, allez sur : {site_url}/connexion", "",
                     "Ce message ne dit pas ce qu’il y a dans le document.", "Vous avez demandé ce message."),
        letter_title="Un nouveau document est dans votre DMP",
        letter_lines=("Un soignant a mis un nouveau document dans votre DMP.",
                      "Cette lettre ne dit pas ce qu’il y a dans le document.",
                      "Vous avez demandé ce courrier dans « Mes alertes »."))


def report_handled_notice(site_url: str) -> HolderNotice:
    """A desk agent handled the patient's report «Je ne connais pas cette personne»."""
    return HolderNotice(
        "report_notice",
        sms="DMP - Votre caisse a traité votre signalement. La réponse est dans l’historique de votre DMP.",
        subject="Votre signalement est traité",
        email=_email("Vous nous avez dit que vous ne connaissez pas un soignant.",
                     "Ce soignant avait ouvert votre DMP.", DMP_MEANS,
                     "Votre caisse d’assurance maladie a traité votre signalement.",
                     f"La réponse est dans l’historique de votre DMP : {site_url}/connexion"),
        letter_title="Votre signalement est traité",
        letter_lines=("Vous nous avez dit que vous ne connaissez pas un soignant.",
                      "Ce soignant avait ouvert votre DMP.",
                      "Votre caisse d’assurance maladie a traité votre signalement.",
                      "La réponse est dans l’historique de votre DMP."))


PASSWORD_CHANGED = "Le mot de passe de votre DMP a changé. Ce n’est pas vous ? Appelez votre caisse."


def password_notice() -> HolderNotice:
    return HolderNotice(
        "password_notice", sms=f"DMP - {PASSWORD_CHANGED}", subject="Le mot de passe de votre DMP a changé",
        email=_email("Le mot de passe de votre DMP a changé. Ce n’est pas vous ? Appelez votre caisse.", "",
                     DMP_MEANS),
        letter_title="Le mot de passe de votre DMP a changé",
        letter_lines=("Le mot de passe de votre DMP a changé.", "Ce n’est pas vous ? Appelez vite votre caisse."))


def representative_ended_notice(child: str) -> HolderNotice:
    """At 18 (services/coming_of_age.py): to each legal representative, on their own account."""
    said = f"{child} a 18 ans. Vous n’avez plus accès à son DMP."
    mine = "Son DMP est maintenant à lui seul. Il a reçu son identifiant par courrier."
    return HolderNotice(
        "representatives_notice", sms=f"DMP - {said}", subject="Vous n’avez plus accès à ce DMP",
        email=_email(said, mine, "", DMP_MEANS),
        letter_title="Vous n’avez plus accès à ce DMP", letter_lines=(said, mine))


def contact_notice(mobile: bool, email: bool) -> HolderNotice:
    """The desk changed the mobile, the e-mail or both: sent to the contacts of before."""
    what = ("Le portable et l’e-mail de votre DMP ont changé" if mobile and email
            else "Le portable de votre DMP a changé" if mobile else "L’e-mail de votre DMP a changé")
    where = "C’était à l’accueil de votre caisse."
    not_you = "Ce n’est pas vous ? Appelez vite votre caisse."
    return HolderNotice(
        "contact_notice", sms=f"DMP - {what}. {where} {not_you}", subject=what,
        email=_email(f"{what}.", DMP_MEANS, where, "", not_you),
        letter_title=what, letter_lines=(f"{what}.", where, not_you))
