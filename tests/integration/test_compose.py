"""docker-compose.yml validates (no engine here: `config -q` checks keys and structure)."""

import shutil
import subprocess

import pytest

from invoicepipe.config import PROJECT_ROOT
from tests.requirements import require

pytestmark = pytest.mark.integration


def test_compose_file_validates():
    binary = shutil.which("docker-compose")
    require(binary is not None, "docker-compose (Debian package docker-compose)")
    result = subprocess.run([binary, "-f", str(PROJECT_ROOT / "docker-compose.yml"), "config", "-q"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_compose_runs_every_pool_and_the_migration():
    import yaml

    services = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())["services"]
    commands = {name: " ".join(s.get("command", [])) if isinstance(s.get("command"), list) else s.get("command", "") for name, s in services.items()}
    for needle in ("worker fast", "worker slow", "worker pipeline", "db upgrade", "serve"):
        assert any(needle in c for c in commands.values()), f"no service runs `invoicepipe {needle}`"
    assert {"redis", "postgres"} <= set(services)
