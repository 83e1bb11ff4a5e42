"""Rank correlations with bootstrap CIs (acme_utils.statistics) against independent references."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from acme_utils import statistics
from acme_utils.statistics import (
    RankCorrelation,
    correlation_table,
    rank_correlation,
    spearman,
)


def _correlated(n, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, x + noise * rng.normal(size=n)


# --- spearman ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n", [3, 7, 50])
def test_spearman_matches_scipy_without_ties(seed, n):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.normal(size=n)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_spearman_matches_scipy_with_ties(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=40).astype(float)  # many ties in both
    y = x + rng.integers(0, 3, size=40)
    assert len(np.unique(x)) < len(x) and len(np.unique(y)) < len(y)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)


def test_spearman_accepts_lists_and_series():
    x, y = [1, 2, 3, 4, 5], [2, 1, 4, 3, 5]
    expected = stats.spearmanr(x, y).statistic
    assert spearman(x, y) == pytest.approx(expected, abs=1e-12)
    assert spearman(pd.Series(x), pd.Series(y)) == pytest.approx(expected, abs=1e-12)
    assert isinstance(spearman(x, y), float)


def test_spearman_of_monotone_transform_and_reversal():
    x = np.random.default_rng(1).normal(size=30)
    assert spearman(x, np.exp(3 * x) + 5) == pytest.approx(1.0, abs=1e-12)
    assert spearman(x, -(x**3)) == pytest.approx(-1.0, abs=1e-12)


def test_spearman_of_a_constant_score_is_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(spearman([1.0, 2.0, 3.0, 4.0], [5.0, 5.0, 5.0, 5.0]))


# --- rank_correlation -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ties", [False, True])
def test_rank_correlation_rho_and_p_value_match_scipy(seed, ties):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=25)
    y = x + rng.normal(size=25)
    if ties:
        x, y = np.round(x), np.round(y)
    ref = stats.spearmanr(x, y)
    r = rank_correlation(x, y, n_boot=200)
    assert r.rho == pytest.approx(ref.statistic, abs=1e-12)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)
    assert r.n == 25 and r.level == 0.95


def test_rank_correlation_bootstrap_matches_a_resample_by_resample_reference():
    # Independent reference: the same resamples (same generator calls), each correlated by scipy
    # one at a time; undefined resamples dropped; percentile interval.
    x, y = _correlated(12, seed=4)
    x = np.round(x, 1)  # a few ties
    n_boot, seed, level = 300, 11, 0.9
    idx = np.random.default_rng(seed).integers(0, len(x), size=(n_boot, len(x)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant resamples warn in scipy
        boot = np.array([stats.spearmanr(x[i], y[i]).statistic for i in idx])
    boot = boot[np.isfinite(boot)]
    low, high = np.quantile(boot, [0.05, 0.95])
    r = rank_correlation(x, y, n_boot=n_boot, level=level, seed=seed)
    assert r.low == pytest.approx(low, abs=1e-12)
    assert r.high == pytest.approx(high, abs=1e-12)


def test_strictly_increasing_transform_gives_one_with_degenerate_ci():
    x = np.random.default_rng(2).normal(size=15)
    r = rank_correlation(x, 2 * x**3 + 1, n_boot=200)
    assert r.rho == pytest.approx(1.0, abs=1e-12)
    assert r.low == pytest.approx(1.0, abs=1e-12) and r.high == pytest.approx(
        1.0, abs=1e-12
    )


def test_reversed_order_gives_minus_one():
    x = np.arange(10.0)
    r = rank_correlation(x, x[::-1], n_boot=200)
    assert r.rho == pytest.approx(-1.0, abs=1e-12)
    assert r.low == pytest.approx(-1.0, abs=1e-12) and r.high == pytest.approx(
        -1.0, abs=1e-12
    )
    assert r.p_value < 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_ci_contains_rho_for_random_data(seed):
    rng = np.random.default_rng(100 + seed)
    x, y = rng.normal(size=30), rng.normal(size=30)
    r = rank_correlation(x, y, n_boot=500, seed=seed)
    assert -1 <= r.low <= r.rho <= r.high <= 1


def test_ci_narrows_as_n_grows():
    small = rank_correlation(*_correlated(20, seed=0), n_boot=500)
    large = rank_correlation(*_correlated(400, seed=0), n_boot=500)
    assert small.low <= small.rho <= small.high and large.low <= large.rho <= large.high
    assert (large.high - large.low) < 0.5 * (small.high - small.low)
    assert large.low > 0  # clearly correlated data


def test_higher_level_gives_wider_interval_from_the_same_resamples():
    x, y = _correlated(30, seed=3)
    narrow = rank_correlation(x, y, n_boot=500, level=0.5, seed=1)
    wide = rank_correlation(x, y, n_boot=500, level=0.99, seed=1)
    assert wide.low <= narrow.low <= narrow.high <= wide.high
    assert narrow.level == 0.5 and wide.level == 0.99


def test_same_seed_same_result_different_seed_different_bounds():
    x, y = _correlated(25, seed=5)
    a = rank_correlation(x, y, n_boot=300, seed=7)
    b = rank_correlation(x, y, n_boot=300, seed=7)
    assert a == b
    others = [rank_correlation(x, y, n_boot=300, seed=s) for s in (8, 9, 10)]
    assert all(
        o.rho == a.rho and o.p_value == a.p_value for o in others
    )  # only the CI is random
    assert any((o.low, o.high) != (a.low, a.high) for o in others)


def test_constant_score_gives_nan_everywhere():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = rank_correlation([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], n_boot=100)
    assert (
        np.isnan(r.rho) and np.isnan(r.p_value) and np.isnan(r.low) and np.isnan(r.high)
    )
    assert r.n == 4


def test_result_is_a_frozen_dataclass_of_plain_floats():
    r = rank_correlation(*_correlated(10), n_boot=100)
    assert isinstance(r, RankCorrelation)
    for v in (r.rho, r.low, r.high, r.p_value):
        assert type(v) is float
    assert type(r.n) is int
    with pytest.raises(AttributeError):
        r.rho = 0.0


def test_str_mentions_rho_ci_and_n():
    r = rank_correlation(*_correlated(10), n_boot=100)
    text = str(r)
    assert "rho" in text and "CI" in text and "n = 10" in text and "95%" in text


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [spearman, rank_correlation])
@pytest.mark.parametrize(
    "x, y, match",
    [
        ([1, 2, 3, 4], [1, 2, 3], "equal length"),
        (np.arange(6.0).reshape(2, 3), np.arange(6.0).reshape(2, 3), "1-D"),
        (np.arange(4.0), np.arange(4.0).reshape(4, 1), "1-D"),
        (3.0, 4.0, "1-D"),
        ([1, 2], [2, 1], "at least 3"),
        ([], [], "at least 3"),
        ([1, np.nan, 3, 4], [1, 2, 3, 4], "finite"),
        ([1, 2, 3, 4], [1, 2, np.inf, 4], "finite"),
        ([1, 2, -np.inf, 4], [1, 2, 3, 4], "finite"),
    ],
)
def test_bad_inputs_raise_value_error(func, x, y, match):
    with pytest.raises(ValueError, match=match):
        func(x, y)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, 95, float("nan")])
def test_level_outside_unit_interval_raises(level):
    with pytest.raises(ValueError, match="level"):
        rank_correlation([1, 2, 3, 4], [1, 3, 2, 4], level=level)


@pytest.mark.parametrize("n_boot", [0, 10, 99, 150.5, -200])
def test_too_few_or_fractional_resamples_raise(n_boot):
    with pytest.raises(ValueError, match="n_boot"):
        rank_correlation([1, 2, 3, 4], [1, 3, 2, 4], n_boot=n_boot)


def test_n_boot_100_and_integral_float_are_accepted():
    assert rank_correlation([1, 2, 3, 4], [1, 3, 2, 4], n_boot=100).n == 4
    assert rank_correlation([1, 2, 3, 4], [1, 3, 2, 4], n_boot=100.0).n == 4


# --- correlation_table ------------------------------------------------------------------------


def _results_table(n=20, seed=0):
    rng = np.random.default_rng(seed)
    auroc = rng.uniform(0.8, 0.95, n)
    return pd.DataFrame(
        {
            "model": [f"m{i}" for i in range(n)],
            "test_auroc": auroc,
            "snr": 3 * auroc + rng.normal(scale=0.05, size=n),
            "kmer_kld": rng.uniform(0, 1, n),
        }
    )


def test_correlation_table_has_one_row_per_pair_matching_rank_correlation():
    table = _results_table()
    pairs = [("test_auroc", "snr"), ("test_auroc", "kmer_kld"), ("snr", "kmer_kld")]
    out = correlation_table(table, pairs, n_boot=200, level=0.9, seed=3)
    assert list(out.columns) == [
        "x",
        "y",
        "spearman_rho",
        "ci_low",
        "ci_high",
        "p_value",
        "n_models",
    ]
    assert len(out) == len(pairs)
    assert list(zip(out.x, out.y)) == pairs
    for row, (a, b) in zip(out.itertuples(index=False), pairs):
        r = rank_correlation(
            table[a].to_numpy(), table[b].to_numpy(), n_boot=200, level=0.9, seed=3
        )
        assert (
            row.spearman_rho,
            row.ci_low,
            row.ci_high,
            row.p_value,
            row.n_models,
        ) == (r.rho, r.low, r.high, r.p_value, r.n)
        assert row.spearman_rho == pytest.approx(
            stats.spearmanr(table[a], table[b]).statistic, abs=1e-12
        )
    assert out.spearman_rho.iloc[0] > 0.5  # snr was built to track test AUROC


def test_correlation_table_with_no_pairs_is_empty():
    assert len(correlation_table(_results_table(), [])) == 0


@pytest.mark.parametrize(
    "pair, missing",
    [(("test_auroc", "nope"), "nope"), (("attr_snr", "snr"), "attr_snr")],
)
def test_correlation_table_names_an_unknown_column(pair, missing):
    with pytest.raises(KeyError, match=missing):
        correlation_table(_results_table(), [("test_auroc", "snr"), pair], n_boot=100)


def test_correlation_table_propagates_validation_errors():
    table = _results_table(n=5)
    table.loc[2, "snr"] = np.nan
    with pytest.raises(ValueError, match="finite"):
        correlation_table(table, [("test_auroc", "snr")], n_boot=100)


# --- Pearson's r ---------------------------------------------------------------------------------


def test_pearson_correlation_matches_scipy_and_its_bootstrap_a_loop():
    from acme_utils.statistics import pearson_correlation

    x, y = _correlated(30, seed=4)
    r = pearson_correlation(x, y, n_boot=300, level=0.9, seed=2)
    ref = stats.pearsonr(x, y)
    assert r.rho == pytest.approx(
        ref.statistic, abs=1e-12
    ) and r.p_value == pytest.approx(ref.pvalue)
    assert r.method == "pearson" and str(r).startswith("r = ")
    idx = np.random.default_rng(2).integers(0, 30, size=(300, 30))
    loop = np.array([np.corrcoef(x[i], y[i])[0, 1] for i in idx])
    assert (r.low, r.high) == pytest.approx(
        tuple(np.quantile(loop, [0.05, 0.95])), abs=1e-12
    )
    # a monotone but non-linear relation: Spearman is exactly 1, Pearson is not
    z = np.linspace(0, 3, 20)
    assert rank_correlation(z, np.exp(3 * z), n_boot=100).rho == pytest.approx(1.0)
    assert pearson_correlation(z, np.exp(3 * z), n_boot=100).rho < 0.9


def test_correlation_table_pearson_columns_and_bad_method():
    table = _results_table()
    out = correlation_table(
        table, [("test_auroc", "snr")], n_boot=100, method="pearson"
    )
    assert list(out.columns) == [
        "x",
        "y",
        "pearson_r",
        "ci_low",
        "ci_high",
        "p_value",
        "n_models",
    ]
    assert out.pearson_r.iloc[0] == pytest.approx(
        stats.pearsonr(table.test_auroc, table.snr).statistic
    )
    with pytest.raises(ValueError, match="method"):
        correlation_table(table, [("test_auroc", "snr")], method="kendall")


# ---------------------------------------------------------------------------- chapter 9 helpers


def test_mean_with_ci_matches_a_hand_made_bootstrap():
    values = [1.0, 2.0, 4.0, 7.0]
    mean, low, high = statistics.mean_with_ci(values, n_boot=500, seed=3)
    assert mean == 3.5
    draws = np.random.default_rng(3).choice(np.array(values), size=(500, 4))
    expected = np.quantile(draws.mean(axis=1), [0.025, 0.975])
    np.testing.assert_allclose([low, high], expected)
    assert 1.0 <= low <= mean <= high <= 7.0
    assert statistics.mean_with_ci([2.0, 2.0, 2.0]) == (
        2.0,
        2.0,
        2.0,
    )  # no spread, no interval
    with pytest.raises(ValueError, match="NaN"):
        statistics.mean_with_ci([1.0, np.nan])
    with pytest.raises(ValueError, match="shape"):
        statistics.mean_with_ci([[1.0, 2.0]])


def test_spearman_difference_of_perfect_and_reversed_orders():
    a = np.arange(8.0)
    y = a**3  # same order as a: rho(a, y) = 1
    d, low, high = statistics.spearman_difference(a, -a, y)  # rho(-a, y) = -1
    assert d == 2.0 and low == 2.0 and high == 2.0
    d, low, high = statistics.spearman_difference(a, a, y)
    assert (d, low, high) == (0.0, 0.0, 0.0)
    # a model with a NaN score is left out, as if it were not there
    with_nan = statistics.spearman_difference(
        np.r_[a, np.nan], np.r_[-a, 1.0], np.r_[y, 2.0]
    )
    assert with_nan[0] == 2.0
    with pytest.raises(ValueError, match="equal length"):
        statistics.spearman_difference(a, a[:3], y)


def test_ci_verdict():
    assert statistics.ci_verdict(0.1, 0.5) == "yes"
    assert statistics.ci_verdict(-0.5, -0.1) == "no"
    assert statistics.ci_verdict(-0.1, 0.1) == "inconclusive"
    assert statistics.ci_verdict(0.0, 0.2) == "inconclusive"


def test_correlations_drops_incomplete_rows_and_needs_min_models(capsys):
    import pandas as pd

    table = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0, np.nan], "snr": [1.0, 3.0, 2.0, 5.0, 9.0]}
    )
    out = statistics.correlations(table, [("a", "snr")], seed=0)
    assert set(out) == {"Spearman", "Pearson"}
    spearman = out["Spearman"].iloc[0]
    assert spearman.n_models == 4 and spearman.spearman_rho == pytest.approx(0.8)
    assert out["Pearson"].iloc[0].pearson_r == pytest.approx(
        np.corrcoef([1, 2, 3, 4], [1, 3, 2, 5])[0, 1]
    )
    assert statistics.correlations(table.iloc[:2], [("a", "snr")], name="few") is None
    assert "few: 2 with all scores" in capsys.readouterr().out
    with pytest.raises(KeyError, match="b"):
        statistics.correlations(table, [("b", "snr")])


# --- ranking_agreement (chapter 5) ----------------------------------------------------


def test_ranking_agreement_hand_made():
    """Three models on a 2 x 2 grid of settings, ranks worked out by hand."""
    from acme_utils import statistics

    def table(values):
        return pd.DataFrame(
            values,
            index=pd.Index([3, 4], name="k"),
            columns=pd.Index([80, 90], name="percentile"),
        )

    scores = {
        "a": table([[1.0, 3.0], [5.0, np.nan]]),
        "b": table([[2.0, 2.0], [6.0, 1.0]]),
        "c": table([[3.0, 1.0], [7.0, 2.0]]),
    }
    rho, best = statistics.ranking_agreement(scores, (3, 80))
    # reference order a < b < c; (3, 90) reverses it; (4, 80) keeps it; (4, 90) has a NaN
    assert rho.loc[3, 80] == 1.0 and rho.loc[3, 90] == -1.0 and rho.loc[4, 80] == 1.0
    assert np.isnan(rho.loc[4, 90])
    assert best.loc[3, 80] == "c" and best.loc[3, 90] == "a" and best.loc[4, 90] == "c"
    assert rho.index.name == "k" and list(rho.columns) == [80, 90]
    ties = {n: table([[1.0, 1.0], [1.0, 1.0]]) for n in "ab"}
    assert np.isnan(statistics.ranking_agreement(ties, (3, 80))[0].to_numpy()).all()
    with pytest.raises(ValueError, match="reference"):
        statistics.ranking_agreement(scores, (5, 80))


# --- correlation_report (chapter 9) ---------------------------------------------------


def test_correlation_report_puts_every_set_and_pair_in_one_table():
    from acme_utils import statistics

    table = pd.DataFrame(
        {
            "a": [1.0, 2.0, 3.0, 4.0, 5.0],
            "b": [5.0, 4.0, 3.0, 2.0, 1.0],
            "y": [1.0, 2.0, 3.0, 4.0, 10.0],
        }
    )
    pairs = [("a", "y"), ("b", "y")]
    views = {
        "five": statistics.correlations(table, pairs),
        "four": statistics.correlations(table.iloc[:4], pairs),
    }
    report = statistics.correlation_report(views, {("a", "y"): "A vs Y"})
    assert report.index.names == ["set", "pair"]
    assert report.index.tolist() == [
        ("five", "A vs Y"),
        ("five", "b vs y"),
        ("four", "A vs Y"),
        ("four", "b vs y"),
    ]
    assert list(report.columns) == [
        "models",
        "Spearman ρ",
        "ρ 95% CI",
        "ρ p-value",
        "Pearson r",
        "r 95% CI",
        "r p-value",
    ]
    five = report.loc[("five", "A vs Y")]
    assert five["models"] == 5 and five["Spearman ρ"] == pytest.approx(1.0)
    # the outlier 10 bends the line: Pearson's r is below 1, as scipy computes it
    assert five["Pearson r"] == pytest.approx(stats.pearsonr(table.a, table.y)[0])
    assert five["ρ 95% CI"] == "+1.00 to +1.00"  # every resample keeps the order
    assert report.loc[("four", "b vs y"), "Spearman ρ"] == pytest.approx(-1.0)
    assert report.loc[("four", "b vs y"), "ρ 95% CI"] == "-1.00 to -1.00"
    assert statistics.correlation_report({}).empty
    with pytest.raises(ValueError, match="'Pearson'"):
        statistics.correlation_report({"x": {"Spearman": views["five"]["Spearman"]}})
    mixed = {"Spearman": views["five"]["Spearman"], "Pearson": views["five"]["Pearson"]}
    mixed["Pearson"] = mixed["Pearson"].iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match="different pairs"):
        statistics.correlation_report({"x": mixed})


def _settings_table(values):
    return pd.DataFrame(
        values,
        index=pd.Index([3, 4], name="k"),
        columns=pd.Index([80, 90], name="percentile"),
    )


def test_ranking_stability_hand_made():
    """Three models on 2 x 2 settings: at (3, 80) the order is a < b < c."""
    scores = {
        "a": _settings_table([[1.0, 3.0], [5.0, 0.0]]),
        "b": _settings_table([[2.0, 2.0], [6.0, 1.0]]),
        "c": _settings_table([[3.0, 1.0], [7.0, 2.0]]),
    }
    reverse = {n: -t for n, t in scores.items()}  # the reference's best is a
    table = statistics.ranking_stability({"score": scores, "minus": reverse}, (3, 80))
    assert list(table.index) == ["score", "minus"]
    # c is best at (3, 80), (4, 80), (4, 90); the order a < b < c holds at those three
    assert table.loc["score"].to_dict() == {
        "best": "c",
        "n_best": 3,
        "n_same_order": 3,
        "n_settings": 4,
        "n_models": 3,
    }
    assert table.loc["minus", "best"] == "a" and table.loc["minus", "n_same_order"] == 3
    with pytest.raises(ValueError, match="empty"):
        statistics.ranking_stability({}, (3, 80))
    with pytest.raises(ValueError, match="reference"):
        statistics.ranking_stability({"score": scores}, (5, 80))


def test_ranking_stability_report_text():
    table = pd.DataFrame(
        [{"best": "c", "n_best": 3, "n_same_order": 2, "n_settings": 4, "n_models": 4}],
        index=["score"],
    )
    assert statistics.ranking_stability_report(table) == (
        "score: the default setting's best model (c) is best at 3 of 4 settings; the "
        "order of all four models is the same as at the default at 2 of 4."
    )
    many = table.assign(n_models=12)
    assert "all 12 models" in statistics.ranking_stability_report(many)
    with pytest.raises(ValueError, match="lacks"):
        statistics.ranking_stability_report(table.drop(columns="best"))


def test_closest_to_median_ignores_nan_and_takes_the_first_tie():
    # median of 1, 5, 3, 10 is 4: 5 (index 1) and 3 (index 2) are both 1 away
    assert statistics.closest_to_median([1.0, 5.0, 3.0, np.nan, 10.0]) == 1
    assert statistics.closest_to_median([7.0]) == 0
    assert statistics.closest_to_median([np.nan, np.nan], default=0) == 0
    with pytest.raises(ValueError, match="finite"):
        statistics.closest_to_median([np.nan, np.nan])
    with pytest.raises(ValueError, match="1-D"):
        statistics.closest_to_median([[1.0, 2.0]])


def test_model_order_report_hand_made():
    table = pd.DataFrame(
        {"snr": [0.1, 0.3, 0.2], "x": [1.0, 3.0, 2.0], "y": [3.0, 2.0, 1.0]},
        index=["a", "b", "c"],
    )
    assert statistics.model_order_report(table, ["x", "y"]).splitlines() == [
        "x: orders the models b > c > a; same order as SNR: True; same top model: True",
        "y: orders the models a > b > c; same order as SNR: False; same top model: False",
        "SNR orders them b > c > a",
    ]
    with pytest.raises(ValueError, match="no column"):
        statistics.model_order_report(table, ["z"])


def test_ranking_by_setting_report_hand_made():
    ranks = pd.DataFrame({1: [2, 1, 3], 3: [1, 2, 3], 5: [1, 2, 3]}, index=list("abc"))
    assert statistics.ranking_by_setting_report(ranks, 3).splitlines() == [
        "k = 1: ranking differs from that of k = 3; top model b",
        "k = 3: ranking identical to that of k = 3; top model a",
        "k = 5: ranking identical to that of k = 3; top model a",
        "ranking stable across all windows: False",
    ]
    stable = ranks.drop(columns=1)
    assert statistics.ranking_by_setting_report(stable, 5, settings="sizes").endswith(
        "ranking stable across all sizes: True"
    )
    with pytest.raises(ValueError, match="reference"):
        statistics.ranking_by_setting_report(ranks, 7)
