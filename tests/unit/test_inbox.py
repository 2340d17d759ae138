"""The drop folder: settled files only, archived after the commit, rejections explained."""

import os
import time

from invoicepipe.adapters.inbox import DropFolder
from invoicepipe.services.inbox import process_inbox
from invoicepipe.services.queries import show
from tests.fakes import fake_pdf
from tests.masterdata_samples import invoice_lines


def test_a_file_still_changing_is_not_taken(tmp_path):
    folder = DropFolder(tmp_path / "inbox", settle_s=5.0)
    folder.ensure_layout()
    f = folder.root / "portal" / "a.pdf"
    f.write_bytes(b"%PDF-1")
    assert folder.stable_files(now=100.0) == []
    f.write_bytes(b"%PDF-1.4 more")
    os.utime(f, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert folder.stable_files(now=103.0) == []  # changed: the clock restarts
    assert folder.stable_files(now=107.0) == []
    [ready] = folder.stable_files(now=108.5)
    assert ready.channel == "portal" and ready.path == f


def test_channel_comes_from_the_subfolder_and_top_level_counts_as_portal(tmp_path):
    folder = DropFolder(tmp_path / "inbox", settle_s=0)
    folder.ensure_layout()
    (folder.root / "email" / "m.eml").write_bytes(b"From: a\n\nx")
    (folder.root / "scan" / "s.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder.root / "top.pdf").write_bytes(b"%PDF-1.4")
    channels = {f.path.name: f.channel for f in folder.stable_files()}
    assert channels == {"m.eml": "email", "s.png": "scan", "top.pdf": "portal"}


def test_processed_and_rejected_files_leave_the_inbox_after_commit(app):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    (folder.root / "portal" / "good.pdf").write_bytes(fake_pdf(*invoice_lines()))
    (folder.root / "portal" / "bad.pdf").write_bytes(b"<html>not a pdf</html>")
    results = {r.filename: r for r in process_inbox(app, folder)}
    assert set(results) == {"good.pdf", "bad.pdf"}
    assert list((folder.root / "portal").iterdir()) == []
    processed = list((folder.root / "processed").rglob("good.pdf"))
    rejected = list((folder.root / "rejected").rglob("bad.pdf"))
    assert len(processed) == 1 and len(rejected) == 1
    reason_file = rejected[0].with_name("bad.pdf.reason.txt")
    assert reason_file.read_text().startswith("not a PDF or image")
    bad_id = results["bad.pdf"].documents[0]["id"]
    assert show(app, bad_id)["status"] == "rejected"


def test_same_name_dropped_twice_is_archived_under_a_new_name(app):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    for content in (fake_pdf("Invoice No: 1"), fake_pdf("Invoice No: 2")):
        (folder.root / "portal" / "x.pdf").write_bytes(content)
        process_inbox(app, folder)
    assert len(list((folder.root / "processed").rglob("x*.pdf"))) == 2
