"""Content prints through the parse step and the candidate lookup, on SQLite."""

from sqlalchemy import func, select

from invoicepipe.adapters.db import tables as t
from invoicepipe.domain.fingerprints import band_keys, classify, compare
from invoicepipe.services.ingest import ingest_bytes
from tests.fakes import SCANNED, fake_pdf
from tests.masterdata_samples import invoice_lines


def ingest(app, data, name):
    [doc] = ingest_bytes(app, data, name, "portal", "user:test").documents
    return doc["id"]


def test_parse_stores_a_print_and_a_copy_finds_its_original(loaded, run_pipeline):
    original = ingest(loaded, fake_pdf(*invoice_lines()), "a.pdf")
    # the same invoice scanned, its number misread and a stamp added: other bytes, other fields
    copy = ingest(loaded, fake_pdf(*invoice_lines(number="INV-1O01"), "COPY", header=SCANNED), "scan.pdf")
    other = ingest(loaded, fake_pdf(*invoice_lines(number="INV-2044", qty="3", price="99.00")), "b.pdf")
    run_pipeline(loaded)

    with loaded.uow.begin() as tx:
        printed = tx.content_prints.content_print(copy)
        found = tx.content_prints.content_candidates(copy, printed)
    assert printed is not None and printed.tokens > 10
    by_id = {c["document_id"]: c for c in found}
    assert copy not in by_id
    assert original in by_id
    first = by_id[original]
    assert first["status"] and first["invoice"]["invoice_number"] == "INV-1001"
    assert first["invoice"]["vendor_id"] == "V100"
    assert classify(compare(printed, first["print"])) == "copy"
    assert other not in by_id or classify(compare(printed, by_id[other]["print"])) != "copy"


def test_saving_again_replaces_the_print_and_its_keys(loaded, run_pipeline):
    doc = ingest(loaded, fake_pdf(*invoice_lines()), "a.pdf")
    run_pipeline(loaded)
    with loaded.uow.begin() as tx:
        printed = tx.content_prints.content_print(doc)
        tx.content_prints.save_content_print(doc, printed)
        tx.content_prints.save_content_print(doc, printed)
        rows = tx.conn.execute(select(func.count()).select_from(t.content_print_bands)
                               .where(t.content_print_bands.c.document_id == doc)).scalar_one()
        prints = tx.conn.execute(select(func.count()).select_from(t.content_prints)).scalar_one()
    assert rows == len(band_keys(printed)) and prints == 1


def test_a_document_without_words_or_pages_has_no_candidates(loaded, run_pipeline):
    ingest(loaded, fake_pdf(*invoice_lines()), "a.pdf")
    run_pipeline(loaded)
    from invoicepipe.domain.fingerprints import content_print

    with loaded.uow.begin() as tx:
        assert tx.content_prints.content_candidates(999, content_print([])) == []


def test_an_older_original_outranks_the_newest_invoices_sharing_template_keys(app):
    from invoicepipe.adapters.db.content_prints import PER_KEY
    from invoicepipe.domain.fingerprints import ContentPrint
    from invoicepipe.domain.models import Status

    template = [10_000 + i for i in range(64)]
    own = [90_000 + i for i in range(64)]
    # the original: 10 bands of the vendor's template wording, 6 bands of its own
    original = ContentPrint(tuple(template[:40] + own[40:]), frozenset(), frozenset(), (), 100)
    copy = ContentPrint(tuple(template[:40] + own[40:56] + [7, 7, 7, 7, 8, 8, 8, 8]), frozenset(), frozenset(), (), 100)
    with app.uow.begin() as tx:
        def add(name, content):
            doc = tx.documents.add(sha256=name.rjust(64, "0"), filename=name, channel="email", media_type="application/pdf",
                                   size_bytes=1, status=Status.EXPORTED)
            tx.content_prints.save_content_print(doc, content)
            return doc

        first = add("a", original)
        for n in range(PER_KEY + 20):  # the vendor's later invoices: same template, other content
            add(f"b{n}", ContentPrint(tuple(template[:40] + [n * 1000 + i for i in range(24)]), frozenset(), frozenset(), (), 100))
        found = tx.content_prints.content_candidates(10 ** 9, copy, limit=5)
    assert found[0]["document_id"] == first
    assert found[0]["shared_bands"] == 4  # its own bands the copy kept; its template keys are past the cap


def test_a_new_print_replaces_the_earlier_parse_s_print_and_its_keys(loaded, run_pipeline):
    doc = ingest(loaded, fake_pdf(*invoice_lines()), "a.pdf")
    other = ingest(loaded, fake_pdf(*invoice_lines(number="INV-2044", qty="3", price="99.00"), "ANOTHER LINE"), "b.pdf")
    run_pipeline(loaded)
    with loaded.uow.begin() as tx:
        newer = tx.content_prints.content_print(other)
        assert tx.content_prints.content_print(doc).to_json() != newer.to_json()
        tx.content_prints.save_content_print(doc, newer)
    with loaded.uow.begin() as tx:
        assert tx.content_prints.content_print(doc).to_json() == newer.to_json()
        stored = set(tx.conn.execute(select(t.content_print_bands.c.band, t.content_print_bands.c.band_key)
                                     .where(t.content_print_bands.c.document_id == doc)).all())
    assert stored == set(band_keys(newer))
