import pytest

from invoicepipe.domain.sniff import EML, JPEG, PDF, PNG, TIFF, require_accepted
from invoicepipe.errors import UnsupportedInput


@pytest.mark.parametrize("head,expected", [
    (b"%PDF-1.7\n...", PDF),
    (b"\xef\xbb\xbfjunk%PDF-1.4", PDF),
    (b"\x89PNG\r\n\x1a\n....", PNG),
    (b"\xff\xd8\xff\xe0..JFIF", JPEG),
    (b"II*\x00....", TIFF),
    (b"MM\x00*....", TIFF),
    (b"Received: from mx\r\nFrom: a@b\r\n", EML),
])
def test_accepted_types_are_recognised_by_content(head, expected):
    assert require_accepted(head, "whatever.bin") == expected


def test_html_named_pdf_is_rejected_with_what_it_looks_like_not_its_bytes():
    with pytest.raises(UnsupportedInput) as err:
        require_accepted(b"<html><body>Invoice</body></html>", "invoice.pdf")
    assert err.value.reason == "not a PDF, image or e-invoice XML (looks like HTML)"


@pytest.mark.parametrize("head,kind", [
    (b"DB_PASSWORD=hunter2-secret\x00HOME=/root\x00", "unknown binary data"),  # /proc/self/environ
    (b"DB_PASSWORD=hunter2-secret\nHOME=/root\n", "looks like plain text"),
    (b"PK\x03\x04secret.xml", "looks like a ZIP archive or Office document"),
    (b"<?xml version='1.0'?><Invoice>", "looks like XML, but not a UBL 2.1 Invoice/CreditNote or UN/CEFACT CII invoice"),
    (b"\x00\x01\x02password", "unknown binary data"),
])
def test_no_rejection_reason_quotes_the_file(head, kind):
    with pytest.raises(UnsupportedInput) as err:
        require_accepted(head, "x.pdf")
    assert err.value.reason == f"not a PDF, image or e-invoice XML ({kind})"
    assert "hunter2" not in err.value.reason and "secret" not in err.value.reason and "password" not in err.value.reason


def test_empty_file_is_rejected_as_empty():
    with pytest.raises(UnsupportedInput, match="file is empty"):
        require_accepted(b"", "x.pdf")


def test_binary_garbage_is_described_printably():
    with pytest.raises(UnsupportedInput) as err:
        require_accepted(b"\x00\x01\x02PK\x03\x04", "a.docx")
    assert "not a PDF, image or e-invoice XML" in err.value.reason and "\x00" not in err.value.reason
