"""Enrolling the people of the directory: activation links, desk agents, deactivation.

No password is ever made up, printed or sent: a new professional or desk agent receives a link,
valid 72 hours and once, to choose their own. Every operator's act goes to the operators'
journal, with the operator's name as the system knows it.
"""
from __future__ import annotations

import secrets

from ..domain.accounts import FIRST_CONNECTION_DONE, Account, ActivationCheck, password_problems, session_owner
from ..domain.actors import DeskAgent
from ..domain.credentials import token_digest
from ..domain.journal import Actor
from ..notify import Email
from ..notify.messages import is_plain_address
from .context import Context
from .login import Refused, mask_email


def operator(user: str) -> Actor:
    return Actor("operator", user, user)


def record(ctx: Context, user: str, action: str, detail: str = "", allowed: bool = True, reason: str = "") -> None:
    ctx.repos.operators.append(ctx.now(), operator(user), action, detail=detail, allowed=allowed, reason=reason)


def send_activation(ctx: Context, login_id: str, email: str | None = None) -> str:
    """Send a new activation link (any older link stops working); returns where it went, masked.
    Refused('unknown'|'no_email'|'bad_email'|'deactivated')."""
    directory = ctx.repos.directory
    if email is not None and not is_plain_address(email):
        raise Refused("bad_email")
    actor = directory.actor(login_id)
    if actor is None:
        raise Refused("unknown")
    with directory.updating_account(login_id) as account:
        if account.deactivated_at is not None:
            raise Refused("deactivated")
        if email:
            account.email = email
            account.otp_channel = "email"  # the codes go where the link went
        if not account.email:
            raise Refused("no_email")
        replaced = account.activation.token_digest if account.activation else None
        token = account.issue_activation(ctx.now())
        address = account.email
    directory.index_activation(token_digest(token), account.login_id, replaces=replaced)
    link = f"{ctx.site_url}/pro/activation/{token}"
    ctx.notifier.email.send(Email(to=address, subject="Choisissez votre mot de passe DMP", body=(
        f"Bonjour {actor.name},\n\n"
        "Un compte DMP est ouvert pour vous.\n"
        f"Votre identifiant est : {account.login_id}\n\n"
        "Pour choisir votre mot de passe, ouvrez ce lien :\n"
        f"{link}\n\n"
        "Le lien marche pendant 3 jours (72 heures), et une seule fois.\n"
        "Vous n’attendiez pas ce message ? Ne faites rien.\n\n"
        "L’Assurance Maladie\n")))
    return mask_email(address)


def account_of_link(ctx: Context, token: str) -> Account:
    """The account a link opens; Refused('missing'|'expired') when it no longer works."""
    login_id = ctx.repos.directory.find_by_activation(token_digest(token))
    account = ctx.repos.directory.account(login_id) if login_id else None
    if account is None:
        raise Refused("missing")
    check = account.check_activation(token, ctx.now())
    if check is not ActivationCheck.OK:
        raise Refused(check.value)
    return account


def activate(ctx: Context, token: str, new_password: str) -> str:
    """Choose the first password with the link, which is then used up; returns the login id.
    Refused('missing'|'expired'|'password_<problem>')."""
    login_id = account_of_link(ctx, token).login_id
    with ctx.repos.directory.updating_account(login_id) as account:
        check = account.check_activation(token, ctx.now())  # again, under the lock: used once
        if check is not ActivationCheck.OK:
            raise Refused(check.value)
        actor = ctx.repos.directory.actor(login_id)
        problems = password_problems(new_password, account.login_id,
                                     personal=tuple(w for w in actor.name.split() if w.lower() != "dr"))
        if problems:
            raise Refused("refused", current=None, problems=problems)  # every reason at once
        account.activate(new_password, ctx.now())
    ctx.repos.directory.forget_activation(token_digest(token))
    ctx.repos.sessions.end_all(session_owner("pro", login_id))  # a new password: no old session goes on
    return login_id


def new_desk_agent_id(directory) -> str:
    """« ag » and 6 digits: short to type, and never the shape of an RPPS number or a patient's."""
    while True:
        candidate = f"ag{secrets.randbelow(10 ** 6):06d}"
        if directory.actor(candidate) is None:
            return candidate


def add_desk_agent(ctx: Context, name: str, organisation: str, email: str) -> str:
    """A desk agent of a caisse, with an activation link sent to them; returns their identifier.
    Refused('bad_email'|'no_name')."""
    if not name.strip() or not organisation.strip():
        raise Refused("no_name")
    if not is_plain_address(email):
        raise Refused("bad_email")
    directory = ctx.repos.directory
    login_id = new_desk_agent_id(directory)
    directory.add(DeskAgent(login_id, name.strip(), caisse=organisation.strip()), Account(
        login_id=login_id, dossier_id="", password_hash="", email=email, otp_channel="email",
        first_connection_step=FIRST_CONNECTION_DONE,
    ))
    send_activation(ctx, login_id)
    return login_id


def deactivate(ctx: Context, login_id: str) -> None:
    """Remove a person's access at once: no login, no link, and their open sessions end at
    their next request (every request reads the account). Refused('unknown')."""
    directory = ctx.repos.directory
    if directory.actor(login_id) is None:
        raise Refused("unknown")
    with directory.updating_account(login_id) as account:
        digest = account.activation.token_digest if account.activation else None
        account.deactivate(ctx.now())
    if digest:
        directory.forget_activation(digest)
    ctx.repos.sessions.end_all(session_owner("pro", login_id))
