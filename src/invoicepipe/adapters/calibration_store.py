"""Loading the confidence calibration table shipped with the package (or another file).

The default table is ``domain/calibration_table.json``, read once per process on first use
and checked against the running extractor version: a table fitted for another version
would give confidences that mean nothing, so it is refused with a ConfigError.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..domain.calibration import CalibrationTable, table_from_dict
from ..domain.extraction import EXTRACTOR_VERSION
from ..errors import ConfigError

DEFAULT_TABLE = Path(__file__).resolve().parents[1] / "domain" / "calibration_table.json"


@lru_cache(maxsize=8)
def _load(path: Path) -> CalibrationTable:
    try:
        table = table_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read calibration table {path}: {exc}") from None
    if table.extractor_version != EXTRACTOR_VERSION:
        raise ConfigError(f"calibration table {path} was fitted for extractor {table.extractor_version}, "
                          f"this is {EXTRACTOR_VERSION}: refit it (python -m invoicepipe.evaluation.fit_calibration)")
    return table


def load_calibration(path: Optional[Path] = None) -> Optional[CalibrationTable]:
    """The table at ``path`` (default: the shipped one); None when no default table ships."""
    if path is None:
        if not DEFAULT_TABLE.is_file():
            return None
        path = DEFAULT_TABLE
    return _load(Path(path).resolve())
