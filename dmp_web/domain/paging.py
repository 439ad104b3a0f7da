"""Numbered pages of a long list (documents, history): which page comes before and after."""
from __future__ import annotations


class PageLinks:
    """For a page dataclass with `number` (from 1) and `pages`: the neighbours to link to."""

    number: int
    pages: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None
