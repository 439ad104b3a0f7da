#!/usr/bin/env bash
# Set up everything the tests need (Python packages, Chromium and its driver, w3m, poppler,
# openssl, nginx and redis for the TLS tier and the rate limits, PostgreSQL 15 for the
# database backend: the tests start throw-away servers of their own)
# and run the whole suite, browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-test.txt
source scripts/lib.sh
apt_install chromium chromium-driver w3m lynx poppler-utils fonts-dejavu-core openssl nginx-light redis-server \
  postgresql-15
exec .venv/bin/python -m pytest "$@"
