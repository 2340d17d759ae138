"""Document readers: the single import point for probing, text-layer reading and OCR.

``READER_VERSION`` names this reader code; ``DocumentText.reader`` additionally records the
library or engine version that produced the words, so an extraction can be traced to both.
"""

from __future__ import annotations

from invoicepipe.adapters import pdf
from invoicepipe.adapters.einvoice_file import check_xml_limits, probe_xml, read_einvoice_file
from invoicepipe.adapters.ocr import OcrSettings, read_with_ocr, tesseract_version
from invoicepipe.adapters.pdf import einvoice_xml, read_text_layer, read_text_layer_and_images
from invoicepipe.adapters.plain_text import read_plain_text
from invoicepipe.domain.sniff import XML

READER_VERSION = "readers-1.36"  # 1.36: the garbled IBAN found in the page's word order again (a value after its label on the next line, a footer wrapped), every word of its line within its stretch taken left to right; 1.35: the garbled IBAN's words taken by the line they stand on, left to right (a page lists a word of the line before the line's start now and then; 1.34 rewrote an IBAN the line read whole); 1.34: a scanned IBAN that fails its checks read again on its own, by RapidOCR then Tesseract, and written into its words when a reading passes them (ocr_iban); 1.33: an invoice or PO number RapidOCR read otherwise than the page is read by Tesseract's own crop too (also where they differ only in confusable shapes), and takes the characters both crops read exactly, lifted as two readings, when the page's word is within two characters of them; two engines reading the same letters in another case agree (ocr_confirm, identifier_reread); 1.32: an invoice or PO number wrapped onto two lines in its cell ("RE2026-" over "00367") read again line by line, each line's crop on its own, and read wider line by line (ocr_confirm; one crop of both lines held the label beside the first and read as neither); 1.31: Czech, Slovak, Croatian and Slovenian pages read with their own Tesseract models where installed (ocr_languages; the set-up script installs them); 1.30: a scanned table whose items fall short of a net that independent evidence backs has its rows read again at twice the scale as one block of rows, the words added where the first reading read nothing and kept only when the items then add up to that net (ocr_items, item_reread); 1.29: a scanned date of issue that is missing or unsure has its label's cell read again at twice the scale as a block of rows, kept on the date's rows when it gives the date or gives it more surely (ocr_dates, date_reread); 1.28: a label lost under a stamp in a key-value column (no sure word between the labels' column and a value beside other rows' read labels) read again with the stamp's lighter grey made paper, taken when Tesseract and RapidOCR read the same letters (ocr_label_cells), and on a page page_stamps changed, a value with a digit in the changed pixels that the page as it was reads otherwise is named as doubted and held (ocr_stamp_witness); 1.27: a word read inside another word's box at under half its height (a speck read as a character) dropped from an OCR page (ocr_specks); 1.26: an invoice or PO number two engines read differently only in confusable shapes takes the reading its own print's glyphs side with, compared with the same characters printed elsewhere in the value and on the page (ocr_glyphs), at the confidence of two witnesses; 1.25: only a stamp-sized group of translucent ink is taken out (a word or an amount in a full red is print; page_stamps; the dev photos read bit for bit as with 1.24); 1.24: a number sign RapidOCR read glued to a surely read invoice number on its wider reading ("n.º2026/0729") is a label, not print the page lost (identifier_reread.extended); 1.23: a colour page's light coloured ink over the print (a receipt stamp across the labels) taken out of the grey page by the channel it lets through (page_stamps); 1.22: a surely read invoice number's line read by RapidOCR again, wider (up to the words the page read beside it), and held when it reads the value inside a longer token (a prefix lost under a stamp; ocr_confirm, identifier_reread.extended); 1.21: as 1.20, the search for unread print at 150 dpi and only the detected lines that hold unread print recognized (a third of the CPU); 1.20: the print no sure Tesseract word covers (under a stamp, a block the page segmentation dropped) read by RapidOCR, its words taken where Tesseract read nothing surely, and read again by Tesseract when they hold an invoice or PO number (ocr_unread, ocr_confirm); 1.19: as 1.18 for a surely read invoice number, which stays named as doubted; 1.18: a one-word code RapidOCR reads otherwise takes its characters (held) also when Tesseract's own crop reads them (ocr_confirm); 1.17: an unsure code the two engines read differently only in confusable shapes (O/0, I/1, S/5, B/8, "$" for S) takes the other engine's characters, still held (ocr_confirm); 1.16: a sure value another engine doubts keeps its words and is named as doubted in the capture record (ocr_confirm); 1.15: a surely read invoice number read by RapidOCR too, held when it reads other characters (ocr_confirm); 1.14: those numbers read again by RapidOCR's recognizer where it is installed, a disagreement of the two engines holds the value (ocr_confirm); 1.13: unsurely read invoice and PO numbers read again on their own, two agreeing readings counted (ocr_confirm); 1.12: codes whose letters touch digits read again, doubted when the readings differ (ocr_identifiers); 1.11: a rule erased without the print beside it (table_grid)

__all__ = ["READER_VERSION", "OcrSettings", "check_limits", "einvoice_xml", "probe", "read_einvoice_file", "read_plain_text",
           "read_text_layer", "read_text_layer_and_images", "read_with_ocr", "tesseract_version"]


def probe(data: bytes, media_type: str):
    """Triage's facts of a PDF, image or stand-alone e-invoice XML."""
    return probe_xml(data) if media_type == XML else pdf.probe(data, media_type)


def check_limits(data: bytes, media_type: str, limits, dpi=None) -> None:
    """Refuse a document over the policy's limits before reading it (pages, pixels, XML size)."""
    if media_type == XML:
        check_xml_limits(data, limits)
    else:
        pdf.check_limits(data, media_type, limits, dpi)
