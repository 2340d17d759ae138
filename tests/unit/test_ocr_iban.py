"""A scanned IBAN that fails its checks read again on its own (``adapters/ocr_iban``,
``bank_details.garbled_iban_runs`` and ``with_iban_reading``): a reading that passes the
check digits is written into the words the page read it in; one that does not changes
nothing, and the IBAN stays reported unreadable."""

from PIL import Image

from invoicepipe.adapters.ocr_iban import reread_ibans
from invoicepipe.domain.extraction import extract_invoice
from invoicepipe.domain.extraction.bank_details import flag_unreadable_iban, garbled_iban_runs, with_iban_reading
from invoicepipe.domain.models import Box, DocumentText, ExtractedField, Extraction, Page, Word

IMAGE = Image.new("L", (1700, 2300), 255)
PX = 200 / 72


def _w(text: str, x0: float, top: float = 700.0, conf: float = 0.9) -> Word:
    return Word(text, Box(x0, top, x0 + 5.0 * len(text), top + 8.0), 1, conf)


def _page(iban_words: list[str]) -> Page:
    words, x = [_w("Invoice", 40, 100), _w("No.", 80, 100), _w("A-1001", 100, 100), _w("IBAN:", 40)], 72.0
    for text in iban_words:
        words.append(_w(text, x))
        x += 5.0 * len(text) + 4.0
    words.append(_w("BIC", x + 20))
    words.append(_w("OKQSNOMH", x + 40))
    return Page(1, 595, 842, tuple(words), "ocr_tesseract")


GARBLED = ["ATZ8", "5879", "2257", "0307", "9434"]  # "7" read as "Z" in the check digits
VALID = "AT785879225703079434"


def test_the_words_of_a_garbled_iban_are_found_on_its_line():
    page = _page(GARBLED)
    (run,) = garbled_iban_runs(page)
    assert [page.words[i].text for i in run[:5]] == GARBLED
    assert garbled_iban_runs(_page(["AT78", "5879", "2257", "0307", "9434"])) == []  # read: nothing to read again


def test_a_valid_reading_is_written_into_the_words_and_every_other_word_keeps_its_place():
    doc = DocumentText((_page(GARBLED),), None, "test")
    (run,) = garbled_iban_runs(doc.pages[0])
    read = with_iban_reading(doc, 1, run, VALID, 0.97)
    words = read.pages[0].words
    assert len(words) == len(doc.pages[0].words) and "".join(w.text for w in words[4:9]) == VALID
    assert [w.text for w in words[9:]] == ["BIC", "OKQSNOMH"] and words[4].box == doc.pages[0].words[4].box
    assert extract_invoice(read, ()).value("iban") == VALID


def test_a_group_the_page_read_short_takes_its_share_of_the_characters():
    # "IT22 Q171 3 6999 …": the page lost "874" of a group; the words still hold the whole IBAN
    doc = DocumentText((_page(["IT22", "Q171", "3", "6999", "5360", "7201", "731"]),), None, "test")
    (run,) = garbled_iban_runs(doc.pages[0])
    # the second reading's IBAN ends where the page's "731" does: "BIC" after it keeps its text
    read = with_iban_reading(doc, 1, run, "IT22Q1713874699953607201731", 0.9, right=doc.pages[0].words[10].box.x1)
    assert "".join(w.text for w in read.pages[0].words[4:11]) == "IT22Q1713874699953607201731"
    assert [w.text for w in read.pages[0].words[11:]] == ["BIC", "OKQSNOMH"]
    assert extract_invoice(read, ()).value("iban") == "IT22Q1713874699953607201731"
    # without where it ends, the words are taken up to the IBAN's length, "BIC" with them
    assert with_iban_reading(doc, 1, run, "IT22Q1713874699953607201731", 0.9).pages[0].words[11].text != "BIC"


def _reader(text: str, calls: list):
    def read(image, px, number):
        calls.append(text)
        return [Word(text, Box(0, 0, 100, 10), number, 0.95)] if text else []
    return read


