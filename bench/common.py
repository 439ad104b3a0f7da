"""What several benchmarks share: the percentile they report, and the bare route they compare to."""
from __future__ import annotations

import statistics

from flask import Flask


def percentile(samples: list[float], q: int) -> float:
    """The q-th percentile (1 to 99) of the samples, in their unit (inclusive method)."""
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def bare_app() -> Flask:
    """A Flask route that does nothing: what Flask and the server cost before any page of ours."""
    app = Flask("bare")

    @app.get("/")
    def index():
        return "<!DOCTYPE html><html lang='fr'><title>x</title><h1>x</h1></html>"

    return app
