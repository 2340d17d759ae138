import pytest
import yaml

from invoicepipe.adapters.policy_file import load_policy
from invoicepipe.config import PROJECT_ROOT
from invoicepipe.errors import PolicyError

DEFAULT = PROJECT_ROOT / "policy" / "default.yaml"
SCHEMAS = PROJECT_ROOT / "schemas"


def test_default_policy_validates_and_loads():
    policy = load_policy(DEFAULT, SCHEMAS)
    assert policy.version
    assert policy.routing.threshold("total") == 0.95
    assert policy.routing.threshold("unlisted_field") == policy.routing.default_threshold
    assert [b.above for b in policy.routing.amount_bands] == sorted(b.above for b in policy.routing.amount_bands)


def test_invalid_policy_names_the_offending_path(tmp_path):
    raw = yaml.safe_load(DEFAULT.read_text())
    raw["routing"]["thresholds"]["total"] = 1.5
    raw["triage"]["unknown_key"] = 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(PolicyError) as err:
        load_policy(bad, SCHEMAS)
    assert "routing/thresholds/total" in str(err.value)
    assert "unknown_key" in str(err.value)


def test_vendor_override_threshold_wins(tmp_path):
    raw = yaml.safe_load(DEFAULT.read_text())
    raw["routing"]["vendor_overrides"] = {"V9": {"thresholds": {"total": 0.99}}}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw))
    policy = load_policy(path, SCHEMAS)
    assert policy.routing.threshold("total", "V9") == 0.99
    assert policy.routing.threshold("total", "V1") == 0.95
