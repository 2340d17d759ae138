#!/usr/bin/env bash
# Set up, then run invoicepipe on the embedded default: SQLite and blobs under ./var/,
# in-process workers per pool, watching ./inbox/. The sample invoices and master data in
# fixtures/sample/ are loaded and dropped into the inbox first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --minimal
exec .venv/bin/invoicepipe up --samples fixtures/sample "$@"
