"""The directory of actors who log in besides patients: professionals (by RPPS number), desk
agents, and the actors the law keeps out. Each entry holds the actor and its login account."""
from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from collections.abc import Iterator

from ..domain.accounts import Account
from ..domain.actors import ActorKind, CarerPerson, DeskAgent, ForbiddenActor, Professional
from .codec import from_row, to_row
from .files import FileStore
from .sharded import ShardedTable


def _actor_row(actor) -> dict:
    row = {"kind": actor.kind.value}
    if isinstance(actor, Professional):
        row.update(rpps=actor.rpps, name=actor.name, profession=actor.profession.value,
                   specialty=actor.specialty, emergency_regulator=actor.emergency_regulator,
                   workplace=actor.workplace)
        if actor.sex:  # kept only when known, so an entry written before the field is unchanged
            row["sex"] = actor.sex
    elif isinstance(actor, DeskAgent):
        row.update(id=actor.id, name=actor.name, caisse=actor.caisse)
    elif isinstance(actor, CarerPerson):
        row.update(id=actor.id, name=actor.name, dossiers=list(actor.dossiers))
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
    if kind is ActorKind.CARER:
        return CarerPerson(fields["id"], fields["name"], tuple(fields.get("dossiers", ())))
    return ForbiddenActor(kind=kind, **fields)


def with_carer_dossier(actor_row: dict, dossier_id: str) -> dict:
    if actor_row["kind"] != ActorKind.CARER.value:
        raise ValueError("only a carer's entry lists the DMP they help with")
    dossiers = actor_row.get("dossiers", [])
    return actor_row if dossier_id in dossiers else {**actor_row, "dossiers": [*dossiers, dossier_id]}


def name_words(text: str) -> list[str]:
    """Lower-case words without accents: «Lefèvre» is found by «lefevre» or «Lefèvre»."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in re.split(r"[^a-z0-9]+", plain) if w and w != "dr"]


def _name_prefixes(name: str) -> set[str]:
    return {w[:3] for w in name_words(name) if len(w) >= 3}


class Directory:
    def __init__(self, store: FileStore):
        self._table = ShardedTable(store, "directory")
        # word prefix (3 letters) -> {login id: name}: a name search reads one small record
        self._by_name = ShardedTable(store, "directory-by-name")
        # digest of an activation link's token -> login id
        self._by_activation = ShardedTable(store, "directory-by-activation")

    @staticmethod
    def login_id_of(actor) -> str:
        return actor.rpps if isinstance(actor, Professional) else actor.id

    def add(self, actor, account: Account) -> None:
        account.login_id = self.login_id_of(actor)
        self._table.add(account.login_id, {"actor": _actor_row(actor), "account": to_row(account)})
        if isinstance(actor, Professional):
            for word in _name_prefixes(actor.name):
                self._by_name.update(word, lambda row, a=actor: {**(row or {}), a.rpps: a.name})

    def put_professionals(self, professionals: list[Professional]) -> dict[str, str]:  # noqa: C901 - shards, then the index, in one pass each
        """Add or update many professionals in one pass over the shards (the directory import).

        A new one gets an account with no password and no e-mail yet (an operator sends its
        activation link); an existing one keeps its account, only the description changes.
        Returns, by RPPS number, "added", "updated" or "unchanged"."""
        outcomes: dict[str, str] = {}
        old_names: dict[str, str] = {}

        def change_for(professional: Professional):
            def change(row):
                if row is None:
                    outcomes[professional.rpps] = "added"
                    account = Account(login_id=professional.rpps, dossier_id="", password_hash="",
                                      otp_channel="email")
                    return {"actor": _actor_row(professional), "account": to_row(account)}
                if row["actor"] == _actor_row(professional):
                    outcomes[professional.rpps] = "unchanged"
                    return row
                outcomes[professional.rpps] = "updated"
                old_names[professional.rpps] = row["actor"].get("name", "")
                return {**row, "actor": _actor_row(professional)}
            return change

        self._table.update_many({p.rpps: change_for(p) for p in professionals})
        index: dict[str, dict[str, str | None]] = {}  # prefix -> {rpps: name, or None to remove}
        for professional in professionals:
            if outcomes[professional.rpps] == "unchanged":
                continue
            new_prefixes = _name_prefixes(professional.name)
            for prefix in _name_prefixes(old_names.get(professional.rpps, "")) - new_prefixes:
                index.setdefault(prefix, {})[professional.rpps] = None
            for prefix in new_prefixes:
                index.setdefault(prefix, {})[professional.rpps] = professional.name

        def index_change(entries):
            def change(row):
                merged = {**(row or {}), **entries}
                kept = {rpps: name for rpps, name in merged.items() if name is not None}
                return kept or None
            return change

        self._by_name.update_many({prefix: index_change(entries) for prefix, entries in index.items()})
        return outcomes

    def professional_ids(self) -> list[str]:
        """Every professional's RPPS number (a batch job's walk over the shards, never a page's)."""
        return [key for key, row in self._table.items() if row["actor"]["kind"] == "professional"]

    def active_actor(self, login_id: str):
        """The actor, unless an operator deactivated the account (or it does not exist)."""
        row = self._table.get(login_id.strip())
        if row is None or row["account"].get("deactivated_at"):
            return None
        return _actor(row["actor"])

    def index_activation(self, digest: str, login_id: str, replaces: str | None = None) -> None:
        if replaces:
            self._by_activation.delete(replaces)
        self._by_activation.put(digest, {"login_id": login_id})

    def find_by_activation(self, digest: str) -> str | None:
        row = self._by_activation.get(digest)
        return row["login_id"] if row else None

    def forget_activation(self, digest: str) -> None:
        self._by_activation.delete(digest)

    def search_professionals(self, text: str, limit: int = 20) -> list[Professional]:
        """Professionals by RPPS number, or by words of their name (3 letters at least)."""
        digits = re.sub(r"\s", "", text)
        if digits.isdigit():
            found = self.professional(digits) if len(digits) == 11 else None
            return [found] if found else []
        words = [w for w in name_words(text) if len(w) >= 3]
        if not words:
            return []
        candidates = self._by_name.get(words[0][:3]) or {}
        matches = [rpps for rpps, name in sorted(candidates.items(), key=lambda kv: kv[1])
                   if all(any(n.startswith(w) for n in name_words(name)) for w in words)]
        return [p for p in (self.professional(rpps) for rpps in matches[:limit]) if p]

    def actor(self, login_id: str):
        row = self._table.get(login_id.strip())
        return _actor(row["actor"]) if row else None

    def account(self, login_id: str) -> Account | None:
        row = self._table.get(login_id.strip())
        return from_row(Account, row["account"]) if row else None

    def professional(self, rpps: str) -> Professional | None:
        actor = self.actor(rpps)
        return actor if isinstance(actor, Professional) else None

    def add_carer_dossier(self, login_id: str, dossier_id: str) -> None:
        """A carer accepted an invitation: the DMP joins the ones their home page lists."""
        with self._table.updating(login_id.strip()) as row:
            row["actor"] = with_carer_dossier(row["actor"], dossier_id)

    @contextmanager
    def updating_account(self, login_id: str) -> Iterator[Account]:
        """Change an entry's account under the shard's lock (code tries count exactly)."""
        with self._table.updating(login_id.strip()) as row:
            account = from_row(Account, row["account"])
            yield account
            row["account"] = to_row(account)
