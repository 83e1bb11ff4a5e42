"""The paper's Table 1 (acme_utils.paper): complete, and in our vocabulary."""

from acme_utils import paper, sweep
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
