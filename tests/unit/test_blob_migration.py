"""``invoicepipe blobs migrate``: the operator's way from the folder store to the shared
database store; idempotent, resumable, hash-verified, a damaged source blob named by sha."""

from __future__ import annotations

import hashlib
import json
import os

from invoicepipe.adapters.blobs import FolderBlobStore
from invoicepipe.cli import main


def env(monkeypatch, tmp_path, blob_url=None):
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    if blob_url:
        monkeypatch.setenv("INVOICEPIPE_BLOB_URL", blob_url)
    else:
        monkeypatch.delenv("INVOICEPIPE_BLOB_URL", raising=False)


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_blobs_move_from_the_folder_to_the_database_once_and_resume(tmp_path, monkeypatch, capsys):
    env(monkeypatch, tmp_path)
    folder = FolderBlobStore(tmp_path / "var" / "blobs")
    blobs = [os.urandom(n) for n in (10, 2_500_000, 70_000)]
    shas = [folder.put(b) for b in blobs]
    code, first = run_json(capsys, "blobs", "migrate", "--to", "db:", "--json")
    assert code == 0 and first["copied"] == 3 and first["skipped"] == 0 and first["bytes_copied"] == sum(map(len, blobs))
    code, again = run_json(capsys, "blobs", "migrate", "--to", "db:", "--json")
    assert code == 0 and again["copied"] == 0 and again["skipped"] == 3

    # Switched over: the application now reads every blob from the database, none from the folder.
    env(monkeypatch, tmp_path, "db:")
    (tmp_path / "var" / "blobs").rename(tmp_path / "var" / "blobs.old")
    from invoicepipe.cli_common import make_app

    app = make_app()
    try:
        assert [app.blobs.get(s) for s in shas] == blobs
    finally:
        app.close()
    assert main(["blobs", "where"]) == 0 and "database" in capsys.readouterr().out


def test_a_damaged_source_blob_is_named_and_the_others_still_move(tmp_path, monkeypatch, capsys):
    env(monkeypatch, tmp_path)
    folder = FolderBlobStore(tmp_path / "var" / "blobs")
    good, bad = folder.put(b"good invoice"), folder.put(b"secret invoice text")
    folder.path_for(bad).write_bytes(b"secret invoice text, edited")
    code, report = run_json(capsys, "blobs", "migrate", "--to", f"file://{tmp_path / 'elsewhere'}", "--json")
    assert code == 1 and report["damaged"] == [bad] and report["copied"] == 1
    target = FolderBlobStore(tmp_path / "elsewhere")
    assert target.get(good) == b"good invoice" and not target.exists(bad)
    assert hashlib.sha256(target.get(good)).hexdigest() == good
