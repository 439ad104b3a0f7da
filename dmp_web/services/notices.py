"""Who is told when a professional opens a DMP or a carer acts, and how each sending is journaled.

- After every emergency access (bris de glace, the Centre 15 regulator): the patient (SMS or
  e-mail, by post when they have neither), the médecin traitant, and the trusted person when
  the patient ticked the box (`emergency_opened`, called by dossier_access.open_emergency).
- When the patient asked it («Me prévenir quand un soignant ouvre mon DMP»): one message an hour
  at most, listing who opened the DMP (`dossier_opened`, called by every page of a dossier a
  professional is let in, web/pro.py `decided`; `flush_due`, called by the background worker).

The hourly message: each opening is journaled already (the "read_dossier" decision), so the
message is made from the journal, and the store keeps only where it stands (repos.opening_notices:
last message, journal place told, due time), shared by every server on both stores. The first
opening after an hour without a message is told at once; the next ones wait for the end of that
hour, when the worker sends them together. The state changes under its lock, so two servers
never tell one opening twice. By post nothing goes: a letter an hour is no use (the page says so).

Carers («aidants», domain/carers.py): the patient is told when a carer is invited
(`carer_invited`) and accepts (`carer_accepted`), through `tell_holder`; and, when a carer acted
on the DMP, by one message a day at most (a letter once a week at most), saying who and how many
acts, never which document. `dossier_access.act` calls `carer_acted` after each carer's act: the
message waits an hour (one visit's acts go together), then the worker sends it (`flush_due`).
It is the same machinery as the hourly message, with its own state (repos.carer_notices) and pace.

A notice never breaks the professional's access: the access is committed before, a failed
delivery is journaled as failed and logged, and any other error is logged.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from .. import pdf
from ..domain.access import EmergencyAccess
from ..domain.actors import ActorKind, Professional
from ..domain.details import noted
from ..domain.dossier import Dossier
from ..domain.journal import Actor, JournalEntry
from ..domain.accounts import Account
from ..domain.carers import CarerGrant
from ..domain.dates import local_day
from ..domain.notices import (
    CARERS_BY_POST_PACE, CARERS_PACE, EMAIL, OPENINGS_PACE, POST, SMS, CarerActs, Opening, OpeningDigest, Pace,
    carer_acts, channel_for, holder_channels, trusted_person_channel,
)
from ..notify import DeliveryFailed, Email, Sms
from . import notice_texts as texts
from .context import Context
from .holder import letter_context

log = logging.getLogger(__name__)

ASSURANCE_MALADIE = Actor("system", "assurance_maladie", "l’Assurance Maladie")  # «Nous avons prévenu…»
NOT_SENT = "le message n’est pas parti"
NO_CONTACT = "nous n’avons ni son portable ni son e-mail"
JOURNAL_PAGE = 50  # entries read at a time, from the newest, for the hourly message
# What counts as opening the DMP: its page, or a document reached by its address (a bookmark)
OPENINGS = frozenset({"read_dossier", "read_document"})


def _journal(ctx: Context, dossier_id: str, action: str, note: str, failure: str = "") -> None:
    ctx.repos.journal.append(dossier_id, ctx.now(), ASSURANCE_MALADIE, action, allowed=not failure,
                             reason=failure, detail=noted(note))


def send_journaled(ctx: Context, dossier_id: str, action: str, note: str, send: Callable[[], object]) -> bool:
    """Send, then journal that it went or that it did not; a failure is logged, never raised."""
    try:
        send()
    except (DeliveryFailed, ValueError, OSError) as failed:  # ValueError: an address the sender refuses
        log.warning("notice not sent: action=%s note=%s error=%s", action, note, type(failed).__name__)
        _journal(ctx, dossier_id, action, note, NOT_SENT)
        return False
    _journal(ctx, dossier_id, action, note)
    return True


def _message(ctx: Context, channel: str, *, to_mobile: str, to_email: str, sms: str, subject: str,
             body: str) -> Callable[[], None]:
    if channel == SMS:
        return lambda: ctx.notifier.sms.send(Sms(to=to_mobile, body=sms))
    return lambda: ctx.notifier.email.send(Email(to=to_email, subject=subject, body=body))


# -- after an emergency access ----------------------------------------------------------------

def emergency_opened(ctx: Context, actor: Professional, dossier: Dossier, access: EmergencyAccess) -> None:
    """An emergency access was just opened (its decision journaled): tell who must know."""
    try:
        person = ctx.register.get(dossier.holder_nir)
        told = texts.EmergencyTold(texts.professional_words(actor), access.started_at, access.kind, access.reason,
                                   person.short_name if person else "", person.sex if person else "")
        tell_holder(ctx, dossier, texts.emergency_notice(told, ctx.site_url))
        _tell_attending_doctor(ctx, dossier, told, actor)
        _tell_trusted_person(ctx, dossier, told)
    except Exception as exc:  # the access is open already: a notice never takes it back
        log.error("emergency notices stopped: error=%s", type(exc).__name__)


# -- every notice to the patient ---------------------------------------------------------------

def tell_holder(ctx: Context, dossier: Dossier, notice: texts.HolderNotice, *, account: Account | None = None,
                every: bool = False, old: frozenset[str] = frozenset(), addressee: str = "") -> int:
    """Tell the patient, the way domain/notices.py `holder_channels` chooses (a letter in the
    mail-room queue without mobile and e-mail, or when they asked for letters); each sending is
    journaled, sent or not. Never raises: the action that caused the notice is done already.
    Returns how many sendings went (0: none).

    account: the contacts to use (the ones before a change), else the account's now; every: to
    each contact (a notice about the account itself); old: the contacts the desk just replaced
    ("mobile", "email"), so the history says «votre ancien portable».

    A minor's DMP: each legal representative is told on their own account (a letter bears their
    name), unless `account` says whose (and `addressee` whom a letter names)."""
    try:
        went = 0
        for told, to_name in _told_accounts(ctx, dossier, account):
            to_name = addressee or to_name
            mobile, email = (told.mobile, told.email) if told else ("", "")
            ways = holder_channels(mobile, email, told.otp_channel if told else SMS, dossier.notices_by_post,
                                   every=every)
            for way in ways:
                note = _OLD_NOTES.get(way, "") if _OLD_CONTACT.get(way) in old else f"to_holder_by_{way}"
                send = (lambda name=to_name: _post(ctx, dossier, notice, name)) if way == POST else _message(
                    ctx, way, to_mobile=mobile, to_email=email, sms=notice.sms, subject=notice.subject,
                    body=notice.email)
                went += send_journaled(ctx, dossier.id, notice.action, note, send)
        return went
    except Exception as exc:  # a notice never undoes nor blocks what caused it
        log.exception("notice stopped: action=%s error=%s", notice.action, type(exc).__name__)
        return 0


def _told_accounts(ctx: Context, dossier: Dossier, account: Account | None) -> list[tuple[Account | None, str]]:
    """The accounts a notice goes to, each with the name a letter bears ("": the holder's)."""
    if account is not None:
        representative = dossier.representative_in(account.slot)
        return [(account, representative.full_name if representative else "")]
    if dossier.active_representatives:
        return [(ctx.repos.accounts.get(dossier.id, r.slot), r.full_name) for r in dossier.active_representatives]
    return [(ctx.repos.accounts.get(dossier.id), "")]


_OLD_CONTACT = {SMS: "mobile", EMAIL: "email"}
_OLD_NOTES = {SMS: "to_old_mobile_by_sms", EMAIL: "to_old_email_by_email"}


def _post(ctx: Context, dossier: Dossier, notice: texts.HolderNotice, to_name: str = "") -> None:
    """The letter for the post, to the address the register of insured persons knows (for a
    minor, to a legal representative at the minor's address)."""
    person = ctx.register.get(dossier.holder_nir)
    if person is None:
        raise ValueError("no postal address")
    to_name = to_name or person.full_name
    try:
        letter = pdf.notice_letter(notice.letter_template, full_name=to_name,
                                   address_lines=person.address.lines(), title=notice.letter_title,
                                   told=list(notice.letter_lines), **letter_context(ctx))
    except Exception as exc:  # journaled as not sent, like a message the gateway refused
        raise DeliveryFailed(f"letter not made: {type(exc).__name__}") from exc
    ctx.notifier.letters.enqueue(letter, [to_name, *person.address.lines()], notice.action)


def new_document(ctx: Context, dossier: Dossier) -> None:
    """A document arrived, and the patient asked to be told («Mes alertes»): never which one."""
    if dossier.alert_new_documents:
        tell_holder(ctx, dossier, texts.new_document_notice(ctx.site_url))


def report_handled(ctx: Context, dossier_id: str) -> None:
    """A desk agent handled the patient's report of a professional."""
    dossier = ctx.repos.dossiers.get(dossier_id)
    if dossier is not None:
        tell_holder(ctx, dossier, texts.report_handled_notice(ctx.site_url))


def password_changed(ctx: Context, account: Account) -> None:
    """The password changed: each contact of that account hears it, so the one who did not do it learns it."""
    dossier = ctx.repos.dossiers.get(account.dossier_id)
    if dossier is not None:
        tell_holder(ctx, dossier, texts.password_notice(), account=account, every=True)


def contact_changed(ctx: Context, dossier: Dossier, before: Account, *, mobile: bool, email: bool) -> None:
    """The desk replaced the mobile or the e-mail: the contacts of before hear it (a letter when
    there were none), so a person who did not ask it learns it where they still read."""
    old = frozenset(name for name, changed in (("mobile", mobile), ("email", email)) if changed)
    tell_holder(ctx, dossier, texts.contact_notice(mobile, email), account=before, every=True, old=old)


def _tell_attending_doctor(ctx: Context, dossier: Dossier, told: texts.EmergencyTold, actor: Professional) -> None:
    rpps = dossier.attending_doctor_rpps
    if not rpps or rpps == actor.rpps:
        return
    account = ctx.repos.directory.account(rpps)
    channel = channel_for(account.mobile, account.email, account.otp_channel) if account else None
    if channel is None:
        _journal(ctx, dossier.id, "emergency_notice", "to_attending_doctor_unreachable", NO_CONTACT)
        return
    send_journaled(ctx, dossier.id, "emergency_notice", f"to_attending_doctor_by_{channel}", _message(
        ctx, channel, to_mobile=account.mobile, to_email=account.email,
        sms=texts.emergency_sms_to_others(told, "attending_doctor"), subject=texts.emergency_subject_to_others(told),
        body=texts.emergency_email_to_others(told, "attending_doctor")))


def _tell_trusted_person(ctx: Context, dossier: Dossier, told: texts.EmergencyTold) -> None:
    wishes = ctx.repos.wishes.get(dossier.id)
    trusted = wishes.trusted_person
    if not (wishes.tell_trusted_person_of_emergencies and trusted.is_set):
        return
    channel = trusted_person_channel(trusted.phone, trusted.email)
    if channel is None:  # the form asks a mobile or an e-mail with the box: an older record
        log.warning("trusted person not told: no mobile and no e-mail")
        return
    send_journaled(ctx, dossier.id, "emergency_notice", f"to_trusted_person_by_{channel}", _message(
        ctx, channel, to_mobile=trusted.phone, to_email=trusted.email,
        sms=texts.emergency_sms_to_others(told, "trusted_person"), subject=texts.emergency_subject_to_others(told),
        body=texts.emergency_email_to_others(told, "trusted_person")))


# -- the messages made from the journal: who opened the DMP (hourly), what carers did (daily) ----

def dossier_opened(ctx: Context, actor, dossier: Dossier) -> None:
    """A professional opened the DMP (the "read_dossier" decision allowed and journaled): tell
    the patient now, or with the others at the end of the hour, if they asked it."""
    if not dossier.alert_openings or not isinstance(actor, Professional):
        return
    try:
        _tell_openings(ctx, dossier.id, opening=True)
    except Exception as exc:  # the professional reads on: the worker tries again at the due time
        log.error("openings notice stopped: error=%s", type(exc).__name__)


def flush_due(ctx: Context) -> int:
    """Send the messages whose time has come, the hourly openings' and the carers' daily ones
    (the worker, every few seconds); how many."""
    sent = 0
    for dossier_id in ctx.repos.opening_notices.due(ctx.now()):
        try:
            sent += _tell_openings(ctx, dossier_id, opening=False)
        except Exception as exc:  # one dossier's failure never stops the others
            log.error("openings notice stopped: error=%s", type(exc).__name__)
    for dossier_id in ctx.repos.carer_notices.due(ctx.now()):
        try:
            sent += _tell_carer_acts(ctx, dossier_id)
        except Exception as exc:
            log.error("carers notice stopped: error=%s", type(exc).__name__)
    return sent


def _tell_openings(ctx: Context, dossier_id: str, *, opening: bool) -> int:
    dossier = ctx.repos.dossiers.get(dossier_id)
    if dossier is None:
        ctx.repos.opening_notices.forget(dossier_id)
        return 0
    # each account owner with a way to be told: the holder, or each of a minor's representatives
    ways = [(account, channel_for(account.mobile, account.email, account.otp_channel))
            for account, _name in _told_accounts(ctx, dossier, None) if account is not None]
    ways = [(account, channel) for account, channel in ways if channel is not None]

    def collect(state: OpeningDigest, count: int) -> list[Opening]:
        return _openings(ctx, dossier, state.upto, count) if ways and dossier.alert_openings else []

    def send(told: list[Opening]) -> bool:
        went = False
        for account, channel in ways:
            went = send_journaled(ctx, dossier_id, "openings_notice", f"to_holder_by_{channel}", _message(
                ctx, channel, to_mobile=account.mobile, to_email=account.email, sms=texts.openings_sms(told),
                subject=texts.OPENINGS_SUBJECT, body=texts.openings_email(told, ctx.site_url))) or went
        return went

    return _tell_digest(ctx, ctx.repos.opening_notices, dossier_id, OPENINGS_PACE, collect, send, at_once=opening)


def _tell_digest(ctx: Context, repo, dossier_id: str, pace: Pace, collect: Callable[[OpeningDigest, int], list],
                 send: Callable[[list], bool], *, at_once: bool) -> int:
    """The one machinery of the messages made from the journal: under the state's lock, claim
    what the journal holds past the place told (`collect`), mark it told, then send it; a
    message that did not go at all is given back, to go with the next try. 1 if a message went.

    at_once: an act that may be told now (the hourly openings); else only a message due is sent."""
    now = ctx.now()
    told: list = []
    before: list[OpeningDigest] = []

    def change(state: OpeningDigest | None) -> OpeningDigest | None:
        state = state or OpeningDigest()
        before[:] = [state]
        if at_once and not state.may_send(now, pace):
            return state.waiting(pace)
        if not at_once and not state.is_due(now):
            return None  # sent meanwhile, by another server
        count = ctx.repos.journal.count(dossier_id)
        told.extend(collect(state, count))
        return state.sent(now, count) if told else state.nothing_to_send(count)

    repo.update(dossier_id, change)
    if not told:
        return 0
    went = send(told)
    if not went:  # marked sent under the lock, so no other server sends it meanwhile: undo that
        repo.update(dossier_id, lambda state: state.not_sent(before[0], now, pace)
                    if state and state.last_sent_at == now else None)
    return int(went)


def _journal_window(ctx: Context, dossier_id: str, start: int, count: int, cutoff) -> list[JournalEntry]:
    """journal[start:count], read from the newest a page at a time, none older than `cutoff`."""
    found: list[JournalEntry] = []
    stop = count
    while stop > start:
        page = ctx.repos.journal.entries(dossier_id, max(start, stop - JOURNAL_PAGE), stop)
        if not page:
            break
        kept = [e for e in page if e.at >= cutoff]
        found[:0] = kept
        if len(kept) < len(page):
            break
        stop -= len(page)
    return found


def _openings(ctx: Context, dossier: Dossier, start: int, count: int) -> list[Opening]:
    """The professionals who opened the DMP in journal[start:count], in order, each with their
    times; read from the newest, never before the patient asked it nor older than a day."""
    cutoff = max(dossier.alert_openings_since, ctx.now() - OPENINGS_PACE.lookback)
    times: dict[str, list] = {}
    for entry in _journal_window(ctx, dossier.id, start, count, cutoff):
        if entry.actor_kind == ActorKind.PROFESSIONAL.value and entry.action in OPENINGS and entry.allowed:
            times.setdefault(entry.actor_id, []).append(entry)
    openings = []
    for rpps, entries in times.items():
        professional = ctx.repos.directory.professional(rpps)
        who = texts.professional_words(professional) if professional else entries[0].actor_name
        openings.append(Opening(rpps, who, tuple(e.at for e in entries)))
    return openings


# -- carers («aidants», domain/carers.py) -----------------------------------------------------------

def carer_invited(ctx: Context, dossier: Dossier, grant: CarerGrant) -> None:
    """Tell the patient that a carer was invited («Vous avez invité Paul MARTIN…», and what to do
    if it was not them). Never raises.

    Call it once the invitation is saved: after services/carers.py `invite` returned an allowed
    decision (its unit committed), with the dossier and `Invited.grant`, whether the code went by
    message or is printed on a letter for the carer."""
    tell_holder(ctx, dossier, texts.carer_invited_notice(grant, ctx.site_url, ctx.help_line))


def carer_accepted(ctx: Context, dossier: Dossier, grant: CarerGrant) -> None:
    """Tell the patient that the carer accepted («Paul MARTIN a accepté votre invitation…»: what
    they chose, from when, until when). Never raises.

    Call it once the acceptance is saved: after the unit that set the grant's accepted_at and
    carer_id committed, with the dossier and the grant as saved (so its dates are the ones in force)."""
    tell_holder(ctx, dossier, texts.carer_accepted_notice(grant, local_day(ctx.now()), ctx.site_url, ctx.help_line))


def carer_acted(ctx: Context, dossier: Dossier) -> None:
    """A carer's act was just journaled, let through or refused (services/dossier_access.py `act`
    calls it after its unit commits): the day's message waits for it, and the worker sends it
    when due (`flush_due`). Cheap: one small state changed under its lock; never raises."""
    now = ctx.now()

    def change(state: OpeningDigest | None) -> OpeningDigest | None:
        if state is not None and state.due_at is not None:
            return None  # a message waits already: it will tell this act too
        return (state or OpeningDigest()).gathering(now, _carers_pace(ctx, dossier))

    try:
        ctx.repos.carer_notices.update(dossier.id, change)
    except Exception as exc:  # the carer's act is done: a notice never undoes it
        log.error("carers notice not planned: error=%s", type(exc).__name__)


def _carers_pace(ctx: Context, dossier: Dossier) -> Pace:
    """Once a week when a letter is one of the ways the message goes, else once a day."""
    for told, _name in _told_accounts(ctx, dossier, None):
        mobile, email = (told.mobile, told.email) if told else ("", "")
        if POST in holder_channels(mobile, email, told.otp_channel if told else SMS, dossier.notices_by_post):
            return CARERS_BY_POST_PACE
    return CARERS_PACE


def _tell_carer_acts(ctx: Context, dossier_id: str) -> int:
    dossier = ctx.repos.dossiers.get(dossier_id)
    if dossier is None:
        ctx.repos.carer_notices.forget(dossier_id)
        return 0
    pace = _carers_pace(ctx, dossier)
    names = {g.carer_id: g.name for g in sorted(dossier.carers, key=lambda g: g.invited_at) if g.carer_id}

    def collect(state: OpeningDigest, count: int) -> list[CarerActs]:
        return carer_acts(_journal_window(ctx, dossier_id, state.upto, count, ctx.now() - pace.lookback), names)

    def send(acts: list[CarerActs]) -> bool:  # one way that went is enough: the others are journaled
        return tell_holder(ctx, dossier, texts.carer_acts_notice(acts, pace is CARERS_BY_POST_PACE, ctx.site_url,
                                                                 ctx.help_line)) > 0

    return _tell_digest(ctx, ctx.repos.carer_notices, dossier_id, pace, collect, send, at_once=False)
