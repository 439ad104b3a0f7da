"""What WeasyPrint logs while a PDF is made: a missing alt or lang is only a log record, so the
PDF tests collect the records to fail on them."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def weasyprint_records(level: int = logging.DEBUG) -> Iterator[list[logging.LogRecord]]:
    """Every record of WeasyPrint's loggers at `level` or above, meanwhile."""
    handler, logger = _Records(), logging.getLogger("weasyprint")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
