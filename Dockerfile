# invoicepipe: one image for every role (ingest service, each worker pool, migrations).
# The role is chosen by the command; see docker-compose.yml.
FROM python:3.11-slim

# tesseract-ocr (pulls in the eng + osd language data) is the OCR engine of the slow pool;
# the seven language packs let it read German, French, Spanish, Italian, Dutch, Portuguese
# and Polish pages with their own models (adapters/ocr_languages.py chooses per document).
# PDF rendering and text reading need no system packages: pypdfium2 ships PDFium inside its
# wheel, and Pillow / psycopg[binary] ship their own libraries too.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr \
      tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-nld \
      tesseract-ocr-por tesseract-ocr-pol \
 && rm -rf /var/lib/apt/lists/*

# OMP_THREAD_LIMIT=1: Tesseract's OpenMP threads fight each other when several worker
# processes OCR at once; parallelism comes from processes (`--processes`, `--scale`).
# PYTHONPATH=/app makes the Dramatiq entry modules `workers.fast|slow|pipeline` importable.
# The installed package cannot find policy/ and schemas/ next to itself (it lives in
# site-packages), so their paths are given explicitly.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    PYTHONPATH=/app \
    INVOICEPIPE_POLICY=/app/policy/default.yaml \
    INVOICEPIPE_SCHEMAS=/app/schemas \
    INVOICEPIPE_VAR_DIR=/data/var \
    INVOICEPIPE_INBOX=/data/inbox

WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when the
# dependency list changes, not on every source edit.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['web'] + p['optional-dependencies']['ocr']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Only what the running service needs (no tests, fixtures, benchmarks, local var/ or inbox/).
COPY README.md ./
COPY schemas ./schemas
COPY workers ./workers
COPY policy ./policy
COPY src ./src
RUN pip install ".[web,ocr]" \
 && rm -rf build src/*.egg-info

# Non-root. /data/var (this container's own local files: blob cache, rendered pages),
# /data/inbox (drop folder), /data/audit (audit checkpoints), /data/keys (the audit key) and
# /data/outbox (the file export) are mount points; creating them here owned by the service
# user lets a fresh named volume inherit that owner.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin invoicepipe \
 && mkdir -p /data/var /data/inbox /data/audit /data/keys /data/outbox \
 && chown -R invoicepipe:invoicepipe /data
USER invoicepipe

EXPOSE 8080
CMD ["invoicepipe", "serve"]
