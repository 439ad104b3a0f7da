"""Dataclasses to JSON rows and back: dates as ISO strings, nested dataclasses as objects."""
from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from functools import cache


def to_row(obj) -> dict:
    return {f.name: _dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _dump(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return to_row(value)
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    return value


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def from_row(cls, row: dict):
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{name: _load(hints[name], value) for name, value in row.items() if name in names})


def _load(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _load(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_load(item, v) for v in value]
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if dataclasses.is_dataclass(hint):
        return from_row(hint, value)
    return value