def test_the_engines_read_in_turn_until_one_reads_a_valid_iban():
    doc = DocumentText((_page(GARBLED),), None, "test")
    calls = []
    read = reread_ibans(doc, {1: (IMAGE, PX)}, [_reader("ATZ8 5879 2257 0307 9434 BIC OKQSNOMH", calls),
                                                _reader("AT78 5879 2257 0307 9434 BIC OKQSNOMH", calls),
                                                _reader("never asked", calls)])
    assert calls == ["ATZ8 5879 2257 0307 9434 BIC OKQSNOMH", "AT78 5879 2257 0307 9434 BIC OKQSNOMH"]
    assert [w.text for w in read.pages[0].words[9:]] == ["BIC", "OKQSNOMH"]
    assert read.pages[0].capture == {"ibans_reread": 1, "ibans_read": 1}
    extraction = extract_invoice(read, ())
    assert extraction.value("iban") == VALID and flag_unreadable_iban(extraction, read).warnings == extraction.warnings


def test_no_valid_reading_leaves_the_page_as_read_and_the_iban_unreadable():
    doc = DocumentText((_page(GARBLED),), None, "test")
    read = reread_ibans(doc, {1: (IMAGE, PX)}, [_reader("ATZ8 5879 2257 0307 9434", []), _reader("", [])])
    assert read.pages[0].words == doc.pages[0].words and read.pages[0].capture == {"ibans_reread": 1, "ibans_read": 0}
    extraction = extract_invoice(read, ())
    assert extraction.value("iban") is None and "iban_unreadable:1" in flag_unreadable_iban(extraction, read).warnings
    # a page not read by OCR, or with no garbled IBAN, is not read again
    calls = []
    assert reread_ibans(doc, {}, [_reader("x", calls)]) is doc and calls == []


def test_a_group_past_a_wide_gap_takes_its_characters_when_the_reading_reaches_over_it():
    # "NL27 LINW 6599 3800" (a 3 read as 8) and, further off than a group gap, "87": the second reading's IBAN
    # ends past "87", so "87" keeps its own two characters and "3800" is not given them twice
    words = [_w("IBAN:", 40), _w("NL27", 72), _w("LINW", 96), _w("6599", 120), _w("3800", 144), _w("87", 220),
             _w("voorwaarden", 300)]
    doc = DocumentText((Page(1, 595, 842, tuple(words), "ocr_tesseract"),), None, "test")
    (run,) = garbled_iban_runs(doc.pages[0])
    assert run == (1, 2, 3, 4)
    read = with_iban_reading(doc, 1, run, "NL27LINW6599330087", 0.9, right=240.0)
    assert "".join(w.text for w in read.pages[0].words[1:6]) == "NL27LINW6599330087"
    assert read.pages[0].words[6].text == "voorwaarden"


def test_words_listed_out_of_reading_order_are_taken_by_their_line():
    # a page lists "7976" (a misread "7975") before the label: the run holds it, left to right
    page = _page(["GB32", "PXMP", "7976", "4399", "1303", "21"])
    words = list(page.words)
    words.insert(0, words.pop(6))
    garbled = Page(1, 595, 842, tuple(words), "ocr_tesseract")
    (run,) = garbled_iban_runs(garbled)
    assert [garbled.words[i].text for i in run[:6]] == ["GB32", "PXMP", "7976", "4399", "1303", "21"]
    doc = DocumentText((garbled,), None, "test")
    read = reread_ibans(doc, {1: (IMAGE, PX)}, [_reader("GB32 PXMP 7975 4399 1303 21 BIC OKQSNOMH", [])])
    assert extract_invoice(read, ()).value("iban") == "GB32PXMP79754399130321"
    # listed so but read right, the line reads the IBAN whole: the document is not read again
    shuffled = DocumentText((Page(1, 595, 842, tuple(Word("7975", w.box, 1, w.confidence) if w.text == "7976" else w
                                                     for w in words), "ocr_tesseract"),), None, "test")
    calls = []
    assert reread_ibans(shuffled, {1: (IMAGE, PX)}, [_reader("x", calls)]) is shuffled and calls == []


def test_a_document_whose_iban_the_extractor_reads_is_not_read_again():
    # an IBAN shape fails on the page's words, but the extractor reads the document's IBAN (elsewhere,
    # or past what the words' order hides): its words are not rewritten
    doc = DocumentText((_page(GARBLED),), None, "test")
    read_elsewhere = ExtractedField("iban", VALID, 0.95, "label_right")
    calls = []
    assert reread_ibans(doc, {1: (IMAGE, PX)}, [_reader("AT78 5879 2257 0307 9434", calls)],
                        extract=lambda d: Extraction({"iban": read_elsewhere})) is doc and calls == []
    # the extractor reading none, the line is read again
    assert reread_ibans(doc, {1: (IMAGE, PX)}, [_reader("AT78 5879 2257 0307 9434", calls)],
                        extract=lambda d: Extraction({})) is not doc and calls
