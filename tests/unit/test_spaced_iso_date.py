"""A space OCR put after a hyphen of a year-first date ("2026-01- 27") is no end of the date."""

import pytest

from invoicepipe.domain.extraction.candidates import dates_in


@pytest.mark.parametrize("text", ["Data wystawienia 2026-01- 27", "Data wystawienia 2026- 01-27", "2026-1- 27"])
def test_a_year_first_date_with_a_space_after_a_hyphen_is_read_whole(text):
    found = dates_in(text, 0, "dmy")
    assert [d.value.isoformat() for d in found] == ["2026-01-27"] and found[0].end == len(text)


@pytest.mark.parametrize("text", ["Pos 2026-01- 27,50", "12-01- 27", "12026-01- 27", "2026-01- 275"])
def test_no_amount_or_code_is_joined_into_a_date(text):
    assert [d.value for d in dates_in(text, 0, "dmy")] == []
