"""The letter-count bound of ``name_reach`` never sets aside a pair that reaches the score."""

import random

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from invoicepipe.domain.extraction.name_reach import NameLetters

ALPHABET = "abcde fgh&ü"


def _variant(rng, name):
    # a name with a few letters dropped, changed or added, inside a longer or shorter line
    chars = list(name)
    for _ in range(rng.randint(0, 4)):
        op, at = rng.choice("dia"), rng.randrange(len(chars) + 1)
        if op == "d" and at < len(chars):
            del chars[at]
        elif op == "i":
            chars.insert(at, rng.choice(ALPHABET))
        elif at < len(chars):
            chars[at] = rng.choice(ALPHABET)
    pad = lambda: "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
    return pad() + "".join(chars) + pad() if rng.random() < 0.7 else "".join(chars)


@pytest.mark.parametrize("score", [88, 70])
def test_pairs_out_of_reach_score_below_the_cut_off(score):
    rng = random.Random(3)
    for _ in range(60):
        names = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 24))) for _ in range(8)]
        texts = [_variant(rng, rng.choice(names)) for _ in range(20)] + ["", "x"]
        reach = NameLetters(names).within_reach(texts, score)
        partial = process.cdist(names, texts, scorer=fuzz.partial_ratio, score_cutoff=score)
        plain = process.cdist(names, texts, scorer=fuzz.ratio, score_cutoff=score)
        shorter = np.array([len(t) for t in texts])[None, :] < np.array([len(n) for n in names])[:, None]
        reached = np.where(shorter, plain, partial) >= score
        assert not (reached & ~reach).any()
        assert reach.sum() < reach.size  # the bound does set pairs aside


def test_other_letters_count_as_lacking_a_line_as_long_as_the_name_stays_and_empty_inputs_fit():
    letters = NameLetters(["acme gmbh"])
    assert letters.within_reach(["ACME GMBH 1", "acme gmbh 123", "zzz", "zzzzzzzzz"], 88).tolist() == [[False, True, False, True]]
    assert letters.within_reach([], 88).shape == (1, 0)
    assert NameLetters([]).within_reach(["acme"], 88).shape == (0, 1)


def test_vendor_name_scores_equal_every_pair_scored():
    # the scores vendor resolution reads are those of scoring every name against every line
    from invoicepipe.domain.extraction.vendor import _long_name_scores, vendor_index
    from invoicepipe.domain.models import Vendor

    rng = random.Random(5)
    names = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(6, 24))).strip() + "x" for _ in range(12)]
    index = vendor_index(tuple(Vendor(f"V-{i}", n) for i, n in enumerate(names)))
    for _ in range(30):
        texts = [_variant(rng, rng.choice(index.long_names)) for _ in range(25)]
        partial = process.cdist(index.long_names, texts, scorer=fuzz.partial_ratio, score_cutoff=88, dtype=np.float64)
        plain = process.cdist(index.long_names, texts, scorer=fuzz.ratio, score_cutoff=88, dtype=np.float64)
        shorter = np.array([len(t) for t in texts])[None, :] < np.array([len(n) for n in index.long_names])[:, None]
        assert np.array_equal(_long_name_scores(index, texts), np.where(shorter, plain, partial))
