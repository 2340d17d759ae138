"""Read the policy file (YAML or JSON) and validate it against schemas/policy.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from ..domain.policy import Policy, policy_from_dict
from ..errors import PolicyError


def load_schema(schemas_dir: Path, name: str) -> dict:
    return json.loads((Path(schemas_dir) / f"{name}.schema.json").read_text(encoding="utf-8"))


def load_policy(path: Path, schemas_dir: Path) -> Policy:
    """Parse and validate the policy; a PolicyError names the file and every violation."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read policy {path}: {exc}") from None
    validator = jsonschema.Draft202012Validator(load_schema(schemas_dir, "policy"))
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors)
        raise PolicyError(f"policy {path} is invalid: {details}")
    return policy_from_dict(raw)
