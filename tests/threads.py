"""Run a function in several threads at once, for the tests of what must hold under races."""
from __future__ import annotations

import threading


def in_threads(target, count: int) -> list[BaseException]:
    """target(n) for n in range(count), all started together; what they raised."""
    errors, start = [], threading.Barrier(count)

    def run(n):
        try:
            start.wait()
            target(n)
        except BaseException as exc:  # noqa: BLE001 - reported to the test, which asserts there is none
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors
