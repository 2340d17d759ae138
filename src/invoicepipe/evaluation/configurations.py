"""Named extractor configurations for ``eval extraction`` and its champion–challenger runs.

| name | what changes |
| --- | --- |
| ``default`` | what production runs: shipped calibration, policy file, Tesseract then RapidOCR |
| ``no-calibration`` | raw extractor scores reach the router |
| ``no-memory`` | same as default (the layout memory is only used in learning mode) |
| ``no-history`` | the vendor's earlier invoice numbers unread (``number_series``): each document as the vendor's first |
| ``tesseract-only`` | no second OCR engine |
| ``rapidocr-only`` | RapidOCR reads every scanned page |
| ``FILE.json`` | the default with this calibration table |
| ``FILE.yaml`` / ``FILE.yml`` | the default with this policy |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from ..adapters.calibration_store import load_calibration
from ..adapters.ocr import OcrSettings
from ..adapters.policy_file import load_policy
from ..config import PROJECT_ROOT
from ..domain.calibration import CalibrationTable
from ..domain.policy import Policy
from ..errors import ConfigError

NAMES = ("default", "no-calibration", "no-memory", "no-history", "tesseract-only", "rapidocr-only")
DEFAULT_POLICY = PROJECT_ROOT / "policy" / "default.yaml"
SCHEMAS = PROJECT_ROOT / "schemas"


@dataclass(frozen=True)
class Configuration:
    name: str
    policy: Policy
    calibration: Optional[CalibrationTable]
    ocr: OcrSettings
    use_memory: bool = True
    # the invoice numbers of the vendor's documents listed earlier in the set, as the books
    # hold its earlier invoices' (``Corpus.numbers_before``)
    use_history: bool = True


def configuration(name: str, policy_path: Optional[Path] = None) -> Configuration:
    """Build the configuration called ``name`` (see the module table)."""
    policy = load_policy(policy_path or DEFAULT_POLICY, SCHEMAS)
    if name == "no-calibration":  # never loads the shipped table (refitting it must not need it)
        return Configuration(name, policy, None, OcrSettings.from_env())
    base = Configuration("default", policy, load_calibration(), OcrSettings.from_env())
    if name == "default":
        return base
    if name == "no-memory":
        return replace(base, name=name, use_memory=False)
    if name == "no-history":
        return replace(base, name=name, use_history=False)
    if name == "tesseract-only":
        return replace(base, name=name, ocr=replace(base.ocr, fallback="none"))
    if name == "rapidocr-only":
        return replace(base, name=name, ocr=replace(base.ocr, use_tesseract=False, fallback="rapidocr"))
    path = Path(name)
    if path.suffix == ".json" and path.is_file():
        return replace(base, name=path.name, calibration=load_calibration(path))
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return replace(base, name=path.name, policy=load_policy(path, SCHEMAS))
    raise ConfigError(f"unknown configuration {name!r}: use one of {', '.join(NAMES)}, a calibration .json or a policy .yaml")
