"""The default policy converts every currency the extractor reads: an invoice in one of them
is held for a missing exchange rate only where a team removed its rate."""

from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.domain.extraction.parsing import ISO_CURRENCIES


def test_every_currency_the_extractor_reads_has_a_rate():
    policy = load_policy(PROJECT_ROOT / "policy" / "default.yaml", PROJECT_ROOT / "schemas")
    amounts = policy.amounts
    missing = sorted(c for c in ISO_CURRENCIES if c != amounts.base_currency and amounts.to_base(1, c) is None)
    assert missing == []
