"""A mask's pieces are labelled with 16-bit labels while their count fits (``opencv.
pieces_with_stats``): the same labels and boxes as OpenCV's 32-bit labelling, for a third
of its CPU, and 32-bit labels for a mask of more pieces than 16 bits can number."""

import numpy as np

from invoicepipe.adapters.opencv import cv2, pieces_with_stats


def _print_like() -> np.ndarray:
    rng = np.random.default_rng(7)
    mask = np.zeros((600, 400), np.uint8)
    for _ in range(300):  # letters and words of a few sizes, some touching
        y, x = int(rng.integers(0, 580)), int(rng.integers(0, 370))
        mask[y:y + int(rng.integers(2, 18)), x:x + int(rng.integers(2, 30))] = 1
    return mask


def test_pieces_are_labelled_as_opencv_labels_them_with_16_bit_labels():
    mask = _print_like()
    count, labels, stats, centroids = pieces_with_stats(mask, connectivity=8)
    want = cv2.connectedComponentsWithStats(mask, connectivity=8)
    assert labels.dtype == np.uint16
    assert count == want[0] and (labels == want[1]).all() and (stats == want[2]).all()
    assert np.allclose(centroids, want[3])


def test_a_mask_of_more_pieces_than_16_bits_number_takes_32_bit_labels():
    mask = np.zeros((600, 500), np.uint8)
    mask[::2, ::2] = 1  # 75,000 single pixels, none touching
    count, labels, stats, _ = pieces_with_stats(mask, connectivity=8)
    assert count == 75_001 and labels.dtype == np.int32 and labels.max() == 75_000
    assert (stats[1:, cv2.CC_STAT_AREA] == 1).all()
