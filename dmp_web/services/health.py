"""Is this instance fit to serve? The answer a load balancer asks for, part by part."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


HEALTHY = ("ok", "busy")


def check(health_records) -> dict[str, str]:
    """{"store": "ok"|"busy"|"fail", "data_keys": "ok"|"busy"|"fail"}: the store answers a write
    and a read, and the data keys open the sealed canary. "busy": a backup holds the writes for
    a moment; still healthy, or a backup would take every server out of the load balancer at
    once. A failure is logged by kind, never by content."""
    from ..store import StoreBusy

    parts = {}
    for name, probe in (("store", health_records.write_and_read), ("data_keys", health_records.canary_opens)):
        try:
            parts[name] = "ok" if probe() else "fail"
        except StoreBusy:
            parts[name] = "busy"
        except Exception as problem:  # any failure of a part is that part's "fail", not a 500
            log.warning("health check: %s failed (%s)", name, type(problem).__name__)
            parts[name] = "fail"
    return parts
