"""A vendor with a layout memory is extracted once: its memory is asked for as soon as the
vendor is resolved, and the result is the one of extracting without it, then with it."""

from invoicepipe.domain.extraction import extract_invoice, learn_layout
from invoicepipe.domain.layout_memory import vendor_memory_key
from invoicepipe.domain.models import Vendor
from invoicepipe.domain.policy import ParseLimits
from invoicepipe.services import parse_work
from tests.fakes import TextReaders, fake_pdf
from tests.masterdata_samples import invoice_lines

VENDORS = [Vendor("V100", "Acme Industrial Supplies GmbH", tax_id="DE123456789")]


def _parse(monkeypatch, data, vendors, answer):
    extractions, asked = [], []
    real = parse_work.extract_invoice
    monkeypatch.setattr(parse_work, "extract_invoice", lambda *a, **k: extractions.append(a[2:] + tuple(k.values())) or real(*a, **k))
    result = parse_work.parse_document(TextReaders(), data, "application/pdf", 1, ParseLimits(), vendors,
                                       ask=lambda vendor_id: asked.append(vendor_id) or answer(vendor_id))
    return result, len(extractions), asked


def test_a_vendor_with_a_memory_is_asked_once_and_extracted_once(monkeypatch):
    vendors = VENDORS
    data = fake_pdf(*invoice_lines(number="ONCE-7"), "Our ref 88-1234")
    text = parse_work.read_document(TextReaders(), data, "application/pdf", 1)
    first = extract_invoice(text, vendors)
    vendor_id = first.value("vendor_id")
    assert vendor_id
    key = vendor_memory_key(vendor_id, None)
    # a reviewer said the number is the one after "Our ref": the memory changes the reading
    memory = {key: learn_layout(text, key, {"invoice_number": "88-1234"})}
    result, extracted, asked = _parse(monkeypatch, data, vendors, lambda v: (memory, []))
    assert (extracted, asked) == (1, [vendor_id])
    twice = parse_work.finish_extraction(None, text, first, vendors, None, memory, [])
    assert result.extraction == twice and result.extraction.value("invoice_number") == "88-1234"
    assert first.value("invoice_number") != "88-1234"


def test_no_vendor_resolved_nothing_is_asked(monkeypatch):
    result, extracted, asked = _parse(monkeypatch, fake_pdf("Some letter", "Total 5.00 EUR"), [], lambda v: (None, []))
    assert (extracted, asked) == (1, [])
