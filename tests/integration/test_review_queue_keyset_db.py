"""The keyset queue on PostgreSQL too: row comparisons over timestamps with a time zone,
numerics and the server's collation walk the same order as the index, both ways."""

from __future__ import annotations

import pytest

from invoicepipe.config import Settings
from tests.conftest import lenient_policy
from tests.unit.test_review_queue_keyset import (  # noqa: F401 - the fixture and the tests, run here on PostgreSQL
    big_queue, test_counts_are_kept_through_changes_and_match_a_fresh_count, test_cursor_pages_walk_every_sort_exactly_both_ways,
    test_a_vendor_filter_pages_by_vendor_range_exactly_both_ways, test_next_and_previous_are_the_neighbours_in_the_filtered_order,
    test_page_numbers_without_a_cursor_match_the_cursor_pages, vendor_queue)

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, postgres_url) -> Settings:
    return Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url, settle_s=0.0,
                             policy_path=lenient_policy(tmp_path))
