"""The audit key: from the environment, a key file, or generated once under the var folder."""

import os
import stat

import pytest

from invoicepipe.adapters.audit_key import load_audit_key
from invoicepipe.config import Settings
from invoicepipe.errors import ConfigError


def settings(tmp_path, **env):
    return Settings.from_env({k: str(v) for k, v in env.items()}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox",
                             database_url=f"sqlite:///{tmp_path / 'var' / 'k.db'}")


def test_embedded_default_generates_a_private_key_once_and_reuses_it(tmp_path):
    first = load_audit_key(settings(tmp_path))
    path = tmp_path / "var" / "audit.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) >= 32
    assert load_audit_key(settings(tmp_path)) == first
    assert [p.name for p in path.parent.iterdir()] == ["audit.key"]  # no temporary file left behind


def test_environment_and_key_file_win_over_the_generated_key(tmp_path):
    assert load_audit_key(settings(tmp_path, INVOICEPIPE_AUDIT_KEY="e" * 40)) == b"e" * 40
    key_file = tmp_path / "secret"
    key_file.write_text("f" * 40 + "\n")
    assert load_audit_key(settings(tmp_path, INVOICEPIPE_AUDIT_KEY_FILE=key_file)) == b"f" * 40
    assert not (tmp_path / "var" / "audit.key").exists()


def test_short_or_missing_keys_are_configuration_errors(tmp_path):
    with pytest.raises(ConfigError, match="too short"):
        load_audit_key(settings(tmp_path, INVOICEPIPE_AUDIT_KEY="short"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_audit_key(settings(tmp_path, INVOICEPIPE_AUDIT_KEY_FILE=tmp_path / "nowhere"))


def test_the_key_is_not_shown_in_the_settings(tmp_path):
    assert "e" * 40 not in repr(settings(tmp_path, INVOICEPIPE_AUDIT_KEY="e" * 40))
