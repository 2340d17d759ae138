#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for invoicepipe: system packages (only those missing)
# and a virtualenv in ./.venv with the project installed in editable mode.
#   Debian packages: tesseract-ocr (OCR) with the deu fra spa ita nld por pol ces slk hrv slv language data,
#   redis-server and postgresql (integration tests and
#   production-like runs), chromium (browser tests), docker-compose (validates the compose file),
#   dovecot-imapd (the real IMAP server the mailbox tests start on 127.0.0.1).
#   Python packages: the project with its [web,ocr,dev] extras, see pyproject.toml (among them
#   opencv-python-headless for photographed pages and tesserocr, Tesseract in process).
# Usage: scripts/setup.sh [--minimal]   (--minimal: only what `invoicepipe up` needs)
set -euo pipefail
cd "$(dirname "$0")/.."

# the language packs: adapters/ocr_languages.py reads a non-English page with its own model
packages=(tesseract-ocr tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-nld
          tesseract-ocr-por tesseract-ocr-pol tesseract-ocr-ces tesseract-ocr-slk tesseract-ocr-hrv tesseract-ocr-slv)
# Debian splits venv and pip out of python3; without them `python3 -m venv` fails.
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv python3-pip)
[ "${1:-}" = "--minimal" ] || packages+=(redis-server postgresql chromium docker-compose dovecot-imapd)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "setup: Python 3.11+ is required" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
extras="web,ocr,dev"; [ "${1:-}" = "--minimal" ] && extras="web"
# Quiet, but failures still print; the stamp skips a reinstall when pyproject.toml is unchanged.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$extras"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  touch "$stamp"
fi
# The project's own modules compiled once (an editable install leaves them uncompiled): where
# PYTHONDONTWRITEBYTECODE is set, as on this project's CI machine and in the Dockerfile, every
# process started (a worker, the ingest command) compiled them again, about 0.06 CPU s of
# an ingest command's 0.44. Up-to-date files are skipped; a stale one is ignored by Python.
.venv/bin/python -m compileall -q -j 0 src >/dev/null
echo "setup: ready (.venv/bin/invoicepipe)"
