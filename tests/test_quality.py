"""Ground-truth attribution quality on hand-built maps whose answers are known."""

import numpy as np
import pytest

from acme_utils import quality


def _case():
    """One sequence of length 30: motif (IC=2) at 5-9, weak flank (0<IC<=0.1) at 10, rest background."""
    L = 30
    x = np.zeros((1, L, 4), np.float32)
    x[0, :, 0] = 1  # all A
    pwm = np.full((1, L, 4), 0.25, np.float32)
    pwm[0, 5:10] = [1, 0, 0, 0]
    pwm[0, 10] = [
        0.27,
        0.25,
        0.24,
        0.24,
    ]  # IC ~ 0.001 bits: neither motif nor background
    return x, pwm


def test_snr_hand_worked():
    x, pwm = _case()
    attr = np.zeros((1, 30, 4))
    attr[0, 5:10, 0] = 4.0  # signal = 4
    attr[0, 10, 0] = 100.0  # the weak flank is ignored
    bg = [i for i in range(30) if not 5 <= i <= 10]
    attr[0, bg[:12], 0] = [2.0] * 10 + [
        0.5,
        0.5,
    ]  # top-10 positive background scores: mean 2
    attr[0, bg[12:], 1] = 50.0  # not at the observed base: ignored
    assert quality.attribution_snr_per_sequence(attr, x, pwm)[0] == pytest.approx(2.0)


def test_snr_leaves_out_sequences_with_too_few_positive_background_scores():
    x, pwm = _case()
    attr = np.zeros((1, 30, 4))
    attr[0, 5:10, 0] = 1.0
    attr[0, 0:9, 0] = 0.5  # only 9 positive background scores
    assert np.isnan(quality.attribution_snr_per_sequence(attr, x, pwm)[0])
    q = quality.attribution_quality(
        np.concatenate([attr, attr]), np.concatenate([x, x]), np.concatenate([pwm, pwm])
    )
    assert q.n_left_out_snr == 2 and q.n_sequences == 2


def test_auroc_and_aupr_hand_worked():
    x, pwm = _case()
    attr = np.zeros((1, 30, 4))
    attr[0, 5:10, 0] = 1.0  # perfect separation
    attr[0, 10, 0] = 5.0  # excluded flank does not spoil it
    assert quality.attribution_auroc_per_sequence(attr, x, pwm)[0] == 1.0
    assert quality.attribution_aupr_per_sequence(attr, x, pwm)[0] == 1.0
    # one background position above all motif positions: 24 background, 23 below every motif position
    attr[0, 0, 0] = 2.0
    assert quality.attribution_auroc_per_sequence(attr, x, pwm)[0] == pytest.approx(
        23 / 24
    )
    # ranking: bg, then the 5 tied motif positions form one threshold: precision 5/6 at recall 1
    assert quality.attribution_aupr_per_sequence(attr, x, pwm)[0] == pytest.approx(
        5 / 6
    )
    # untied motif scores: precision k/(k+1) at each of the 5 hits
    attr[0, 5:10, 0] = [1.0, 1.1, 1.2, 1.3, 1.4]
    expected_ap = np.mean([k / (k + 1) for k in range(1, 6)])
    assert quality.attribution_aupr_per_sequence(attr, x, pwm)[0] == pytest.approx(
        expected_ap
    )


def test_mismatched_shapes_and_nan():
    x, pwm = _case()
    with pytest.raises(ValueError, match="same shape"):
        quality.position_scores(np.zeros((1, 29, 4)), x)
    with pytest.raises(ValueError, match="PWM"):
        quality.attribution_auroc_per_sequence(np.zeros((1, 30, 4)), x, pwm[:, :20])
    with pytest.raises(ValueError, match="NaN"):
        quality.attribution_quality(np.full((1, 30, 4), np.nan), x, pwm)
