"""The calibration split's recipe (scripts/fit_calibration.sh): every region's development
layouts in every form, and nothing an evaluation set is made of."""

import re
import shlex
from pathlib import Path

from invoicepipe.evaluation.fit_calibration import _recipes

REPO = Path(__file__).resolve().parents[2]
# the evaluation sets' seeds (README, fixtures/README.md): the generator's default and 11
EVALUATION_SEEDS = {20260314, 11}


def recipe() -> dict[str, list[str]]:
    text = (REPO / "scripts" / "fit_calibration.sh").read_text(encoding="utf-8")
    block = re.search(r"RECIPE=\((.*?)\n\)", text, re.S).group(1)
    entries = [line.strip().strip('"') for line in block.splitlines() if line.strip().startswith('"')]
    return {name: shlex.split(args) for name, args in (e.split("|", 1) for e in entries)}


def option(args: list[str], name: str, default=None):
    return args[args.index(name) + 1] if name in args else default


def generator_regions() -> set[str]:
    """The regions ``fixtures/generate.py --region`` offers."""
    text = (REPO / "fixtures" / "generate.py").read_text(encoding="utf-8")
    choices = re.search(r'"--region", choices=\(([^)]*)\)', text).group(1)
    return set(re.findall(r'"(\w+)"', choices))


def test_every_region_in_every_form_and_no_holdout_layout():
    parts = recipe()
    assert {option(a, "--region") for a in parts.values()} == generator_regions()
    for name, args in parts.items():
        if option(args, "--region") not in ("core", "world"):  # the two without a holdout part
            assert option(args, "--part") == "dev", name  # "all" would take holdout layouts in
    forms = set()
    for args in parts.values():
        split = option(args, "--split")
        if split:
            forms |= {f for f, n in zip(("digital", "scan", "image", "photo"), map(int, split.split(","))) if n}
        else:
            forms |= set(option(args, "--forms").split(","))
    assert {"digital", "scan", "photo"} <= forms


def test_seeds_are_the_splits_own():
    seeds = [int(option(a, "--seed")) for a in recipe().values()]
    assert len(set(seeds)) == len(seeds) and not set(seeds) & EVALUATION_SEEDS


def test_the_table_records_how_each_folder_was_generated(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / ".recipe").write_text("--split 1,0,0 --seed 701\n")
    (tmp_path / "mine").mkdir()
    assert _recipes([tmp_path / "core", tmp_path / "mine"]) == {"core": "--split 1,0,0 --seed 701"}
