"""The reason registry is the one list of codes, and the payment gate the one way into the outbox.

Both are read from the source itself, so a new check that invents a code, or a new path
that writes an outbox row, fails here before it reaches a reviewer or a payment.
"""

import ast
from pathlib import Path

import pytest

from invoicepipe.config import PROJECT_ROOT
from invoicepipe.domain.models import Reason
from invoicepipe.domain.reasons import REGISTRY, ROLE_RANK, UnregisteredReason, may_override
from invoicepipe.services.review_words import reasons_markdown

SRC = PROJECT_ROOT / "src" / "invoicepipe"
# Calls whose first argument is a reason code.
REASON_MAKERS = {"Reason", "reason", "_inconsistent", "_mismatch"}


def _calls(name_filter):
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and name_filter(node.func):
                yield path, node


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def test_an_unregistered_code_is_refused_at_construction():
    with pytest.raises(UnregisteredReason, match="not registered"):
        Reason("looks_fishy", "made up on the spot")


def test_every_code_written_in_the_source_is_registered():
    written = {}
    for path, call in _calls(lambda f: _name(f) in REASON_MAKERS):
        if _name(call.func) in ("_inconsistent", "_mismatch"):
            continue  # they fix their own code (totals_inconsistent, bank_mismatch), checked below
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            written.setdefault(first.value, path.relative_to(SRC))
    assert len(written) >= 30  # the scan finds the codes (it would pass vacuously if it found none)
    unregistered = {code: str(where) for code, where in written.items() if code not in REGISTRY}
    assert not unregistered
    assert {"totals_inconsistent", "bank_mismatch"} <= set(REGISTRY)


def test_every_extraction_warning_is_a_registered_code():
    codes = set()
    for _, call in _calls(lambda f: isinstance(f, ast.Attribute) and f.attr == "append" and isinstance(f.value, ast.Name)
                          and f.value.id == "warnings"):
        first = call.args[0]
        text = first.value if isinstance(first, ast.Constant) else first.values[0].value if isinstance(first, ast.JoinedStr) else ""
        codes.add(text.split(":")[0])
    assert {"ocr_unreadable", "einvoice_text_mismatch", "einvoice_unreadable"} <= codes
    assert codes <= set(REGISTRY)


def test_no_free_form_code_detail_strings():
    for code in REGISTRY:
        assert code.isidentifier() and ":" not in code and code == code.lower()


def test_every_blocking_reason_says_what_resolves_it_and_who_may_override_it():
    for spec in REGISTRY.values():
        assert spec.title
        if spec.blocks_payment:
            assert spec.resolve and spec.group != "action"
            assert spec.override_role in (None, *ROLE_RANK)
    for code in ("bank_mismatch", "bank_recently_changed", "bank_details_edited", "vendor_changed", "vendor_inactive"):
        assert REGISTRY[code].override_role == "controller"
        assert not may_override(code, "reviewer") and may_override(code, "controller") and may_override(code, "admin")
    for code in ("low_confidence", "missing_field", "total_uncorroborated"):
        assert not may_override(code, "admin")  # resolved only by a person reading the value


def test_the_docs_page_is_the_registry():
    assert (PROJECT_ROOT / "docs" / "reasons.md").read_text(encoding="utf-8") == reasons_markdown() + "\n", \
        "docs/reasons.md is stale: run .venv/bin/invoicepipe reasons > docs/reasons.md"


def test_only_the_payment_gate_writes_the_outbox():
    callers = sorted({str(path.relative_to(SRC)) for path, _ in _calls(lambda f: isinstance(f, ast.Attribute) and f.attr == "add_outbox")})
    assert callers == ["services/gate.py"]
    defined = [p for p in SRC.rglob("*.py") if "def add_outbox" in p.read_text(encoding="utf-8")]
    assert [str(p.relative_to(SRC)) for p in defined] == ["adapters/db/documents.py"]


def test_the_outbox_refuses_a_row_without_a_passing_gate(app):
    from invoicepipe.domain.gate import GateResult
    from invoicepipe.domain.models import Status

    with app.uow.begin() as tx:
        doc_id = tx.documents.add(sha256="a" * 64, filename="x.pdf", channel="portal", media_type="application/pdf", size_bytes=1,
                                  status=Status.APPROVED)
        blocked = GateResult((Reason("no_po", "no PO"),), (), ())
        with pytest.raises(ValueError, match="payment gate"):
            tx.documents.add_outbox(doc_id, "k", {}, blocked)
        with pytest.raises(ValueError, match="payment gate"):
            tx.documents.add_outbox(doc_id, "k", {}, None)


def test_no_step_moves_a_document_to_approved_but_the_gate():
    """Every ``move``/``transition`` names its target; only the gate's target is computed (from
    whether it passed), so no other code can name APPROVED as one."""
    def target(call):
        args = call.args[1:4] if _name(call.func) == "transition" else call.args[2:3]
        return args + [k.value for k in call.keywords if k.arg in ("to", "new")]

    named = sorted({str(path.relative_to(SRC)) for path, call in _calls(lambda f: _name(f) in ("move", "transition"))
                    if any(isinstance(a, ast.Attribute) and a.attr == "APPROVED" for a in target(call))})
    assert named == []
    gate_source = (SRC / "services" / "gate.py").read_text(encoding="utf-8")
    assert "to = Status.APPROVED if result.passes else Status.NEEDS_REVIEW" in gate_source
