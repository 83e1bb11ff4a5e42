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


# ------------------------------------------------- tables and reports of several sets of maps


def _two_sequences():
    """The hand-built case twice: sequence 1 like ``_case``, sequence 2 with a 10-long motif."""
    x, pwm = _case()
    pwm2 = np.full((1, 30, 4), 0.25, np.float32)
    pwm2[0, 0:10] = [1, 0, 0, 0]
    return np.concatenate([x, x]), np.concatenate([pwm, pwm2])


def test_attribution_quality_table_rows_columns_and_known_values():
    x, pwm = _two_sequences()
    perfect = np.zeros((2, 30, 4))
    perfect[0, 5:10, 0] = 1.0  # motif positions of each sequence above its background
    perfect[1, 0:10, 0] = 1.0
    inverted = -perfect[:1]  # explains only the first sequence: motifs lowest
    table = quality.attribution_quality_table(
        {("m", "perfect"): perfect, ("m", "inverted"): inverted},
        x,
        pwm,
        names=["model", "method"],
    )
    assert list(table.index.names) == ["model", "method"]
    assert list(table.index) == [("m", "perfect"), ("m", "inverted")]
    assert list(table.columns) == [
        "SNR",
        "AUROC",
        "AUPR",
        "sequences",
        "left out of SNR",
    ]
    assert table.loc[("m", "perfect"), "AUROC"] == 1.0
    assert table.loc[("m", "perfect"), "AUPR"] == 1.0
    assert table.loc[("m", "inverted"), "AUROC"] == 0.0
    assert table["sequences"].tolist() == [2, 1]
    # no positive background scores at all: every sequence is left out of the SNR
    assert table["left out of SNR"].tolist() == [2, 1]
    assert table["SNR"].isna().all()
    assert table["sequences"].dtype.kind == "i"


def test_attribution_quality_table_single_labels_and_errors():
    x, pwm = _two_sequences()
    attr = np.zeros((2, 30, 4))
    attr[:, :, 0] = np.arange(30)  # later positions score higher
    table = quality.attribution_quality_table({"ramp": attr}, x, pwm)
    assert table.index.name == "key" and list(table.index) == ["ramp"]
    expected = quality.attribution_quality(attr, x, pwm)
    assert table.loc["ramp", "AUROC"] == pytest.approx(expected.auroc)
    with pytest.raises(ValueError, match="empty"):
        quality.attribution_quality_table({}, x, pwm)
    with pytest.raises(ValueError, match="names"):
        quality.attribution_quality_table({("a", "b"): attr}, x, pwm, names=["a"])
    with pytest.raises(ValueError, match="same length"):
        quality.attribution_quality_table({("a", "b"): attr, "c": attr}, x, pwm)
    with pytest.raises(ValueError, match="first n"):
        quality.attribution_quality_table({"long": np.zeros((3, 30, 4))}, x, pwm)
    with pytest.raises(ValueError, match="NaN"):
        quality.attribution_quality_table({"nan": np.full((2, 30, 4), np.nan)}, x, pwm)


def test_chance_aupr_is_the_mean_share_of_motif_positions():
    x, pwm = _two_sequences()
    # sequence 1: 5 motif of 29 scored positions (the weak flank is left out); 2: 10 of 30
    assert quality.chance_aupr(pwm) == pytest.approx((5 / 29 + 10 / 30) / 2)
    # on a long sequence it is what random scores reach: the AP of random rankings
    length = 3000
    x_long = np.zeros((1, length, 4), np.float32)
    x_long[0, :, 0] = 1
    pwm_long = np.full((1, length, 4), 0.25, np.float32)
    pwm_long[0, :300] = [1, 0, 0, 0]  # 10% motif positions
    assert quality.chance_aupr(pwm_long) == pytest.approx(0.1)
    rng = np.random.default_rng(0)
    aps = [
        quality.attribution_aupr_per_sequence(
            rng.normal(size=(1, length, 4)), x_long, pwm_long
        )[0]
        for _ in range(20)
    ]
    assert np.mean(aps) == pytest.approx(0.1, abs=0.01)
    with pytest.raises(ValueError, match="shape"):
        quality.chance_aupr(pwm[0])


def _scores():
    """A quality table of two models and three methods with known winners."""
    import pandas as pd

    rows = [
        ("saliency", "A", 1.0, 0.70, 0.3),
        ("ig", "A", 3.0, 0.80, 0.5),
        ("ism", "A", -0.5, 0.90, 0.4),
        ("saliency", "B", 2.0, 0.60, 0.6),
        ("ig", "B", 2.5, 0.58, 0.2),
        ("ism", "B", 0.5, 0.55, 0.1),
    ]
    return pd.DataFrame(
        rows, columns=["method", "model", "SNR", "AUROC", "AUPR"]
    ).set_index(["method", "model"])


def test_ranking_report_hand_worked():
    text = quality.ranking_report(_scores(), contrast=("B", "A"), contrast_name="bee")
    assert text.splitlines() == [
        "highest SNR  : ig with the A model (3.000)",
        "highest AUROC: ism with the A model (0.900)",
        "highest AUPR : saliency with the B model (0.600)",
        "",
        "A  best method by SNR: ig; by AUROC: ism",
        "B  best method by SNR: ig; by AUROC: saliency",
        "",
        "the bee model has the higher SNR for 2 of 3 methods",  # saliency and ism
        "negative SNR (motif positions score below zero on average): ism (A)",
    ]
    plain = quality.ranking_report(_scores().drop(index=("ism", "A")))
    assert "bee" not in plain and plain.endswith("on average): none")
    with pytest.raises(ValueError, match="not in scores"):
        quality.ranking_report(_scores(), contrast=("B", "C"))
    with pytest.raises(ValueError, match="levels"):
        quality.ranking_report(_scores().reset_index())


def test_model_versus_method_report_hand_worked():
    text = quality.model_versus_method_report(_scores())
    # gaps |B - A|: saliency 1, ig 0.5, ism 1 (mean 0.8333); spreads: A 3.5, B 2 (mean 2.75)
    assert text.splitlines() == [
        "SNR gap between the two models, per method: saliency 1.00, ig 0.50, ism 1.00",
        "SNR spread across the three methods, per model: A 3.50, B 2.00",
        "mean gap between models 0.83 vs mean spread across methods 2.75: the choice "
        "of method moves the SNR more here",
    ]
    auroc = quality.model_versus_method_report(_scores(), metric="AUROC")
    assert auroc.splitlines()[0].startswith("AUROC gap")
    with pytest.raises(ValueError, match="two models"):
        quality.model_versus_method_report(
            _scores().xs("A", level="model", drop_level=False)
        )
