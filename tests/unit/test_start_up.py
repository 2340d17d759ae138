"""What a process that only stores files loads at its start (``invoicepipe ingest`` runs once
per batch; its start-up was most of its CPU per file)."""

import json
import os
import subprocess
import sys

STORE_ONE = """
import json, sys
from invoicepipe.cli_common import make_app
from invoicepipe.services.ingest import ingest_bytes
app = make_app()
ingest_bytes(app, b"%PDF-1.4 not really", "a.pdf", "portal", "user:test")
app.close()
print(json.dumps({name: name in sys.modules for name in ("alembic", "numpy")}))
"""


def _store_one(tmp_path) -> dict:
    env = {**os.environ, "INVOICEPIPE_VAR_DIR": str(tmp_path / "var"), "INVOICEPIPE_LOG_LEVEL": "WARNING"}
    env.pop("INVOICEPIPE_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", STORE_ONE], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_storing_a_file_loads_neither_alembic_at_head_nor_numpy(tmp_path):
    first = _store_one(tmp_path)  # a new database: migrated, so Alembic is loaded
    assert first == {"alembic": True, "numpy": False}
    assert _store_one(tmp_path) == {"alembic": False, "numpy": False}  # at head: one read, no Alembic
