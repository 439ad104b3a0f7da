"""The words of the notices of services/notices.py: SMS, e-mails and the letter's lines, in easy
French (short sentences, one idea each, numbers in digits).

What goes in: who (the professional's name and profession), when (date and hour in France),
which kind of access, and the reason the professional typed (see `reason_words`); for carers,
their name, what the patient chose for them, their dates, and how many acts on which days. Never
a document's title or content: no function here is ever given one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.access import EmergencyKind
from ..domain.actors import Profession, Professional, SPECIALTIES
from ..domain.carers import INVITATION_VALIDITY, CarerGrant
from ..domain.help_line import HelpLine
from ..domain.names import written_name
from ..domain.notices import CarerActs, Opening
from ..formatting import PARIS, date_fr, de, time_fr

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


# -- carers («aidants», domain/carers.py) ---------------------------------------------------------
# «une personne qui vous aide» rather than «votre aidant»: it fits a woman and a man alike, and
# it needs no explanation. The carer's name is the one the patient typed, written «Paul MARTIN».

MY_CARERS = "Allez dans « Gestion du DMP », puis « Mes aidants »."


def _call(help_line: HelpLine) -> str:
    return f"Vous pouvez aussi appeler le {help_line.phone}, {help_line.hours}."


def _purpose(grant: CarerGrant) -> str:
    """What the patient chose, in the words they chose it with («voir mes documents»)."""
    return f"Vous avez choisi : « {grant.rule.words} »."


def carer_invited_notice(grant: CarerGrant, site_url: str, help_line: HelpLine) -> HolderNotice:
    """A carer invited (services/notices.py carer_invited): who, what for, and what to do if the
    patient did not do it."""
    name = written_name(grant.name)
    said = f"Vous avez invité {name} à vous aider dans votre DMP."
    wait = f"Cette personne doit accepter l’invitation. Elle a {INVITATION_VALIDITY.days} jours pour le faire."
    not_you = "Ce n’est pas vous ?"
    undo = "Là, vous pouvez annuler l’invitation."
    return HolderNotice(
        "carer_invited_notice",
        sms=f"DMP - {said} {not_you} Annulez l’invitation dans « Mes aidants », ou appelez le {help_line.phone}.",
        subject="Vous avez invité une personne à vous aider",
        email=_email(said, DMP_MEANS, _purpose(grant), wait, "", not_you,
                     f"Connectez-vous : {site_url}/connexion", MY_CARERS, undo, _call(help_line)),
        letter_title="Vous avez invité une personne à vous aider",
        letter_lines=(said, _purpose(grant), wait, not_you, MY_CARERS, undo))


def _starts_and_ends(grant: CarerGrant, today: date) -> tuple[str, str]:
    """«Cette personne peut maintenant vous aider.» or «… pourra vous aider à partir du 1er
    décembre 2026.», then when the access ends."""
    if grant.starts_on <= today:
        starts = "Cette personne peut maintenant vous aider."
    else:
        starts = f"Cette personne pourra vous aider à partir du {date_fr(grant.starts_on)}."
    ends = (f"Son accès finit le {date_fr(grant.ends_on)}." if grant.ends_on is not None
            else "Vous n’avez pas choisi de date de fin.")
    return starts, ends


def _access_starts(grant: CarerGrant, today: date) -> str:
    """The SMS's short form: «Son accès commence aujourd’hui.», «… le 1er décembre 2026.»."""
    return ("Son accès commence aujourd’hui." if grant.starts_on <= today
            else f"Son accès commence le {date_fr(grant.starts_on)}.")


