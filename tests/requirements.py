"""Skip locally, fail under CI: how tests treat a missing server or tool."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, what: str) -> None:
    """Skip the test when ``condition`` is false, or fail it when running under CI=true."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available")
