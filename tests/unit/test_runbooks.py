"""Runbooks that run: every ``invoicepipe …`` command in a ```sh block of runbooks/*.md
parses with the real command line, and the ones that only read (or act harmlessly on a
scratch instance) run for real against a temporary embedded instance. A renamed command
or flag breaks this test, not the on-call night."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from invoicepipe.cli import build_parser, main

REPO = Path(__file__).resolve().parents[2]
RUNBOOKS = sorted((REPO / "runbooks").glob("*.md"))
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# `docker compose exec [-T] [-e X=Y] [-u 0] SERVICE invoicepipe …` or `.venv/bin/invoicepipe …`
COMMAND = re.compile(r"^(?:docker compose exec (?:(?:-T|-e \S+|-u \S+) )*\S+ |\.venv/bin/)?(invoicepipe\s.*)$")
# Placeholders the pages use, and what a scratch instance needs instead.
PLACEHOLDERS = {"ID": "1", "DOCUMENT_ID": "1", "N": "10", "NAME": "jdoe", "FILE": "{file}", "DIR": "{dir}", "PATH": "{file}"}
# Commands run for real on the scratch instance; the rest (long-running, PostgreSQL-only,
# needing input files or a terminal) are only parsed.
RUN = {("status",), ("list",), ("show",), ("audit", "trail"), ("audit", "verify"), ("audit", "checkpoint"), ("reasons",),
       ("retry",), ("export", "replay"), ("sweep",), ("db", "upgrade"), ("mail", "status"), ("webhooks", "list"),
       ("webhooks", "deliveries"), ("cost",)}


def commands_of(page: Path) -> list[str]:
    found = []
    for block in BLOCK.findall(page.read_text()):
        for line in block.replace("\\\n", " ").splitlines():
            match = COMMAND.match(line.strip())
            if match:
                found.append(re.split(r"\s(?:\||>|&&|;|#)", match.group(1))[0].strip())
    return found


def argv_of(command: str, scratch: Path) -> list[str]:
    argv = []
    for token in shlex.split(command)[1:]:
        token = token.strip("[]")
        if token in ("…", "...", ""):
            continue
        if token.startswith("$"):  # a shell variable holding ids (`retry $ids`)
            token = "ID"
        token = PLACEHOLDERS.get(token, token).format(file=scratch / "input.csv", dir=scratch)
        argv.append(_sandboxed(token, scratch))
    return argv


def _sandboxed(token: str, scratch: Path) -> str:
    """An absolute path a page names (`/mnt/audit-offhost/`, `file:///srv/…`) moved under the
    scratch folder: running a runbook must not write outside it, nor read a file an earlier
    run left there."""
    for prefix in ("file://", ""):
        if token.startswith(prefix + "/") and not token.startswith(prefix + str(scratch)):
            moved = str(scratch / "abs" / token[len(prefix):].lstrip("/"))
            return prefix + moved + ("/" if token.endswith("/") else "")  # "DIR/" names a folder
    return token


ALL = [(page.name, command) for page in RUNBOOKS for command in commands_of(page)]


def test_the_runbooks_have_commands_and_every_alert_page_has_one():
    assert len(ALL) >= 40
    pages = {name for name, _ in ALL}
    for page in ("queue-message-age.md", "review-backlog.md", "straight-through-dropped.md", "ocr-cpu-burn.md",
                 "metrics-not-scraped.md", "documents-stuck.md", "worker-down.md", "export-stuck.md", "cost-ceiling.md"):
        assert page in pages, f"{page} has no invoicepipe command"


@pytest.mark.parametrize("page,command", ALL, ids=[f"{p}:{c}" for p, c in ALL])
def test_every_runbook_command_parses(page, command, tmp_path):
    try:
        build_parser().parse_args(argv_of(command, tmp_path))
    except SystemExit as exc:
        pytest.fail(f"{page}: `{command}` does not parse (exit {exc.code})", pytrace=False)


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """An embedded instance with one document (id 1) in a temporary folder."""
    from reportlab.pdfgen import canvas

    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    pdf = canvas.Canvas(str(tmp_path / "a.pdf"), invariant=1)
    pdf.drawString(72, 800, "Invoice No: INV-1  Total: 119.00 EUR")
    pdf.save()
    assert main(["ingest", str(tmp_path / "a.pdf")]) == 0
    return tmp_path


def test_runbook_commands_run_on_a_scratch_instance(scratch, capsys):
    ran = 0
    for page, command in ALL:
        argv = argv_of(command, scratch)
        words = tuple(w for w in argv if not w.startswith("-"))
        if words[:1] not in RUN and words[:2] not in RUN:
            continue
        code = main(argv)
        # 0, or 1 for a refused action (retry of a document that is not failed, replay of one
        # not exported): both mean the command and its flags exist and did their job.
        assert code in (0, 1), f"{page}: `{command}` exited {code}: {capsys.readouterr()}"
        ran += 1
    assert ran >= 25