# A name never starts a sentence of an e-mail or a letter: «Paul MARTIN a …» reads, to the easy
# French check, as a verb and a word in capitals; «Le 23 novembre, Paul MARTIN a …» does not.
def carer_accepted_notice(grant: CarerGrant, today: date, site_url: str, help_line: HelpLine) -> HolderNotice:
    """The carer accepted (services/notices.py carer_accepted): from when, until when, what for."""
    name = written_name(grant.name)
    invited = f"Vous aviez invité {name} à vous aider dans votre DMP."
    said = "Cette personne a accepté votre invitation."
    starts, ends = _starts_and_ends(grant, today)
    seen = "Chaque action de cette personne est écrite dans l’historique de votre DMP."
    told = "Nous vous écrirons quand cette personne utilise votre DMP, 1 fois par jour au plus."
    stop = "Là, vous pouvez arrêter son accès quand vous voulez."
    return HolderNotice(
        "carer_accepted_notice",
        sms=f"DMP - {name} a accepté votre invitation. {_access_starts(grant, today)} "
            f"Ce n’est pas normal ? Appelez le {help_line.phone}.",
        subject=f"{name} a accepté votre invitation",
        email=_email(invited, DMP_MEANS, said, starts, _purpose(grant), ends, "", seen, told, "",
                     f"Connectez-vous : {site_url}/connexion", MY_CARERS, stop, _call(help_line)),
        letter_title=f"{name} a accepté votre invitation",
        letter_lines=(invited, said, starts, _purpose(grant), ends, seen, MY_CARERS, stop))


def _days(acts: CarerActs) -> str:
    """«Le 23 novembre 2026», «Du 23 au 25 novembre 2026», «Du 30 novembre au 2 décembre 2026»."""
    first, last = acts.first.astimezone(PARIS).date(), acts.last.astimezone(PARIS).date()
    if first == last:
        return f"Le {date_fr(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"Du {'1er' if first.day == 1 else first.day} au {date_fr(last)}"
    return f"Du {date_fr(first).removesuffix(f' {first.year}')} au {date_fr(last)}"


def carer_acts_lines(acts: list[CarerActs]) -> list[str]:
    """One line a carer: «Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a
    fait 4 actions.», and the refused tries."""
    lines = []
    for one in acts:
        name = written_name(one.name)
        refused = f"{one.refused} fois une chose non permise. Nous avons refusé."
        if one.done:
            line = (f"{_days(one)}, {name} a utilisé votre DMP. "
                    f"Cette personne a fait {one.done} action{'s' if one.done > 1 else ''}.")
            lines.append(f"{line} Cette personne a aussi essayé {refused}" if one.refused else line)
        else:
            lines.append(f"{_days(one)}, {name} a essayé {refused}")
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _sms_counts(acts: list[CarerActs]) -> list[str]:
    """The SMS's short form: «Par Paul MARTIN : 3 actions et 1 essai refusé.»"""
    counts = []
    for one in acts:
        said = [_plural(one.done, "action")] if one.done else []
        if one.refused:
            said.append(f"{_plural(one.refused, 'essai')} refusé{'s' if one.refused > 1 else ''}")
        counts.append(f"Par {written_name(one.name)} : {' et '.join(said)}.")
    return counts


def _acts_subject(acts: list[CarerActs]) -> str:
    done = any(one.done for one in acts)
    if len(acts) > 1:
        return "Des personnes qui vous aident ont " + ("utilisé votre DMP" if done else "essayé d’utiliser votre DMP")
    return "Une personne qui vous aide a " + ("utilisé votre DMP" if done else "essayé d’utiliser votre DMP")


def carer_acts_notice(acts: list[CarerActs], weekly: bool, site_url: str, help_line: HelpLine) -> HolderNotice:
    """What carers did on the DMP since the last message: who, how many acts, which days. Never
    which document, nor anything about the care. weekly: the pace of a letter (once a week)."""
    lines = carer_acts_lines(acts)
    listed = "\n".join(f"- {line}" for line in lines)
    not_said = "Ce message ne nomme aucun document."
    everything = f"Tout est dans l’historique de votre DMP : {site_url}/connexion"
    stop = "Ce n’est pas normal ? " + MY_CARERS
    pace = "Cette lettre part 1 fois par semaine au plus." if weekly else "Cette lettre part 1 fois par jour au plus."
    return HolderNotice(
        "carer_acts_notice",
        sms=f"DMP - {_acts_subject(acts)}. {' '.join(_sms_counts(acts))} Tout est dans l’historique de votre DMP.",
        subject=_acts_subject(acts),
        email=_email(f"{_acts_subject(acts)}.", DMP_MEANS, "", listed, "", not_said,
                     "Ce message part 1 fois par jour au plus.", everything, "", stop,
                     "Là, vous pouvez arrêter un accès.", _call(help_line)),
        letter_title=_acts_subject(acts),
        letter_lines=(*lines, "Cette lettre ne nomme aucun document.", pace,
                      "Tout est dans l’historique de votre DMP.", stop, "Là, vous pouvez arrêter un accès."))
