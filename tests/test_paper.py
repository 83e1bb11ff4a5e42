"""The paper's Table 1 (acme_utils.paper): complete, and in our vocabulary."""

import numpy as np
import pandas as pd
import pytest

from acme_utils import paper, statistics, sweep
from acme_utils.regularizers import REGULARIZERS


def test_table_1_has_every_configuration_but_the_batch_norm_adversarial_ones():
    t = paper.table_1()
    assert (
        len(t) == 26
        and not t.duplicated(["regularizer", "batch_norm", "activation"]).any()
    )
    assert set(t.regularizer) == set(sweep.STUDY_REGULARIZERS) and set(
        t.regularizer
    ) <= set(REGULARIZERS)
    assert t[
        (t.regularizer == "adversarial") & t.batch_norm
    ].empty  # no model passed the filter
    assert (
        t.test_auroc >= sweep.MIN_TEST_AUROC
    ).all()  # means of models that passed it
    assert (
        t.passed.between(1, paper.MODELS_PER_CONFIGURATION).all()
        and t.passed.sum() == 317
    )  # (the text says 327 passed)
    row = t.set_index(["regularizer", "batch_norm", "activation"]).loc[
        ("none", True, "relu")
    ]
    assert (row.passed, row.snr, row.kmer_kld) == (
        4,
        1.481,
        1.101,
    )  # spot check against the paper


def test_study_configurations_are_the_sweep_grid_in_table_1_order():
    expected = [
        (r, bn, a)
        for r in sweep.STUDY_REGULARIZERS
        for bn in (True, False)
        for a in sweep.ACTIVATIONS
    ]
    assert paper.STUDY_CONFIGURATIONS == expected and len(expected) == 28


def test_side_by_side_puts_ours_next_to_the_paper():
    import numpy as np
    import pandas as pd

    ours = pd.DataFrame(
        {
            "regularizer": ["none", "fourier_prior"],
            "batch_norm": [True, True],
            "activation": ["relu", "relu"],
            "trained": [3, 2],
            "passed": [2, 0],
            "snr": [1.0, np.nan],
        }
    )
    table = paper.side_by_side(ours, ["snr"], labels={"snr": "SNR"})
    assert (
        len(table) == 29
    )  # the 28 study configurations, then the one beyond the study
    row = table.loc[("none", "bn", "relu")]
    assert row[("models", "ours")] == "2/3" and row[("models", "paper")] == "4/15"
    assert row[("SNR", "ours")] == 1.0 and row[("SNR", "paper")] == 1.481
    assert (
        table.loc[("adversarial", "bn", "relu"), ("models", "paper")] == "0/15"
    )  # not in Table 1
    assert table.loc[("mixup", "bn", "relu"), ("models", "ours")] == "not yet"
    beyond = table.loc[("fourier_prior", "bn", "relu")]
    assert beyond[("models", "ours")] == "0/2" and beyond[("models", "paper")] == "–"
    assert np.isnan(beyond[("SNR", "paper")])


# --- chapter 9's comparisons -------------------------------------------------------------------


def _models(**columns):
    """Our models: ``none``/``mixup`` x relu/exponential x two seeds, batch norm on."""
    base = pd.DataFrame(
        {
            "regularizer": ["none"] * 4 + ["mixup"] * 4,
            "batch_norm": [True] * 8,
            "activation": ["relu", "exponential"] * 4,
            "seed": [0, 0, 1, 1] * 2,
            "test_auroc": [0.975, 0.98, 0.978, 0.985, 0.972, 0.981, 0.99, 0.96],
            "snr": [1.0, 2.5, 1.2, 2.0, 0.8, 3.0, 1.1, 2.2],
            "kmer_kld": [0.3, 0.8, 0.35, 0.7, 0.2, 0.9, 0.33, 0.75],
            "kattr_mean_kld": [0.2, 0.6, 0.25, 0.55, 0.1, 0.7, 0.22, 0.58],
        }
    )
    base = base.assign(**columns)
    return base.assign(passed_filter=base.test_auroc >= 0.97)


def test_grid_coverage_counts_configurations_seeds_and_passing_models():
    table = pd.concat(
        [
            _models(),
            _models().iloc[:1].assign(regularizer="tv_prior", seed=0),
        ],
        ignore_index=True,
    )
    assert paper.grid_coverage(table, 0.97).splitlines() == [
        "9 models in 5 configurations: 4 of the study's 28, plus 1 beyond the study",
        "seeds [0, 1]; 1 to 2 models per configuration (the study: 15)",
        "8 of 9 models pass the filter (test AUROC >= 0.97); test AUROC ranges "
        "0.9600 to 0.9900",
    ]
    first = paper.grid_coverage(_models(), 0.97).splitlines()[0]
    assert first == "8 models in 4 configurations: 4 of the study's 28"
    with pytest.raises(KeyError, match="passed_filter"):
        paper.grid_coverage(_models().drop(columns="passed_filter"), 0.97)


def test_with_table_1_joins_configurations_in_both():
    ours = pd.DataFrame(
        {
            "regularizer": ["none", "adversarial", "tv_prior"],
            "batch_norm": [True, True, False],
            "activation": ["relu", "relu", "relu"],
            "snr": [1.0, 2.0, 3.0],
        }
    )
    merged = paper.with_table_1(ours)
    # the batch-norm adversarial configuration is not in Table 1, the prior not in the study
    assert merged.regularizer.tolist() == ["none"]
    assert (merged.snr[0], merged.snr_paper[0], merged.passed[0]) == (1.0, 1.481, 4)
    with pytest.raises(KeyError, match="activation"):
        paper.with_table_1(ours.drop(columns="activation"))


