"""Is this instance fit to serve? The answer a load balancer asks for, part by part."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def check(health_records) -> dict[str, str]:
    """{"store": "ok"|"fail", "data_keys": "ok"|"fail"}: the store answers a write and a read,
    and the data keys open the sealed canary. A failure is logged by kind, never by content."""
    parts = {}
    for name, probe in (("store", health_records.write_and_read), ("data_keys", health_records.canary_opens)):
        try:
            parts[name] = "ok" if probe() else "fail"
        except Exception as problem:  # any failure of a part is that part's "fail", not a 500
            log.warning("health check: %s failed (%s)", name, type(problem).__name__)
            parts[name] = "fail"
    return parts
