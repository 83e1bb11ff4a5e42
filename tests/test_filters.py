"""Tests of acme_utils.filters against independent truth (planted motifs, brute-force loops)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pandas as pd
import pytest

from acme_utils import data, filters


@pytest.fixture(scope="module")
def core_motifs():
    return data.load_motifs(tuple(data.CORE_MOTIFS.values()))


def _motif(motifs, label):
    return next(m for m in motifs if m.label == label)


def _model(kernels, bias=0.0, activation="relu", length=60, padding="same"):
    """A one-layer model: conv1 with the given (K, 4, F) kernel -> conv1_act -> max -> dense."""
    kernels = np.asarray(kernels, dtype=np.float32)
    inputs = keras.Input((length, 4))
    conv = keras.layers.Conv1D(
        kernels.shape[-1], kernels.shape[0], padding=padding, name="conv1"
    )
    x = keras.layers.Activation(activation, name="conv1_act")(conv(inputs))
    x = keras.layers.GlobalMaxPooling1D()(x)
    out = keras.layers.Dense(1, name="logit")(x)
    model = keras.Model(inputs, out)
    conv.set_weights([kernels, np.full(kernels.shape[-1], bias, dtype=np.float32)])
    return model


def _random_onehot(rng, n, length):
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=(n, length))]


def _plant(rng, x, pwm, starts):
    """Sample one instance of ``pwm`` into each sequence at the given start (in place)."""
    m = pwm.shape[0]
    for i, s in enumerate(starts):
        cdf = np.cumsum(pwm, axis=1)
        idx = np.minimum((rng.random((m, 1)) >= cdf).sum(axis=1), 3)
        x[i, s : s + m] = np.eye(4, dtype=np.float32)[idx]


def test_log_odds_filter_recovers_planted_motif(core_motifs):
    rng = np.random.default_rng(0)
    motif = _motif(core_motifs, "MAX(+)")
    m = len(motif)
    # Kernel two columns wider than the motif on each side, zero weights there.
    log_odds = np.log2((motif.pwm + 0.01) / 1.04 / 0.25)
    kernel = np.zeros((m + 4, 4, 1))
    kernel[2 : 2 + m, :, 0] = log_odds
    x = _random_onehot(rng, 300, 60)
    _plant(rng, x[:150], motif.pwm, rng.integers(0, 60 - m, size=150))
    model = _model(kernel)

    pwms, n_sites = filters.filter_pwms(model, x, threshold=0.5, batch_size=64)
    assert pwms.shape == (1, m + 4, 4) and n_sites.shape == (1,)
    assert n_sites[0] >= 50
    np.testing.assert_allclose(pwms.sum(axis=-1), 1.0)

    table = filters.match_filters(pwms, core_motifs)
    row = table.iloc[0]
    assert row["motif"] == "MAX(+)"
    assert row["correlation"] > 0.9
    assert row["offset"] == 2  # motif column 0 sits under kernel column 2
    # Direct check, independent of match_filters: the middle columns are the motif.
    r = np.corrcoef(pwms[0, 2 : 2 + m].ravel(), motif.pwm.ravel())[0, 1]
    assert r > 0.9


@pytest.mark.parametrize(
    "kernel_size,padding,edges",
    [
        (5, "same", "drop"),
        (4, "same", "pad"),
        (4, "same", "drop"),
        (5, "valid", "drop"),
    ],
)
def test_filter_pwms_matches_brute_force(kernel_size, padding, edges):
    """Window alignment and edge handling agree with an explicit loop over positions."""
    rng = np.random.default_rng(1)
    length, n_filters = 20, 3
    kernels = rng.normal(size=(kernel_size, 4, n_filters))
    x = _random_onehot(rng, 40, length)
    model = _model(kernels, activation="exponential", length=length, padding=padding)
    pwms, n_sites = filters.filter_pwms(
        model, x, threshold=0.3, batch_size=7, edges=edges
    )

    # Brute force: explicit convolution with TensorFlow's 'same' zero padding (left = (K-1)//2).
    left = (kernel_size - 1) // 2 if padding == "same" else 0
    n_out = length if padding == "same" else length - kernel_size + 1
    xp = np.pad(x, ((0, 0), (left, kernel_size), (0, 0)))
    act = np.exp(
        np.stack(
            [
                np.einsum("nkc,kcf->nf", xp[:, p : p + kernel_size], kernels)
                for p in range(n_out)
            ],
            axis=1,
        )
    )
    np.testing.assert_allclose(
        act, filters.first_layer_activations(model, x), rtol=1e-4
    )
    for f in range(n_filters):
        windows = []
        for i in range(len(x)):
            for p in range(n_out):
                if act[i, p, f] > 0.3 * act[:, :, f].max():
                    s = p - left
                    if s < 0 or s + kernel_size > length:
                        if edges == "drop":
                            continue
                        w = np.full((kernel_size, 4), 0.25)
                        lo, hi = max(s, 0), min(s + kernel_size, length)
                        w[lo - s : hi - s] = x[i, lo:hi]
                    else:
                        w = x[i, s : s + kernel_size]
                    windows.append(w)
        assert n_sites[f] == len(windows)
        if windows:
            np.testing.assert_allclose(pwms[f], np.mean(windows, axis=0), atol=1e-6)


def test_filter_that_never_fires_is_uniform():
    rng = np.random.default_rng(2)
    kernels = np.stack([np.full((7, 4), -1.0), rng.normal(size=(7, 4))], axis=-1)
    x = _random_onehot(rng, 50, 30)
    pwms, n_sites = filters.filter_pwms(
        _model(kernels, length=30), x
    )  # relu(-7) = 0 everywhere
    assert n_sites[0] == 0
    np.testing.assert_array_equal(pwms[0], np.full((7, 4), 0.25))
    assert n_sites[1] > 0
    table = filters.match_filters(pwms, data.load_motifs(("MA0058.3",)))
    assert pd.isna(table.loc[0, "motif"]) and np.isnan(table.loc[0, "correlation"])
    assert pd.isna(table.loc[0, "offset"])
    assert table.loc[0, "information_content"] == pytest.approx(0.0)


def test_match_filters_identity_and_shift(core_motifs):
    yy1 = _motif(core_motifs, "YY1(-)").pwm  # 12 columns
    sp1 = _motif(core_motifs, "SP1(+)").pwm  # 11 columns
    uniform = np.full((4, 4), 0.25)
    pwms = np.stack(
        [
            yy1,
            # SP1 starting at filter column 3 of 12: the last two motif columns are cut off
            np.concatenate([uniform[:3], sp1[:9]]),
            # SP1 starting 4 columns before the filter: the first 4 columns are cut off
            np.concatenate([sp1[4:], np.full((5, 4), 0.25)]),
        ]
    )
    table = filters.match_filters(pwms, core_motifs, min_overlap=6)
    assert list(table.columns) == [
        "filter",
        "motif",
        "motif_index",
        "correlation",
        "offset",
        "overlap",
        "information_content",
    ]
    assert table.loc[0, "motif"] == "YY1(-)"
    assert table.loc[0, "correlation"] == pytest.approx(1.0)
    assert table.loc[0, "offset"] == 0 and table.loc[0, "overlap"] == 12
    assert core_motifs[table.loc[0, "motif_index"]].label == "YY1(-)"
    assert table.loc[1, "motif"] == "SP1(+)" and table.loc[1, "offset"] == 3
    assert table.loc[1, "correlation"] > 0.99
    assert table.loc[2, "motif"] == "SP1(+)" and table.loc[2, "offset"] == -4
    assert table.loc[2, "correlation"] > 0.99
    assert table.loc[0, "information_content"] == pytest.approx(
        data.information_content(yy1).sum()
    )


def test_errors(core_motifs):
    good = np.full((2, 8, 4), 0.25)
    with pytest.raises(ValueError, match="shape"):
        filters.match_filters(good[0], core_motifs)
    with pytest.raises(ValueError, match="shape"):
        filters.match_filters(np.full((2, 8, 3), 1 / 3), core_motifs)
    bad = good.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        filters.match_filters(bad, core_motifs)
    with pytest.raises(ValueError, match="empty"):
        filters.match_filters(good, [])
    with pytest.raises(ValueError, match="min_overlap"):
        filters.match_filters(good, core_motifs, min_overlap=0)

    model = _model(np.ones((5, 4, 1)), length=20)
    with pytest.raises(ValueError, match="shape"):
        filters.filter_pwms(model, np.zeros((10, 20)))
    with pytest.raises(ValueError, match="shape"):
        filters.filter_pwms(model, np.zeros((10, 20, 5)))
    x = np.full((10, 20, 4), 0.25)
    x[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        filters.filter_pwms(model, x)
    good_x = _random_onehot(np.random.default_rng(0), 10, 20)
    with pytest.raises(ValueError, match="threshold"):
        filters.filter_pwms(model, good_x, threshold=1.0)
    with pytest.raises(ValueError, match="edges"):
        filters.filter_pwms(model, good_x, edges="wrap")
    no_conv1 = keras.Sequential([keras.Input((20, 4)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="conv1"):
        filters.filter_pwms(no_conv1, good_x)


def test_filters_reject_sequences_that_are_not_one_hot_or_of_another_length():
    # The average of non-one-hot windows is not a position probability matrix: refuse it.
    model = _model(np.ones((5, 4, 1)), length=20)
    x = _random_onehot(np.random.default_rng(0), 10, 20)
    x[3, 7] = [0.25, 0.25, 0.25, 0.25]
    for fn in (filters.filter_pwms, filters.first_layer_activations):
        with pytest.raises(ValueError, match=r"x is not one-hot at position \(3, 7\)"):
            fn(model, x)
        with pytest.raises(
            ValueError,
            match=r"x has sequences of length 30, but model '.*' takes "
            r"sequences of length 20",
        ):
            fn(model, _random_onehot(np.random.default_rng(0), 10, 30))
    good = _random_onehot(np.random.default_rng(1), 10, 20)
    pwms, n_sites = filters.filter_pwms(model, good)
    assert pwms.shape == (1, 5, 4) and n_sites.shape == (1,)


def test_plot_filter_matches_aligns_motif_under_filter(core_motifs):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from acme_utils import plotting

    sp1 = _motif(core_motifs, "SP1(+)").pwm
    pwms = np.stack(
        [np.concatenate([np.full((3, 4), 0.25), sp1[:9]]), np.full((12, 4), 0.25)]
    )
    matches = filters.match_filters(pwms, core_motifs)
    fig = plotting.plot_filter_matches(
        pwms,
        matches,
        core_motifs,
        n_sites=[5, 0],
        ncols=2,
        highlight=range(len(core_motifs)),
    )
    assert len(fig.axes) == 4  # a filter panel and a motif panel per filter
    ax_f, ax_m = fig.axes[0], fig.axes[1]
    assert ax_f.get_title(loc="left") == "filter 0, n=5"
    assert ax_m.get_title(loc="left").startswith("SP1(+)")
    assert (
        ax_f.get_xlim() == ax_m.get_xlim() == (-0.5, 13.5)
    )  # motif starts at column 3
    assert fig.axes[3].texts[0].get_text() == "no match"
    plt.close(fig)


def test_plot_learning_curves_marks_best_epoch():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from acme_utils import plotting

    h = {"loss": [0.7, 0.5, 0.4], "val_auroc": [0.6, 0.8, 0.7], "best_epoch": 2}
    ax_loss, ax_auc = plotting.plot_learning_curves({"a": h})
    star = [line for line in ax_auc.lines if line.get_marker() == "*"][0]
    assert list(star.get_xdata()) == [2] and list(star.get_ydata()) == [0.8]
    with pytest.raises(ValueError, match="inconsistent"):
        plotting.plot_learning_curves({"a": {**h, "best_epoch": 4}})
    plt.close("all")


# --- a model's filters against the planted motifs (chapter 2) ------------------------


def test_analyse_filters_matches_every_and_the_core_motifs(small_data):
    from acme_utils import models

    keras.utils.set_random_seed(0)
    model = models.build_cnn(input_length=small_data.test.x.shape[1])
    result = filters.analyse_filters(model, small_data, threshold=0.5, min_overlap=6)
    pwms, n_sites, best_any, best_core = result  # a tuple
    n_filters, kernel = models.CONV_BLOCKS[0][
        :2
    ]  # the first layer: 24 filters of 19 nt
    assert pwms.shape == (n_filters, kernel, 4) and n_sites.shape == (n_filters,)
    assert len(best_any) == len(best_core) == n_filters
    # the core motifs are a subset of all motifs: the best correlation over all is at least
    # the best over the core ones, and core matches index the core motifs only
    assert (best_any["correlation"] >= best_core["correlation"] - 1e-12).all()
    assert best_core["motif_index"].dropna().lt(small_data.n_core).all()
    with pytest.raises(ValueError, match="SyntheticDataset"):
        filters.analyse_filters(model, small_data.test)


def _analysis(correlations, labels, ic, n_sites):
    best = pd.DataFrame(
        {"motif": labels, "correlation": correlations, "information_content": ic}
    )
    return filters.FilterAnalysis(
        np.zeros((len(ic), 3, 4)), np.array(n_sites), best, best
    )


def test_filter_summary_counts_matches_above_both_thresholds():
    results = {
        "m1": _analysis(
            [0.9, 0.65, 0.8, np.nan],
            ["MAX(+)", "SP1(-)", "MAX(-)", None],
            [5.0, 3.0, 1.0, 0.0],
            [10, 20, 30, 0],
        ),
        "m2": _analysis([0.2, 0.5], ["YY1(+)", "SP1(+)"], [1.0, 2.0], [4, 6]),
    }
    table = filters.filter_summary(results, match_r=0.7, naive_r=0.6)
    assert list(table.index) == ["m1", "m2"]
    assert table.loc["m1"].tolist() == [
        4,
        2.0,
        15.0,
        3,
        2,
        "MAX",
    ]  # MAX in both strands
    assert table.loc["m2"].tolist() == [2, 1.5, 5.0, 0, 0, "none"]
    assert list(table.columns)[3:5] == ["core r > 0.6", "core r > MATCH_R"]
    with pytest.raises(ValueError, match="empty"):
        filters.filter_summary({}, 0.7)


def test_core_match_report_pools_each_activation():
    from acme_utils.training import ModelSpec

    summary = pd.DataFrame(
        {"filters": [24, 24, 24], "core r > MATCH_R": [3, 5, 5]},
        index=["relu", "relu + BN", "exp"],
    )
    specs = {
        "relu": ModelSpec("none", "relu", False, 0),
        "relu + BN": ModelSpec("none", "relu", True, 0),
        "exp": ModelSpec("none", "exponential", True, 0),
    }
    assert filters.core_match_report(summary, specs).splitlines() == [
        "relu (with and without BN): 8 of 48 first-layer filters match a core motif",
        "exponential (with BN): 5 of 24 first-layer filters match a core motif",
        "Most core-motif matches: relu + BN, exp",
    ]
    with pytest.raises(ValueError, match="no spec"):
        filters.core_match_report(summary, {"relu": specs["relu"]})
