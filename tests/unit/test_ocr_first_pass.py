"""The language pass reads the upper half band by band and stops once the language is clear."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from invoicepipe.adapters import ocr_first_pass
from invoicepipe.adapters.ocr_first_pass import BANDS, band_edges, read_language_pass
from invoicepipe.adapters.ocr_languages import LanguageChoice, language_is_clear
from invoicepipe.domain.models import Box, Word

INSTALLED = frozenset({"eng", "deu", "fra", "ita", "spa"})


def _words(*texts: str) -> list[Word]:
    return [Word(t, Box(10 * i, 10, 10 * i + 8, 18), 1, 0.9) for i, t in enumerate(texts)]


def _lined_page(width: int = 1654, height: int = 2339, pitch: int = 37, line: int = 22) -> Image.Image:
    """A page of text lines (dark bars) ``line`` pixels tall every ``pitch`` pixels."""
    img = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(img)
    for top in range(60, height - 60, pitch):
        draw.rectangle((100, top, width - 100, top + line - 1), fill=20)
    return img


def test_band_cuts_fall_between_text_lines_not_through_them():
    gray = np.asarray(_lined_page().crop((0, 0, 1654, 1170)))
    edges = band_edges(gray, BANDS)
    assert edges[0] == 0 and edges[-1] == gray.shape[0] and len(edges) == BANDS + 1
    assert all(a < b for a, b in zip(edges, edges[1:]))
    for cut in edges[1:-1]:
        assert (gray[cut] < ocr_first_pass.INK_LEVEL).sum() == 0, f"cut at row {cut} goes through a line"


def test_a_clear_lead_needs_min_hits_more_than_the_runner_up():
    assert language_is_clear(_words("Rechnung", "Rechnungsdatum", "Betrag", "Summe"), INSTALLED)
    assert language_is_clear(_words("Invoice", "Date", "Total", "Amount"), INSTALLED)
    # German leads, but not by enough: English words on the page might still win
    assert not language_is_clear(_words("Rechnung", "Betrag", "Summe", "Netto", "Invoice", "Total"), INSTALLED)
    assert not language_is_clear(_words("Rechnung", "Betrag"), INSTALLED)
    assert not language_is_clear([], INSTALLED)


def _reader(per_band: list[list[str]], calls: list):
    def read(image: Image.Image, px_per_pt: float, number: int) -> list[Word]:
        calls.append(image.size)
        return _words(*per_band[len(calls) - 1]) if len(calls) <= len(per_band) else []
    return read


def test_the_pass_stops_at_the_band_that_makes_the_language_clear():
    calls: list = []
    bands = [["Acme", "GmbH"], ["Rechnung", "Rechnungsdatum"], ["Betrag", "Summe", "Netto"], ["never", "read"]]
    choice = LanguageChoice("auto", INSTALLED)
    read = read_language_pass(_lined_page(), 200 / 72, 1, _reader(bands, calls), choice)
    assert read == 3 == len(calls)
    assert choice.current == "deu+eng" and choice.decided
    # the bands are half-resolution strips of the upper half
    assert all(w == 1654 // 2 for w, _ in calls)
    assert sum(h for _, h in calls) < 2339 // 4


def test_an_unclear_page_is_read_to_the_end_of_its_upper_half_and_decided_as_a_whole():
    calls: list = []
    # two German words in each band: never a clear lead band by band, yet enough all together
    choice = LanguageChoice("auto", INSTALLED)
    read = read_language_pass(_lined_page(), 200 / 72, 1, _reader([["Rechnung", "Invoice"]] * BANDS, calls), choice)
    assert read == BANDS
    assert sum(h for _, h in calls) == pytest.approx(2339 // 4, abs=2)
    assert choice.current == "eng" and not choice.decided  # tie with English: the full read decides


def test_bands_of_bare_paper_are_not_read():
    img = Image.new("L", (1654, 2339), 250)
    ImageDraw.Draw(img).rectangle((100, 80, 1500, 110), fill=20)  # one line at the very top
    calls: list = []
    read = read_language_pass(img, 200 / 72, 1, _reader([["Invoice"]], calls), LanguageChoice("auto", INSTALLED))
    assert read == 1 == len(calls)
