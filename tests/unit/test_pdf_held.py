"""The probe's loaded pages kept for the read that follows (adapters/pdf_held): a read that
takes them gives what a read of its own gives, each kept document is taken once, and what
is kept stays bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicepipe.adapters import pdf_held
from invoicepipe.adapters.content_prints import pdf_thumbnail
from invoicepipe.adapters.pdf import check_limits, probe, read_text_layer_and_images
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.errors import UnreadableDocument

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "pdf"


@pytest.fixture(autouse=True)
def _nothing_kept():
    pdf_held.release_all()
    yield
    pdf_held.release_all()


def _pdfs(n: int) -> list[bytes]:
    return [p.read_bytes() for p in sorted(SAMPLE.glob("*-digital.pdf"))[:n]]


def _read(data: bytes):
    return read_text_layer_and_images(data, pdf_thumbnail, 2)


def test_a_read_after_the_probe_gives_what_a_read_alone_gives():
    for data in _pdfs(4):
        alone = _read(data)
        probe(data, "application/pdf")
        assert pdf_held.peek(data) is not None
        check_limits(data, "application/pdf", ParseLimits(), 200)  # counts on the kept document
        assert _read(data) == alone
        assert pdf_held.peek(data) is None  # taken once
        assert _read(data) == alone


def test_at_most_kept_documents_stay_loaded_the_oldest_closed_first():
    datas = _pdfs(pdf_held.KEPT + 1)
    for data in datas:
        probe(data, "application/pdf")
    probe(datas[-1], "application/pdf")  # probed again: one copy kept
    assert [d.data for d in pdf_held._KEPT] == datas[1:]  # noqa: SLF001 - the bound is the point
    assert _read(datas[0]) == _read(datas[0])  # pushed out: read from the bytes


@pytest.mark.parametrize("limit", ["MAX_PAGES", "MAX_BYTES"])
def test_a_document_too_long_or_too_large_for_the_fast_pool_is_not_kept(monkeypatch, limit):
    data = _pdfs(1)[0]
    monkeypatch.setattr(pdf_held, limit, 0)
    probe(data, "application/pdf")
    assert pdf_held.peek(data) is None
    assert _read(data)[0].pages  # read from the bytes


def test_an_unreadable_document_keeps_nothing():
    with pytest.raises(UnreadableDocument):
        probe(b"%PDF-1.4 not really", "application/pdf")
    assert not pdf_held._KEPT  # noqa: SLF001
