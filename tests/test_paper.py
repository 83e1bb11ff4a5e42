"""The paper's Table 1 (acme_utils.paper): complete, and in our vocabulary."""

from acme_utils import paper, sweep
from acme_utils.regularizers import REGULARIZERS


def test_table_1_has_every_configuration_but_the_batch_norm_adversarial_ones():
    t = paper.table_1()
    assert len(t) == 26 and not t.duplicated(["regularizer", "batch_norm", "activation"]).any()
    assert set(t.regularizer) == set(sweep.STUDY_REGULARIZERS) and set(t.regularizer) <= set(REGULARIZERS)
    assert t[(t.regularizer == "adversarial") & t.batch_norm].empty  # no model passed the filter
    assert (t.test_auroc >= sweep.MIN_TEST_AUROC).all()  # means of models that passed it
    assert t.passed.between(1, paper.MODELS_PER_CONFIGURATION).all() and t.passed.sum() == 317  # (the text says 327 passed)
    row = t.set_index(["regularizer", "batch_norm", "activation"]).loc[("none", True, "relu")]
    assert (row.passed, row.snr, row.kmer_kld) == (4, 1.481, 1.101)  # spot check against the paper
