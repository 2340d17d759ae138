"""A number caption no list holds, made of the invoice's own word and a number word: it says
which document's number it is, as the vocabulary's "Inv. No." does."""

from invoicepipe.domain.extraction import extract_invoice

from .test_extraction_fields import doc_from_rows

_HEAD = {0: "Gereedschap Twente", 1: "Hengelosestraat 500", 3: "BTW: NL023700968B01"}


def _number(caption: str, more: dict = {}):
    rows = {**_HEAD, 6: [(40, "GEADRESSEERDE"), (300, f"{caption} 202600887")], 7: [(300, "Datum: 19-01-2026")], **more}
    f = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    return (f.value, f.confidence, f.evidence) if f is not None else None


def test_the_invoices_word_and_a_number_word_caption_the_invoice_number():
    # glued, abbreviated, the number word first or last, in languages or spellings no list holds
    for caption in ("Fact.nr.:", "Nr. factuur", "Fakt.-Nr.:", "Nr. faktury", "N. fatt.", "Nº doc.", "Nr dok."):
        value, confidence, evidence = _number(caption)
        assert value == "202600887", caption
        assert confidence >= 0.9 and "invoice_caption" in evidence, caption


def test_other_words_leave_the_caption_a_guess():
    # a paper's word that is not the invoice's nor the page's: some document's number, held
    for caption in ("Boekstuknr.:", "Doc. transp. nr."):
        value, confidence, evidence = _number(caption)
        assert value == "202600887" and confidence <= 0.45 and "invoice_caption" not in evidence, caption


def test_not_on_a_credit_note_nor_between_two_such_captions():
    # a credit note names the credited invoice's number with the invoice's word; its own
    # number with the document's
    found = _number("Fact.nr.:", {0: "CREDIT NOTE"})
    assert found is None or found[1] < 0.9
    value, confidence, evidence = _number("Nº doc.", {0: "CREDIT NOTE"})
    assert value == "202600887" and confidence >= 0.9 and "invoice_caption" in evidence
    # two values under two such captions: which is the invoice's, nothing says
    found = _number("Fact.nr.:", {8: [(300, "Nr. factuur 202600111")]})
    assert found is None or found[1] < 0.9


def test_a_value_the_caption_reaches_only_weakly_is_not_its_own():
    # the caption printed under its value, and two lines below it the items' first article
    # number, past the table's column names: not the number the caption names
    rows = {**_HEAD, 5: [(40, "202600887"), (150, "09.01.2026")], 6: [(40, "Fact.nr."), (150, "Fakturadato")],
            8: [(40, "Varenr."), (150, "Beskrivelse"), (400, "Belop")], 9: [(40, "PEN-1009"), (150, "Kulepenn"), (400, "135,26")]}
    f = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    # (the caption gives it nothing: calibrated on a scan, the caption's score had made it sure;
    # only its row's date, whose year opens it, names it the invoice's numbering)
    assert f is None or "invoice_caption" not in f.evidence and (f.confidence <= 0.45 or f.evidence == ("dated_in_row",))
    rows[5] = [(40, "302600887"), (150, "09.01.2026")]
    f = extract_invoice(doc_from_rows(rows), []).fields.get("invoice_number")
    assert f is None or "invoice_caption" not in f.evidence and f.confidence <= 0.45


def test_memo_no_names_a_credit_memos_own_number_but_stays_a_guess_on_an_invoice():
    value, confidence, evidence = _number("Memo No.", {0: "CREDIT NOTE"})
    assert value == "202600887" and confidence >= 0.9 and "invoice_caption" in evidence
    value, confidence, evidence = _number("Memo No.")
    assert value == "202600887" and confidence <= 0.45 and "invoice_caption" not in evidence


def test_the_document_word_cut_short_before_a_number_word_is_the_pages_own_number():
    # "Doc. n.º" over its value in a strip of captions: as "Nº doc." is, and "Documento n."
    rows = {0: "Ferragens do Norte", 3: "NIF: PT501964843",
            6: [(40, "Doc. n.º"), (140, "Data Fatura"), (240, "Vence em"), (340, "Ordem de compra")],
            7: [(40, "FT A2026/612"), (140, "22-01-2026"), (240, "21-02-2026"), (340, "4500010704")]}
    f = extract_invoice(doc_from_rows(rows), []).fields["invoice_number"]
    assert f.value == "FT A2026/612" and f.confidence >= 0.7  # a caption above its value: 0.9 x 0.8 (was 0.6 x 0.8)
