"""Creating a DMP online: a creation code sent to the person (by e-mail, else by post), then the
code, the NIR and the Vitale card checked together. Anonymous forms: every answer is the same."""
from __future__ import annotations

from ..domain.accounts import CodeCheck, CreationCode, first_creation_code
from ..domain.credentials import hash_secret, new_creation_code, normalize_code, spend_a_check
from ..domain.dates import local_day
from ..domain.details import JournaledDetail
from ..domain.dossier import Consent, Dossier, new_dossier_id
from ..domain.journal import Actor
from ..domain.register import AGE_OF_MAJORITY, InsuredPerson, dossier_identity
from ..formatting import group_code
from ..notify import Email
from .. import pdf
from .context import Context
from .dossier_opening import NewCredentials, open_dossier
from .holder import letter_context
from .login import Refused


def _eligible_person(ctx: Context, nir: str) -> InsuredPerson:
    person = ctx.register.get(nir)
    if person is None:
        raise Refused("unknown_nir")
    existing = ctx.repos.dossiers.find_by_nir(nir)
    if existing is not None:
        raise Refused("already_has_dmp", dossier_id=existing.id)
    if person.is_minor_on(local_day(ctx.now())):
        raise Refused("minor")
    return person


def _journal_stranger(ctx: Context, dossier_id: str, action: str) -> None:
    """Someone typed this person's NIR in an anonymous form: their history shows it."""
    ctx.repos.journal.append(dossier_id, ctx.now(), Actor("anonymous", "", "une personne"), action,
                             allowed=False, reason="ce numéro a déjà un DMP")


def _tell(ctx: Context, person: InsuredPerson, subject: str, text: str) -> None:
    """A word to the person at the address the Assurance Maladie knows (e-mail only: a letter
    a stranger can trigger would cost the post and frighten the person)."""
    if person.email:
        ctx.notifier.email.send(Email(to=person.email, subject=subject,
                                      body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n"))


def request_creation_code(ctx: Context, nir: str) -> None:
    """Ask for a creation code. The answer is the same whatever the NIR (a NIR alone must not
    tell whether a person is insured, has a DMP, or is a minor): what differs goes to the person.

    - can create a DMP: a new code by e-mail if known, else by post, within the caps of the
      domain (CREATION_CODE_EMAILS_PER_DAY, CREATION_CODE_LETTERS_PER_WEEK); codes already sent
      stay good;
    - has a DMP: an e-mail says so and how to find the identifier, and their history shows it;
    - a minor: an e-mail says where to create it; unknown: nothing at all."""
    try:
        person = _eligible_person(ctx, nir)
    except Refused as refusal:
        person = ctx.register.get(nir)
        if refusal.code == "already_has_dmp":
            _journal_stranger(ctx, refusal.details["dossier_id"], "creation_code_requested")
            _tell(ctx, person, "Votre DMP existe déjà",
                  "Quelqu’un a demandé un code pour créer un DMP avec votre numéro.\n"
                  "Vous avez déjà un DMP. Rien n’a changé.\n"
                  f"Vous avez oublié votre identifiant ? Allez sur {ctx.site_url}/identifiant-oublie")
        elif refusal.code == "minor":
            _tell(ctx, person, "Créer votre DMP",
                  "Quelqu’un a demandé un code pour créer un DMP avec votre numéro.\n"
                  f"Avant {AGE_OF_MAJORITY} ans, le DMP se crée avec un parent, à la caisse ou chez un médecin.")
        return
    now = ctx.now()
    code = new_creation_code()
    channel = "email" if person.email else "post"

    earlier = ctx.repos.creation_codes.get(nir)
    if earlier is not None and not earlier.may_send(channel, now):
        return  # over the caps: the codes already sent still work
    valid_until = local_day(now + CreationCode.VALIDITY)  # a day in France, as the letter's own date
    if channel == "email":
        ctx.notifier.email.send(
            Email(
                to=person.email,
                subject="Votre code pour créer votre DMP",
                body=(
                    f"Bonjour,\n\nVoici votre code pour créer votre DMP : {group_code(code)}\n\n"
                    f"Ce code marche jusqu’au {valid_until:%d/%m/%Y}.\n"
                    f"Il marche une seule fois. Les codes reçus avant marchent encore.\n\n"
                    f"Allez sur {ctx.site_url}/creer et cliquez sur « J’ai mon code ».\n\n"
                    "Vous n’avez pas demandé ce code ? Ne faites rien.\n\nL’Assurance Maladie\n"
                ),
            )
        )
    else:
        letter = pdf.creation_code_letter(
            full_name=person.full_name,
            address_lines=person.address.lines(),
            code=code,
            expires_on=valid_until,
            **letter_context(ctx),
        )
        ctx.notifier.letters.enqueue(letter, [person.full_name, *person.address.lines()], "creation_code")
    # recorded once sent: a code that could not go out counts for nothing
    ctx.repos.creation_codes.renew(nir, lambda record: record.renewed(hash_secret(code), channel, now) if record
                                   else first_creation_code(nir, hash_secret(code), channel, now))


def create_dossier_online(
    ctx: Context, *, code: str, nir: str, vitale_type: str, vitale_serial: str, mobile: str, email: str
) -> NewCredentials:
    """Check the code against the NIR and the Vitale card, then create the dossier and its account."""
    now = ctx.now()
    typed = normalize_code(code)
    person = ctx.register.get(nir)
    card_matches = person is not None and (vitale_serial, vitale_type) == (person.vitale_serial, person.vitale_type)

    def use(record: CreationCode | None):
        if record is None:
            spend_a_check(typed)  # as long as a real check: the time tells nothing either
            return CodeCheck.MISSING
        check = record.check(typed, now)
        if check is CodeCheck.OK and card_matches:
            record.used_at = now
        return check

    # One answer for every failure (code, number, card, existing DMP, age): each would tell a
    # stranger something of the person. The code's tries count, whatever else is wrong.
    check = ctx.repos.creation_codes.apply(nir, use)
    try:
        if check is not CodeCheck.OK or not card_matches:
            raise Refused("no_match")
        person = _eligible_person(ctx, nir)
    except Refused as refusal:
        if refusal.code == "already_has_dmp":
            _journal_stranger(ctx, refusal.details["dossier_id"], "dossier_creation_refused")
        raise Refused("no_match") from None

    dossier = Dossier(
        id=new_dossier_id(),
        **dossier_identity(person),
        created_at=now,
        consent=Consent(given_by="holder", recorded_by="online", at=now, channel="online"),
    )
    return open_dossier(ctx, dossier, person, mobile=mobile, email=email, detail=JournaledDetail(
        note="created_online", consent={"given_by": "holder", "channel": "online"}))
