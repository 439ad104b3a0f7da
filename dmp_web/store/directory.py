"""The directory of actors who log in besides patients: professionals (by RPPS number), desk
agents, and the actors the law keeps out. Each entry holds the actor and its login account."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..domain.accounts import Account
from ..domain.actors import ActorKind, DeskAgent, ForbiddenActor, Professional
from .codec import from_row, to_row
from .files import FileStore
from .sharded import ShardedTable


def _actor_row(actor) -> dict:
    row = {"kind": actor.kind.value}
    if isinstance(actor, Professional):
        row.update(rpps=actor.rpps, name=actor.name, profession=actor.profession.value,
                   specialty=actor.specialty, emergency_regulator=actor.emergency_regulator,
                   workplace=actor.workplace)
    elif isinstance(actor, DeskAgent):
        row.update(id=actor.id, name=actor.name, caisse=actor.caisse)
    else:
        row.update(id=actor.id, name=actor.name)
    return row


def _actor(row: dict):
    fields = {k: v for k, v in row.items() if k != "kind"}
    kind = ActorKind(row["kind"])
    if kind is ActorKind.PROFESSIONAL:
        return Professional(**fields)
    if kind is ActorKind.DESK_AGENT:
        return DeskAgent(**fields)
    return ForbiddenActor(kind=kind, **fields)


class Directory:
    def __init__(self, store: FileStore):
        self._table = ShardedTable(store, "directory")

    @staticmethod
    def login_id_of(actor) -> str:
        return actor.rpps if isinstance(actor, Professional) else actor.id

    def add(self, actor, account: Account) -> None:
        account.login_id = self.login_id_of(actor)
        self._table.add(account.login_id, {"actor": _actor_row(actor), "account": to_row(account)})

    def actor(self, login_id: str):
        row = self._table.get(login_id.strip())
        return _actor(row["actor"]) if row else None

    def account(self, login_id: str) -> Account | None:
        row = self._table.get(login_id.strip())
        return from_row(Account, row["account"]) if row else None

    def professional(self, rpps: str) -> Professional | None:
        actor = self.actor(rpps)
        return actor if isinstance(actor, Professional) else None

    @contextmanager
    def updating_account(self, login_id: str) -> Iterator[Account]:
        """Change an entry's account under the shard's lock (code tries count exactly)."""
        with self._table.updating(login_id.strip()) as row:
            account = from_row(Account, row["account"])
            yield account
            row["account"] = to_row(account)
