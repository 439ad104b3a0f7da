"""p50 and p95 latency of the home page, against a bare Flask route served the same way.

Run: .venv/bin/python -m bench.home_latency [--requests 1000]
Both apps are served by werkzeug's threaded server on 127.0.0.1 in this process; requests are
interleaved so both see the same machine load. The ratio says what our layout, headers and
templates cost over Flask itself.
"""
from __future__ import annotations

import argparse
import http.client
import logging
import tempfile
import time
from pathlib import Path


from bench.common import bare_app, percentile
from dmp_web import create_app
from dmp_web.demo import load_demo_data
from dmp_web.settings import Settings
from tests.browser.harness import LiveServer


def timed_get(port: int, path: str) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 200
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request would skew timings
    with tempfile.TemporaryDirectory() as root:
        settings = Settings(env="testing", secret_key="b" * 40, data_dir=Path(root) / "d", exports_dir=Path(root) / "e")
        app = create_app(settings, RATELIMIT_ENABLED=False)  # the page's cost, not the limit on new visits
        load_demo_data(app.extensions["dmp.repos"])
        with LiveServer(app) as ours, LiveServer(bare_app()) as bare:
            ports = {"home": ours.server.server_port, "bare": bare.server.server_port}
            for name in ports:  # warm up
                for _ in range(50):
                    timed_get(ports[name], "/")
            samples: dict[str, list[float]] = {"home": [], "bare": []}
            for _ in range(args.requests):
                for name in ("home", "bare"):
                    samples[name].append(timed_get(ports[name], "/"))
    print(f"requests per route: {args.requests}")
    for name, values in samples.items():
        print(f"{name:5} p50 {percentile(values, 50) * 1000:6.2f} ms   p95 {percentile(values, 95) * 1000:6.2f} ms")
    for q in (50, 95):
        ratio = percentile(samples["home"], q) / percentile(samples["bare"], q)
        print(f"ratio home/bare p{q}: {ratio:.2f}")


if __name__ == "__main__":
    main()
