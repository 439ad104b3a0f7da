"""The register of insured persons, keyed by NIR."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from ..domain.register import InsuredPerson, PostalAddress
from .files import FileStore
from .sharded import ShardedTable


class InsuredRegister:
    def __init__(self, store: FileStore):
        self._table = ShardedTable(store, "register")

    def get(self, nir: str) -> InsuredPerson | None:
        row = self._table.get(nir)
        return _from_row(row) if row else None

    def put(self, person: InsuredPerson) -> None:
        self._table.put(person.nir, _to_row(person))

    def put_many(self, people: list[InsuredPerson]) -> None:
        """Write many people, each shard once; a person already there as they are is not written."""
        rows = {p.nir: _to_row(p) for p in people}
        self._table.update_many({nir: (lambda _old, row=row: row) for nir, row in rows.items()})


def _to_row(person: InsuredPerson) -> dict:
    row = asdict(person)
    row["birth_date"] = person.birth_date.isoformat()
    return row


def _from_row(row: dict) -> InsuredPerson:
    return InsuredPerson(
        **{
            **row,
            "birth_date": date.fromisoformat(row["birth_date"]),
            "address": PostalAddress(**row["address"]),
        }
    )
