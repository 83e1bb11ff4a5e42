"""Gradient correction's diagnostics (METHODS.md section 5) on hand-built maps with known answers.

``correct_gradients`` and ``gradient_angles`` themselves are tested in test_attribution.py.
"""

import numpy as np
import pandas as pd
import pytest

from acme_utils import correction as C


def _one_hot(n, length, seed=0):
    return np.eye(4, dtype=np.float32)[
        np.random.default_rng(seed).integers(0, 4, (n, length))
    ]


def test_channel_differences_known_values_and_properties():
    g = np.array([1.0, 3.0, 0.0, -2.0])
    d = C.channel_differences(g)
    assert d.shape == (4, 4)
    assert d[1, 0] == 2.0 and d[0, 3] == 3.0 and d[3, 1] == -5.0
    np.testing.assert_array_equal(d, -d.T)  # antisymmetric, zero diagonal
    maps = np.random.default_rng(0).normal(size=(3, 7, 4)).astype(np.float32)
    d = C.channel_differences(maps)
    assert d.shape == (3, 7, 4, 4) and d.dtype == np.float32  # dtype kept
    # the correction leaves every difference unchanged
    np.testing.assert_allclose(
        C.channel_differences(C.correct_gradients(maps)), d, atol=1e-6
    )
    assert C.channel_differences(np.array([[1, 2, 3, 4]])).dtype == np.float64
    with pytest.raises(ValueError, match="shape"):
        C.channel_differences(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        C.channel_differences(np.full(4, np.nan))


def test_corrected_variants_apply_the_correction_where_it_belongs():
    rng = np.random.default_rng(0)
    x = _one_hot(3, 10)
    sal = rng.normal(size=(3, 10, 4)).astype(np.float32)
    path = rng.normal(size=(3, 10, 4)).astype(np.float32)
    ism = rng.normal(size=(2, 10, 4)).astype(np.float32) * (1 - x[:2])  # first 2 only
    maps = {
        "saliency": sal,
        "gradient_times_input": sal * x,
        "integrated_gradients": path * x,
        "ism": ism,
    }
    v = C.corrected_variants(maps, x, path_gradient=path)
    assert list(v) == [
        ("saliency", False, "none"),
        ("saliency", True, "gradient corrected"),
        ("gradient_times_input", False, "none"),
        ("gradient_times_input", True, "gradient corrected, × input"),
        ("integrated_gradients", False, "none"),
        ("integrated_gradients", True, "path gradient corrected, × input"),
        ("ism", False, "none"),
        ("ism", True, "mean-centred"),
    ]
    assert v["ism", False, "none"] is ism  # raw maps as given
    centred = sal - sal.mean(-1, keepdims=True)  # the correction, by hand
    corrected = v["saliency", True, "gradient corrected"]
    np.testing.assert_allclose(corrected, centred, atol=1e-6)
    gxi = v["gradient_times_input", True, "gradient corrected, × input"]
    np.testing.assert_allclose(gxi, centred * x, atol=1e-6)
    ig = v["integrated_gradients", True, "path gradient corrected, × input"]
    np.testing.assert_allclose(ig, (path - path.mean(-1, keepdims=True)) * x, atol=1e-6)
    # mean-centred ISM at the observed base: minus a quarter of the mutation effects' sum
    observed = (v["ism", True, "mean-centred"] * x[:2]).sum(-1)
    np.testing.assert_allclose(observed, -ism.sum(-1) / 4, atol=1e-6)


def test_corrected_variants_rejects_what_it_cannot_correct():
    x = _one_hot(2, 6)
    g = np.zeros((2, 6, 4), np.float32)
    with pytest.raises(ValueError, match="path_gradient"):
        C.corrected_variants({"integrated_gradients": g}, x)
    with pytest.raises(ValueError, match="saliency"):
        C.corrected_variants({"gradient_times_input": g}, x)
    with pytest.raises(ValueError, match="unknown"):
        C.corrected_variants({"deeplift": g}, x)
    with pytest.raises(ValueError, match="first n"):
        C.corrected_variants({"saliency": np.zeros((3, 6, 4))}, x)
    with pytest.raises(ValueError, match="one-hot"):
        C.corrected_variants({"saliency": g}, np.full((2, 6, 4), 0.25))


def _angle_case():
    """Two sequences of 3 positions: in-plane, straight out of the plane, zero."""
    g = np.array(
        [
            [[1, -1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]],  # 0, 90 deg, zero
            [[1, 0, 0, 0], [2, -2, 1, -1], [-1, -1, -1, -1]],  # 30, 0, -90 deg
        ],
        np.float32,
    )
    motif = np.array([[True, True, False], [True, False, False]])
    return g, motif


def test_angle_summary_hand_worked():
    g, motif = _angle_case()
    table = C.angle_summary(
        {("m", "sal"): g}, {"motif": motif, "background": ~motif}, large=45
    )
    assert list(table.columns) == [
        "model",
        "method",
        "positions",
        "n positions",
        "|angle| > 45°",
        "median |angle| (°)",
        "zero gradient",
    ]
    motif_row, background_row = table.iloc[0], table.iloc[1]
    # motif: |angles| 0, 90, 30 ; background: 0 (zero gradient), 0, 90
    assert motif_row["n positions"] == 3 and background_row["n positions"] == 3
    assert motif_row["|angle| > 45°"] == pytest.approx(1 / 3)
    assert motif_row["median |angle| (°)"] == pytest.approx(30)
    assert background_row["median |angle| (°)"] == pytest.approx(0, abs=1e-9)
    assert motif_row["zero gradient"] == 0 and background_row["zero gradient"] == 1 / 3
    with pytest.raises(ValueError, match="mask"):
        C.angle_summary({("m", "sal"): g}, {"motif": motif[:1]})
    with pytest.raises(ValueError, match="pairs"):
        C.angle_summary({"sal": g}, {"motif": motif})


def test_angle_report_names_the_region_with_more_large_angles():
    g, motif = _angle_case()
    regions = {"motif": motif, "background": ~motif}
    maps = {("m", "sal"): g, ("m", "flat"): g * [1, 1, 1, 0]}
    table = C.angle_summary(maps, regions, large=45)
    lines = C.angle_report(table, random_share=0.2).splitlines()
    assert lines[0] == (
        "m, sal: more large angles at motif positions (33.3% background vs 33.3% motif; "
        "random directions 20.0%)"
    )
    assert len(lines) == 2 and "random" not in C.angle_report(table)
    with pytest.raises(ValueError, match="motif"):
        C.angle_report(table[table["positions"] == "motif"])


def test_normal_offsets_hand_worked():
    x = np.zeros((1, 4, 4), np.float32)
    x[0, :, 0] = 1  # all A
    g = np.array(
        [[[2, 0, 0, 2], [4, 0, 0, 0], [1, 1, 1, 1], [-2, 0, 0, -2]]], np.float32
    )  # offsets 1, 1, 1, -1 ; scores at A 2, 4, 1, -2
    motif = np.array([[True, True, False, False]])
    table = C.normal_offsets({("m", "sal"): g}, x, motif, ~motif)
    row = table.iloc[0]
    unit = 3.0  # mean |score| at motif positions: (2 + 4) / 2
    assert row["mean offset, motif"] == pytest.approx(1 / unit)
    assert row["mean offset, background"] == pytest.approx(0 / unit)
    assert row["largest background offset (mean over sequences)"] == pytest.approx(
        1 / unit
    )
    with pytest.raises(ValueError, match="shape"):
        C.normal_offsets({("m", "sal"): g[:, :3]}, x, motif, ~motif)


def _correction_scores():
    rows = [
        ("A", "sal", False, 1.0, 0.6, 0.3),
        ("A", "sal", True, 2.0, 0.7, 0.25),
        ("A", "ism", False, np.nan, 0.5, 0.2),
        ("A", "ism", True, 0.5, 0.8, 0.4),
        ("B", "sal", False, -1.0, 0.55, 0.3),
        ("B", "sal", True, -2.0, 0.60, 0.35),
        ("B", "ism", False, np.nan, 0.5, 0.2),
        ("B", "ism", True, 1.5, 0.9, 0.5),
    ]
    table = pd.DataFrame(
        rows, columns=["model", "method", "corrected", "snr", "auroc", "aupr"]
    )
    return table.set_index(["model", "method", "corrected"]).sort_index()


def test_score_changes_hand_worked():
    changes = C.score_changes(_correction_scores(), ["A", "B"], ["sal", "ism"])
    assert list(zip(changes["model"], changes["method"])) == [
        ("A", "sal"),
        ("A", "ism"),
        ("B", "sal"),
        ("B", "ism"),
    ]
    first = changes.iloc[0]
    assert first["SNR change"] == 1.0 and first["SNR ratio"] == 2.0
    assert first["AUROC change"] == pytest.approx(0.1)
    assert first["AUPR change"] == pytest.approx(-0.05)
    assert np.isnan(changes.iloc[2]["SNR ratio"])  # negative SNRs: no ratio
    assert np.isnan(changes.iloc[1]["SNR change"])  # raw ISM has no SNR
    with pytest.raises(ValueError, match="lacks"):
        C.score_changes(_correction_scores(), ["A", "C"])
    with pytest.raises(ValueError, match="indexed"):
        C.score_changes(_correction_scores().reset_index())


def test_score_changes_report_hand_worked():
    changes = C.score_changes(_correction_scores(), ["A", "B"], ["sal", "ism"])
    assert C.score_changes_report(changes, ["sal"]).splitlines() == [
        "SNR higher after correction for 1 of 2 (model, gradient method) pairs:",
        "    sal (A): +1.000",
        "AUROC higher after correction for 2 of 2 (model, gradient method) pairs:",
        "    sal (A): +0.100",
        "    sal (B): +0.050",
        "AUPR higher after correction for 1 of 2 (model, gradient method) pairs:",
        "    sal (B): +0.050",
        "negative SNR (mean motif score below zero): sal (B)",
    ]
    with pytest.raises(ValueError, match="score_changes"):
        C.score_changes_report(changes.drop(columns="AUPR change"), ["sal"])
