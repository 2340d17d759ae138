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
    assert reason_file.read_text() == "not a PDF, image or e-invoice XML (looks like HTML)\n"
    bad_id = results["bad.pdf"].documents[0]["id"]
    assert show(app, bad_id)["status"] == "rejected"


def test_same_name_dropped_twice_is_archived_under_a_new_name(app):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    for content in (fake_pdf("Invoice No: 1"), fake_pdf("Invoice No: 2")):
        (folder.root / "portal" / "x.pdf").write_bytes(content)
        process_inbox(app, folder)
    assert len(list((folder.root / "processed").rglob("x*.pdf"))) == 2


# -- hostile entries: links, FIFOs, devices, and a swap between the scan and the open ------

import stat  # noqa: E402

import pytest  # noqa: E402

from invoicepipe.adapters.safe_files import read_regular_file  # noqa: E402
from invoicepipe.errors import UnsupportedInput  # noqa: E402
from invoicepipe.services.queries import list_documents  # noqa: E402

SECRET = b"INVOICEPIPE_DATABASE_URL=postgresql://ap:s3cret-pw@db/ap\x00HOME=/root\x00"


def secret_file(tmp_path):
    target = tmp_path / "environ"
    target.write_bytes(SECRET)
    return target


def blob_files(app):
    return [p for p in app.settings.blob_dir.rglob("*") if p.is_file()]


def everything_written(app, folder):
    """Every file we wrote: blobs, reason files, what the database lists."""
    texts = [p.read_bytes() for p in blob_files(app)]
    texts += [p.read_bytes() for p in (folder.root / "rejected").rglob("*.reason.txt")]
    texts += [repr(list_documents(app, None, 100)).encode()]
    return b"\n".join(texts)


def test_a_symlink_to_a_secret_is_moved_aside_unread(app, tmp_path):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    link = folder.root / "portal" / "x.pdf"
    link.symlink_to(secret_file(tmp_path))
    (folder.root / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    assert process_inbox(app, folder) == []
    assert not link.exists() and not link.is_symlink()
    [moved] = [p for p in (folder.root / "rejected").rglob("x.pdf")]
    assert moved.is_symlink()  # the link itself was moved, its target untouched
    reason = moved.with_name("x.pdf.reason.txt").read_text()
    assert reason.startswith("not a regular file (a symbolic link)")
    assert list((folder.root / "rejected").rglob("linked-dir"))
    assert blob_files(app) == [] and list_documents(app, None, 10) == []
    assert b"s3cret" not in everything_written(app, folder)
    assert (tmp_path / "environ").read_bytes() == SECRET


def test_a_fifo_is_refused_without_blocking(app):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    fifo = folder.root / "scan" / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedInput, match=r"named pipe \(FIFO\)"):
        read_regular_file(fifo)  # O_NONBLOCK: returns at once with no writer
    process_inbox(app, folder)
    [moved] = list((folder.root / "rejected").rglob("pipe.pdf"))
    assert stat.S_ISFIFO(moved.lstat().st_mode)
    assert "named pipe" in moved.with_name("pipe.pdf.reason.txt").read_text()


def test_a_device_node_is_refused(app):
    folder = DropFolder(app.settings.inbox_dir, settle_s=0)
    folder.ensure_layout()
    node = folder.root / "portal" / "null.pdf"
    try:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("cannot create device nodes here")
    [refused] = folder.refused_entries()
    assert refused.reason.startswith("not a regular file (a character device)")
    with pytest.raises(UnsupportedInput, match="character device"):
        read_regular_file(node)


class SwappedAfterScan(DropFolder):
    """The scan sees a regular file; before the open, an attacker puts a link in its place."""

    def __init__(self, root, target):
        super().__init__(root, settle_s=0)
        self.target = target

    def stable_files(self, now=None):
        ready = super().stable_files(now)
        for dropped in ready:
            dropped.path.unlink()
            dropped.path.symlink_to(self.target)
        return ready

    def refused_entries(self):
        return []  # the scan happened before the swap


def test_a_link_swapped_in_between_scan_and_open_is_refused_by_the_open(app, tmp_path):
    folder = SwappedAfterScan(app.settings.inbox_dir, secret_file(tmp_path))
    folder.ensure_layout()
    (folder.root / "portal" / "x.pdf").write_bytes(b"%PDF-1.4 harmless")
    assert process_inbox(app, folder) == []
    [moved] = list((folder.root / "rejected").rglob("x.pdf"))
    assert moved.is_symlink() and "symbolic link" in moved.with_name("x.pdf.reason.txt").read_text()
    assert blob_files(app) == [] and b"s3cret" not in everything_written(app, folder)


def test_a_regular_file_is_read_through_one_descriptor(tmp_path):
    f = tmp_path / "a.pdf"
    f.write_bytes(b"%PDF-1.4 x" * 1000)
    assert read_regular_file(f) == b"%PDF-1.4 x" * 1000
    with pytest.raises(UnsupportedInput, match="larger than"):
        read_regular_file(f, max_bytes=100)
