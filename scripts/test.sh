#!/usr/bin/env bash
# Set up everything the tests need (Python packages, Chromium and its driver, w3m, poppler,
# openssl, nginx and redis for the TLS tier and the rate limits, PostgreSQL 15 for the
# database backend: the tests start throw-away servers of their own)
# then run the lint (ruff) and the whole suite, browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-test.txt
source scripts/lib.sh
apt_install chromium chromium-driver w3m lynx poppler-utils fonts-dejavu-core openssl nginx-light redis-server \
  postgresql-15
# The Nu HTML Checker (tests/html_check.py): vnu.jar from the npm registry, outside the repo; it runs on Java.
command -v java >/dev/null || apt_install openjdk-17-jre-headless
command -v npm >/dev/null || apt_install npm
[ -f ~/.cache/dmp-web/vnu/node_modules/vnu-jar/build/dist/vnu.jar ] ||
  npm install --silent --no-audit --no-fund --prefix ~/.cache/dmp-web/vnu vnu-jar@26.9.27
# The lint first (configuration in pyproject.toml): one finding fails the run before any test.
.venv/bin/ruff check --quiet . || { echo "ruff : corrigez les problèmes ci-dessus (ou justifiez-les sur la ligne)." >&2; exit 1; }
exec .venv/bin/python -m pytest "$@"
