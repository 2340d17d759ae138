"""Content prints: numeric tokens, MinHash, perceptual hashes, band keys and comparison."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from invoicepipe.domain.fingerprints import (
    _PERMS, _PRIME, ContentPrint, _min_slots, band_keys, classify, compare, content_print, hamming, image_hash, numeric_token,
    text_print,
)
from invoicepipe.domain.models import Box, Word

ROOT = Path(__file__).resolve().parents[2]


def words(text: str) -> list[Word]:
    """One word per space-separated token, laid out left to right on lines of 12 pt."""
    out = []
    for row, line in enumerate(text.strip().splitlines()):
        x = 40.0
        for token in line.split():
            width = 6.0 * len(token)
            out.append(Word(token, Box(x, 12.0 * row, x + width, 12.0 * row + 9), 1))
            x += width + 4
    return out


INVOICE = """
ACME GmbH Industriestrasse 4 10117 Berlin
Rechnung Nr. RE-2026-00897 Datum: 08.01.2026 Fällig: 07.02.2026
Pos Artikel Menge Preis Betrag
1 Sechskantmutter M4 50 4,20 210,00
2 Schraube M6 120 11,26 1.351,20
Nettobetrag 1.561,20 EUR MwSt 19% 296,63 Gesamt 1.857,83 EUR
IBAN DE13 1828 1484 2491 8004 87
"""


@pytest.mark.parametrize("printed", ["6,018.78", "6.018,78", "6 018,78", "6'018.78", "€6,018.78", "6.O18,78", "-6,018.78"])
def test_amounts_agree_whatever_the_grouping_and_ocr_confusions(printed):
    assert numeric_token(printed) == "6018.78"


def test_numeric_tokens_of_dates_ids_and_words():
    assert numeric_token("14.03.2026") == "14032026"
    assert numeric_token("l4.O3.2O26") == "14032026"
    assert numeric_token("1,23,456.00") == "123456.00"
    assert numeric_token("19%") == "19"
    assert numeric_token("Rechnung") is None
    assert numeric_token("7") is None  # a single digit tells nothing
    assert numeric_token("RE-2026") is None  # letters that are no OCR confusion: not a number


def test_a_number_split_at_its_thousands_space_is_joined_again():
    _, numbers, _, _ = text_print(words("Total 6 018,78 EUR"))
    assert "6018.78" in numbers
    _, far_apart, _, _ = text_print([Word("6", Box(10, 0, 16, 9), 1), Word("018,78", Box(300, 0, 336, 9), 1)])
    assert "6018.78" not in far_apart


def test_dates_are_found_in_every_printed_form():
    _, _, dates, _ = text_print(words("Datum 08.01.2026 due 2026-02-07 le 14 mars 2026 on 14 March 2026 am 3. März 2026 03/14/2026"))
    assert dates == {"2026-01-08", "2026-02-07", "2026-03-14", "2026-03-03"}


def test_a_month_name_counts_only_between_a_day_and_a_year_wherever_it_repeats():
    from invoicepipe.domain.printed_text import printed_dates

    assert printed_dates(["March", "14", "March", "2026", "March"]) == {"2026-03-14"}  # the first and last: no neighbours
    assert printed_dates(["14", "March", "2026", "Mar.", "15", "March", "2O27"]) == {"2026-03-14", "2027-03-15"}
    assert printed_dates(["May", "2026", "1", "may", "2026"]) == {"2026-05-01"}  # the first has no day
    assert printed_dates(["31", "feb", "2026", "31.02.2026", "2026-02-31"]) == set()  # no such day


def test_minhash_is_deterministic_across_processes():
    here = text_print(words(INVOICE))[0]
    script = ("import sys; sys.path.insert(0, 'src'); from tests.unit.test_fingerprints import words, INVOICE;"
              "from invoicepipe.domain.fingerprints import text_print; print(list(text_print(words(INVOICE))[0]))")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        assert tuple(int(v) for v in out.stdout.strip()[1:-1].split(",")) == here


def test_minhash_estimates_the_jaccard_similarity():
    base = [f"w{i}" for i in range(200)]
    half = base[:100] + [f"x{i}" for i in range(100)]  # Jaccard 100 / 300
    a, b = text_print(words(" ".join(base)))[0], text_print(words(" ".join(half)))[0]
    agree = sum(x == y for x, y in zip(a, b)) / len(a)
    assert abs(agree - 1 / 3) < 0.15
    assert text_print(words(" ".join(base)))[0] == a


def _page(draw, width=64, height=90):
    return bytes(draw(x, y) for y in range(height) for x in range(width)), width, height


def _blocks(x, y):
    return 20 if (10 < x < 30 and 10 < y < 25) or (35 < x < 60 and 50 < y < 80) else 240


def test_image_hash_ignores_page_tone_and_contrast():
    plain = image_hash(*_page(_blocks))
    grey_paper = image_hash(*_page(lambda x, y: 14 + int(_blocks(x, y) * 0.8)))
    other_layout = image_hash(*_page(lambda x, y: 20 if (5 < y < 20 or 60 < x < 64) else 240))
    assert hamming(plain, grey_paper) <= 2
    assert hamming(plain, other_layout) > 10
    assert 0 <= plain < 2 ** 64


def test_prints_made_now_equal_the_ones_stored_before():
    """Stored prints are compared with new ones: the slots and page hashes of known inputs
    are pinned to what the first version of the algorithm gave."""
    assert text_print(words(INVOICE))[0][:8] == (84918869948904978, 47662257223367717, 29656838503850018, 25198925820936586,
                                                71396475060087374, 59818535989175385, 82872797725028, 13291351247410369)
    assert image_hash(*_page(_blocks)) == 0xE8B5394A87C6C64E
    assert image_hash(*_page(lambda x, y: (x * 7 + y * 13) % 256)) == 0xA5EEA50EA50EA50F


@pytest.mark.parametrize("hashes", [[0], [1, 2, 3], [_PRIME - 1, _PRIME, _PRIME + 1], [2 ** 64 - 1, 2 ** 63, 2 ** 61],
                                    [(2 ** 64 - 1) - k * 977 for k in range(50)], [k * 0x9E3779B97F4A7C15 % 2 ** 64 for k in range(200)]])
def test_minhash_slots_are_the_exact_modular_formula(hashes):
    assert _min_slots(hashes) == tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMS)


def test_image_hash_takes_ints_as_well_as_bytes():
    gray, width, height = _page(_blocks)
    assert image_hash(list(gray) + [0, 0], width, height) == image_hash(gray, width, height)


def test_image_hash_refuses_a_buffer_too_small():
    with pytest.raises(ValueError):
        image_hash(bytes(16 * 16), 16, 16)


def _with_hash(h: int, text: str = INVOICE) -> ContentPrint:
    p = content_print(words(text))
    return ContentPrint(p.minhash, p.numbers, p.dates, (h,), p.tokens)


def _image_keys(p: ContentPrint) -> set:
    return {k for k in band_keys(p) if k[0].startswith("page")}


def test_image_hashes_within_three_bits_share_a_band_key():
    h = 0x0123_4567_89AB_CDEF
    near = h ^ 0b1011  # three bits, all in the last chunk
    spread = h ^ (1 << 60) ^ (1 << 40) ^ (1 << 20)  # three bits in three chunks
    four_chunks = spread ^ 1  # one bit in each chunk
    assert _image_keys(_with_hash(h)) & _image_keys(_with_hash(near))
    assert _image_keys(_with_hash(h)) & _image_keys(_with_hash(spread))
    assert not _image_keys(_with_hash(h)) & _image_keys(_with_hash(four_chunks))


def test_alike_texts_share_a_text_band_and_unrelated_texts_do_not():
    a = content_print(words(INVOICE))
    stamped = content_print(words(INVOICE + "\nKOPIE"))
    unrelated = content_print(words("Thames Office Direct Limited Invoice 4471 dated 2025-11-02 total £88.20 paper A4 box"))
    text_keys = lambda p: {k for k in band_keys(p) if k[0].startswith("text")}  # noqa: E731
    assert len(text_keys(a)) == 16
    assert text_keys(a) & text_keys(stamped)
    assert not text_keys(a) & text_keys(unrelated)
    assert band_keys(content_print([])) == []  # nothing printed: no key every empty page would share


def test_json_round_trip():
    p = _with_hash(0xFFFF_0000_FFFF_0000)
    assert ContentPrint.from_json(p.to_json()) == p


def test_compare_a_copy_a_recurring_invoice_and_another_invoice():
    original = _with_hash(0x0F0F_0F0F_0F0F_0F0F)
    stamped = _with_hash(0x0F0F_0F0F_0F0F_0F1F, INVOICE + "\nKOPIE")
    recurring = _with_hash(0x0F0F_0F0F_0F0F_0F0F, INVOICE.replace("00897", "00900").replace("08.01.2026", "08.02.2026")
                           .replace("07.02.2026", "09.03.2026"))
    other = _with_hash(0x0F0F_0F0F_0F0F_0F0F, INVOICE.replace("50 4,20 210,00", "10 4,20 42,00").replace("00897", "00912")
                       .replace("1.561,20", "1.393,20").replace("296,63", "264,71").replace("1.857,83", "1.657,91")
                       .replace("08.01.2026", "20.01.2026").replace("07.02.2026", "19.02.2026").replace("120 11,26 1.351,20", "3 9,80 29,40"))

    copy = compare(original, stamped)
    assert copy.numbers == 1.0 and copy.text > 0.8 and copy.image == pytest.approx(1 - 1 / 64, abs=1e-3)
    assert copy.amounts == 1.0
    assert copy.shared_dates == ("2026-01-08", "2026-02-07") and not copy.dates_disjoint
    assert classify(copy) == "copy"
    assert "same dates printed" in copy.summary

    again = compare(original, recurring)
    assert again.dates_disjoint and again.numbers > 0.6
    assert classify(again) == "recurring"
    assert "no printed date in common" in again.summary

    different = compare(original, other)
    assert different.numbers < 0.6 and different.amounts < 0.5
    assert classify(different) in ("same_layout", "unrelated")

    assert compare(original, content_print(words(INVOICE))).image is None
    assert compare(original, original).text == 1.0


def test_compare_words_its_summary_only_when_a_reader_asks():
    """A decision compares its print with up to 50 candidates and words only a duplicate."""
    original = content_print(words(INVOICE))
    similarity = compare(original, content_print(words(INVOICE)))
    assert similarity.written_summary is None
    assert similarity.summary.startswith("wording 100% alike")
    assert similarity.written_summary == similarity.summary