def test_agreement_report_mean_gaps_and_ordering():
    theirs = paper.table_1()
    ours = theirs[["regularizer", "batch_norm", "activation", "snr"]].copy()
    ours["snr"] = ours.snr + 0.5  # the same order, shifted
    merged = paper.with_table_1(ours.iloc[:4], theirs)
    lines = paper.agreement_report(
        merged, ["snr"], {"snr": "SNR"}, ordered_by=["snr"]
    ).splitlines()
    assert lines[0] == "4 configurations have passing models in both tables"
    assert lines[1] == "mean difference, ours - paper: SNR +0.500"
    assert lines[2].startswith("do we order the configurations by SNR as the paper")
    assert "rho = +1.00" in lines[2]
    few = paper.agreement_report(merged.iloc[:2], ["snr"], ordered_by=["snr"])
    assert few.splitlines()[-1] == (
        "ordering of configurations: fewer than 3 configurations to compare yet"
    )
    none = paper.agreement_report(
        merged.assign(snr=np.nan), ["snr"], ordered_by=["snr"]
    )
    assert none.splitlines()[:1] == [
        "0 configurations have passing models in both tables"
    ]
    with pytest.raises(KeyError, match="kattr_mean_kld_paper"):
        paper.agreement_report(merged, ["snr"])  # ordered by kattr_mean_kld by default


def test_activation_pairs_match_every_other_factor():
    pairs = paper.activation_pairs(_models())
    assert list(pairs.columns) == ["exponential", "relu"]
    assert pairs.index.names == ["regularizer", "batch_norm", "seed"]
    assert pairs.loc[("none", True, 1)].tolist() == [2.0, 1.2]
    assert len(pairs) == 4
    incomplete = paper.activation_pairs(_models().drop(index=[0]))
    assert len(incomplete) == 3  # none, seed 0 has lost its ReLU model
    relu_only = paper.activation_pairs(_models(activation="relu").iloc[::2])
    assert relu_only.empty and list(relu_only.columns) == ["exponential", "relu"]
    table_1 = paper.activation_pairs(paper.table_1())
    assert table_1.index.names == ["regularizer", "batch_norm"] and len(table_1) == 13


def test_activation_means_weight_the_papers_means_by_their_trials():
    theirs = pd.DataFrame(
        {
            "activation": ["relu", "relu", "exponential"],
            "passed": [1, 3, 2],
            "snr": [1.0, 2.0, 5.0],
        }
    )
    means = paper.activation_means(_models().iloc[:4], theirs)
    assert list(means.columns) == [
        "ours: models",
        "ours: mean SNR",
        "paper: models",
        "paper: mean SNR",
    ]
    assert means.loc["relu"].tolist() == pytest.approx([2, 1.1, 4, 1.75])
    assert means.loc["exponential"].tolist() == pytest.approx([2, 2.25, 2, 5.0])


def _claims(table, min_models=3):
    pairs = [("kattr_mean_kld", "snr"), ("kmer_kld", "snr"), ("test_auroc", "snr")]
    passing = table[table.passed_filter]
    ours = statistics.correlations(passing, pairs, min_models)
    papers = statistics.correlations(paper.table_1(), pairs)
    return paper.claims(table, ours, papers, min_models=min_models)


def test_claims_by_hand_on_a_small_table():
    claims = _claims(_models())
    assert claims.index.name == "claim (METHODS.md section 9)"
    assert list(claims.columns) == [
        "ours (passing models)",
        "paper (Table 1)",
        "supported by ours",
    ]
    verdicts = claims["supported by ours"].tolist()
    # passing AUROC 0.972-0.990 (in 0.97-0.99); SNR 0.8 to 3.0 (more than twice);
    # exponential above ReLU in all four pairs; both KLDs ordered exactly as SNR
    assert verdicts[:5] == ["yes", "yes", "yes", "yes", "yes"]
    first = claims.iloc[0]
    assert first["ours (passing models)"] == "7 of 8 pass; test AUROC 0.972-0.990"
    assert first["paper (Table 1)"] == "317 models; configuration means 0.973-0.983"
    assert claims.iloc[1]["ours (passing models)"] == "SNR 0.80 to 3.00"
    # mean of the pair differences 1.5, 0.8, 2.2, 1.1
    assert claims.iloc[2]["ours (passing models)"].startswith(
        "4 pair(s); mean difference +1.40"
    )
    assert claims.iloc[3]["ours (passing models)"].startswith("ρ +1.00")
    assert claims.index[3] == "kmer_kld rises with SNR"  # no labels given
    assert claims.iloc[5]["ours (passing models)"].startswith("ρ difference +0.00")


def test_claims_with_too_few_models_and_with_a_negative_snr():
    table = _models()
    too_few = _claims(table.assign(passed_filter=[True, True] + [False] * 6))
    assert too_few["supported by ours"].tolist()[:2] == [paper.TOO_FEW] * 2
    assert too_few["supported by ours"].tolist()[3:] == [paper.TOO_FEW] * 4
    assert too_few.iloc[3]["ours (passing models)"] == "–"
    negative = _claims(table.assign(snr=table.snr - 1.0))
    assert negative.iloc[1]["supported by ours"] == "inconclusive (an SNR <= 0)"
    narrow = _claims(table.assign(snr=table.snr / 10 + 1))  # 1.08 to 1.30
    assert narrow.iloc[1]["supported by ours"] == "no"
    with pytest.raises(KeyError, match="passed_filter"):
        paper.claims(table.drop(columns="passed_filter"), None, None)
