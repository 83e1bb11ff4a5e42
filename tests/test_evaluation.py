"""AUROC and average precision against hand-worked examples and their defining properties."""

import numpy as np
import pytest

from acme_utils.evaluation import auroc, average_precision


def test_auroc_hand_worked():
    # pairs (pos, neg): (0.8,0.1) win, (0.8,0.4) win, (0.35,0.1) win, (0.35,0.4) loss -> 3/4
    assert auroc([1, 0, 1, 0], [0.8, 0.1, 0.35, 0.4]) == pytest.approx(0.75)
    assert auroc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)  # a tie counts one half
    assert (
        auroc([1, 1, 0, 0], [4, 3, 2, 1]) == 1.0
        and auroc([0, 0, 1, 1], [4, 3, 2, 1]) == 0.0
    )


def test_auroc_matches_pairwise_definition():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.normal(size=300) + y, 1)  # rounding creates ties
    pos, neg = s[y == 1], s[y == 0]
    diff = pos[:, None] - neg[None, :]
    expected = ((diff > 0) + 0.5 * (diff == 0)).mean()
    assert auroc(y, s) == pytest.approx(expected)


def test_average_precision_hand_worked():
    # ranking: 0.9(+) 0.8(-) 0.7(+) 0.1(-): AP = 1/2 * 1 + 1/2 * 2/3
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(
        0.5 + 1 / 3
    )
    assert average_precision([1, 1, 0], [3, 2, 1]) == 1.0
    # all scores tied: one threshold, precision = prevalence
    assert average_precision([1, 0, 0, 0], [1, 1, 1, 1]) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "y, s, message",
    [
        ([1, 1], [0.1, 0.2], "both classes"),
        ([1, 0], [0.1], "entries"),
        ([1, 2], [0, 1], "only 0 and 1"),
        ([1, 0], [np.nan, 1], "NaN"),
        ([], [], "empty"),
    ],
)
def test_bad_input(y, s, message):
    with pytest.raises(ValueError, match=message):
        auroc(y, s)
